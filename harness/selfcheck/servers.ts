// The servers a self-check judges, all on 127.0.0.1: `embedgate serve` of the fixture baseline
// (when a model scenario runs), the clean stand-in test server, a test server process of its own
// for each process regression, and one fault proxy per scenario plus a clean reference proxy for
// `compare:`. Everything started here is stopped by stop(), whatever failed on the way.
import type { ChildProcess } from 'node:child_process';
import { MISBEHAVING_SERVER, spawnTestServer } from '../http-client/testing/processes.ts';
import { startFaultProxy, type FaultProxy } from '../faults/proxy/index.ts';
import { ServeProcess } from '../targets/gguf/serve-process.ts';
import { STAND_IN_FLAGS, type Scenario } from './regressions.ts';

/** Where one scenario's suites point. */
export interface ScenarioEndpoints {
  /** The judged server through its own proxy (load and fidelity suites). */
  url: string;
  /** The server process itself, for the memory suite, which measures the process on the port. */
  directUrl: string;
  /** The clean reference through its own proxy (compare:). */
  referenceUrl: string;
  proxy: FaultProxy;
}

export interface SelfcheckServers {
  endpoints: Map<string, ScenarioEndpoints>;
  /** What each started process was, for the report's log. */
  describe(): string[];
  stop(): Promise<void>;
}

export async function startSelfcheckServers(scenarios: readonly Scenario[], opts: { seed: number; onLog?: (line: string) => void }): Promise<SelfcheckServers> {
  const children: ChildProcess[] = [];
  const proxies: FaultProxy[] = [];
  const lines: string[] = [];
  // As started by hand: no heap probe, so the memory suite judges RSS and anonymous memory, the
  // case its false-alarm rate is measured for (npm run bench:leak).
  const env = { ...process.env };
  delete env.EMBEDGATE_HEAP_PROBE_DIR;
  if (env.NODE_OPTIONS?.includes('heap-probe')) delete env.NODE_OPTIONS;
  let serve: ServeProcess | undefined;
  const stop = async () => {
    await Promise.allSettled(proxies.map((p) => p.close()));
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.allSettled(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('close', r)))));
    await serve?.stop();
  };
  try {
    const proxy = async (upstream: string) => {
      const p = await startFaultProxy({ upstream, seed: opts.seed });
      proxies.push(p);
      return p;
    };
    const testServer = async (flags: string[], why: string) => {
      const s = await spawnTestServer(MISBEHAVING_SERVER, flags, children, env);
      lines.push(`${why}: test server ${flags.join(' ')} at ${s.url} (pid ${s.child.pid})`);
      return s.url;
    };
    const needsModel = scenarios.some((s) => s.family === 'model');
    const needsStandIn = scenarios.some((s) => s.family === 'stand-in');
    const [modelUrl, standInUrl] = await Promise.all([
      needsModel
        ? ServeProcess.start({ model: 'baseline', ...(opts.onLog ? { onLog: opts.onLog } : {}) }).then((s) => {
            serve = s;
            lines.push(`model: embedgate serve --model baseline at ${s.url} (pid ${s.pid})`);
            return s.url;
          })
        : undefined,
      needsStandIn ? testServer(STAND_IN_FLAGS, 'stand-in') : undefined,
    ]);
    const references = new Map<string, string>();
    for (const [family, upstream] of [['model', modelUrl], ['stand-in', standInUrl]] as const) {
      if (upstream) references.set(family, (await proxy(upstream)).url);
    }
    const endpoints = new Map<string, ScenarioEndpoints>();
    for (const s of scenarios) {
      const upstream = s.serverFlags ? await testServer(s.serverFlags, s.name) : s.family === 'model' ? modelUrl! : standInUrl!;
      const p = await proxy(upstream);
      if (s.toxics) p.set(s.toxics);
      endpoints.set(`${s.family}:${s.name}`, { url: p.url, directUrl: upstream, referenceUrl: references.get(s.family)!, proxy: p });
    }
    return { endpoints, describe: () => [...lines], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
