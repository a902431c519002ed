// Injects one fault into the target and says how to end it. Every fault either happens or comes
// back with the reason it could not (no process on this machine, permission, no fault-injection
// route, no proxy): a fault not injected is never counted as survived.
import { corruptCacheEntries } from '../../faults/data/corrupt-cache.ts';
import type { ModelDamage } from '../../faults/data/corrupt-model.ts';
import { startCpuHog } from '../../faults/process/cpu-hog.ts';
import { startMemoryHog } from '../../faults/process/memory-hog.ts';
import { childrenOf, pauseProcess, sendSignal } from '../../faults/process/signals.ts';
import type { FaultSpec } from './params.ts';

/** What a fault may act on: the target's processes and URL, the proxy, the way to restart a server. */
export interface FaultEnvironment {
  /** The server's own URL (not the proxy's). */
  serverUrl(): string;
  serverPid(): number | undefined;
  /** The worker's pid, as /health names it, else the server's only child. */
  workerPid(): number | undefined;
  /** Sets toxics in the fault proxy; undefined when the suite has no proxy. */
  proxy?: { set(toxics: NonNullable<FaultSpec['toxics']>): void; clear(): void };
  /** Starts a killed server again, as its supervisor would; undefined when the harness did not start it. */
  restartServer?: () => Promise<void>;
  /** The copy of the model file the server loads, which a corrupt-model fault damages; undefined when the harness serves none. */
  modelCopy?: { damage(how: ModelDamage): Promise<string>; restore(): Promise<void> };
}

/**
 * An injected fault: `end` undoes it when its duration is over (SIGCONT, kill the hogs, clear the
 * toxics); `recover`, when set, is what the target's supervisor does after it (start a killed
 * server again), which counts in the time to recover.
 */
export type Injection =
  | { injected: true; did: string; end: () => Promise<string | undefined>; recover?: () => Promise<string> }
  | { injected: false; reason: string };

const done = (did: string, end: () => Promise<string | undefined> = async () => undefined): Injection => ({ injected: true, did, end });
const refused = (reason: string): Injection => ({ injected: false, reason });

/** Waits `ms`, or less if the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function workerPidOf(env: Pick<FaultEnvironment, 'serverPid'>, fromHealth: number | undefined): number | undefined {
  if (fromHealth) return fromHealth;
  const server = env.serverPid();
  const children = server === undefined ? [] : childrenOf(server);
  return children.length === 1 ? children[0] : undefined;
}

/** Reads /health until it says circuit-open (or the time is up): what the server said about the damaged file. */
async function waitForRefusal(serverUrl: string, withinMs: number): Promise<string> {
  const until = performance.now() + withinMs;
  let last = 'no answer';
  while (performance.now() < until) {
    try {
      const body = (await (await fetch(`${serverUrl}/health`, { signal: AbortSignal.timeout(1000) })).json()) as { status?: string; worker?: { lastCrash?: string | null } };
      last = `/health ${body.status}${body.worker?.lastCrash ? `: ${body.worker.lastCrash}` : ''}`;
      if (body.status === 'circuit-open' || body.status === 'failed') return last;
    } catch (err) {
      last = `/health: ${(err as Error).message}`;
    }
    await sleep(100);
  }
  return `the server did not refuse the file within the fault's duration (last ${last})`;
}

export async function injectFault(spec: FaultSpec, env: FaultEnvironment): Promise<Injection> {
  switch (spec.type) {
    case 'kill-worker': {
      const pid = env.workerPid();
      if (pid === undefined) return refused('the target names no worker process (neither /health worker.pid nor a single child of its server)');
      const r = sendSignal(pid, 'SIGKILL', 'the worker');
      return r.ok ? done(`SIGKILL to the worker, pid ${pid}`) : refused(r.reason);
    }
    case 'kill-server': {
      const pid = env.serverPid();
      const r = sendSignal(pid, 'SIGKILL', 'the server');
      if (!r.ok) return refused(r.reason);
      const restart = spec.restart ?? env.restartServer !== undefined;
      const did = `SIGKILL to the server, pid ${pid}`;
      if (!restart) return done(`${did}; not restarted`);
      if (!env.restartServer) return done(`${did}; the harness did not start it, so it cannot start it again`);
      const restartServer = env.restartServer;
      return {
        injected: true,
        did,
        end: async () => undefined,
        recover: async () => {
          await restartServer();
          return `started again by the harness (pid ${env.serverPid()})`;
        },
      };
    }
    case 'pause': {
      const pid = env.serverPid();
      const { outcome, resume } = pauseProcess(pid, 'the server');
      if (!outcome.ok) return refused(outcome.reason);
      // The worker is paused too: a stopped server with a running worker is not a paused service.
      const worker = env.workerPid();
      const paused = worker !== undefined && worker !== pid ? pauseProcess(worker, 'the worker') : undefined;
      return done(`SIGSTOP to the server (pid ${pid})${paused?.outcome.ok ? ` and its worker (pid ${worker})` : ''}`, async () => {
        paused?.resume();
        resume();
        return 'SIGCONT';
      });
    }
    case 'cpu': {
      const hog = await startCpuHog({ ...(spec.processes !== undefined ? { processes: spec.processes } : {}), durationMs: spec.duration });
      return done(`${hog.description}, pids ${hog.pids.join(', ')}`, async () => {
        await hog.stop();
        return 'busy processes killed';
      });
    }
    case 'memory': {
      const hog = await startMemoryHog({ ...(spec.share !== undefined ? { share: spec.share } : {}), ...(spec.capMb !== undefined ? { capMb: spec.capMb } : {}), durationMs: spec.duration });
      if ('unavailable' in hog) return refused(hog.unavailable);
      return done(`${hog.description}, pid ${hog.pids.join(', ')}`, async () => {
        await hog.stop();
        return 'memory released';
      });
    }
    case 'corrupt-cache': {
      const r = await corruptCacheEntries(env.serverUrl(), spec.count ?? 64);
      return r.ok ? done(`${r.corrupted} of ${r.entries} cache entries corrupted in place`) : refused(r.reason);
    }
    case 'corrupt-model': {
      const copy = env.modelCopy;
      if (!copy) return refused('the harness serves no copy of the model it could damage (only for a gguf target whose server the harness starts; a fixture or a user’s file is never touched)');
      const pid = env.workerPid();
      if (pid === undefined) return refused('the target names no worker process to restart (neither /health worker.pid nor a single child of its server)');
      const damaged = await copy.damage(spec.damage ?? 'truncate');
      // The worker restarts on the damaged file: its preflight must refuse it.
      const r = sendSignal(pid, 'SIGKILL', 'the worker');
      if (!r.ok) {
        await copy.restore();
        return refused(r.reason);
      }
      const refusal = waitForRefusal(env.serverUrl(), spec.duration);
      return done(`${damaged}; SIGKILL to the worker, pid ${pid}`, async () => {
        const said = await refusal;
        await copy.restore();
        return `${said}; the intact file put back`;
      });
    }
    case 'network': {
      if (!env.proxy) return refused('no fault proxy in front of the target');
      if (!spec.toxics?.length) return refused('a network fault needs toxics');
      const proxy = env.proxy;
      proxy.set(spec.toxics);
      return done(`toxics ${spec.toxics.map((t) => `${t.type}${t.toxicity !== undefined ? ` (toxicity ${t.toxicity})` : ''}`).join(', ')}`, async () => {
        proxy.clear();
        return 'toxics cleared';
      });
    }
  }
}
