// The target as a fault suite drives it: the server (a gguf target's own `embedgate serve`, or an
// http target where it is), the fault proxy in front of it when the suite has network faults, and
// what a restart of a killed server changes (its URL and pid; the proxy follows it).
import { existsSync } from 'node:fs';
import { ServedModelCopy } from '../../faults/data/corrupt-model.ts';
import type { FaultProxy } from '../../faults/proxy/index.ts';
import { need, type HttpEndpoint, type HttpServeParams, type Target } from '../../targets/target.ts';
import type { FaultParams } from './params.ts';

export interface Served {
  /** Where the load goes: the proxy when there is one, else the server. */
  loadUrl(): string;
  serverUrl(): string;
  serverPid(): number | undefined;
  modelId: string;
  /** The harness started this server, so it can start it again after a kill. */
  startedByHarness: boolean;
  proxy?: FaultProxy;
  /** The copy of the model the harness serves, for corrupt-model faults. */
  modelCopy?: ServedModelCopy;
  /** Starts the server again (after a kill) and points the proxy at it; `onMoved` hears the new URL. */
  restart(): Promise<void>;
  onMoved(listener: (serverUrl: string) => void): void;
  close(): Promise<void>;
}

/** The serve options a fault suite needs: the fault-injection route for cache corruption, the circuit settings. */
export function serveArgsFor(p: FaultParams): string[] {
  const args: string[] = [];
  if (p.faults.some((f) => f.type === 'corrupt-cache')) args.push('--fault-injection');
  if (p.maxCrashes !== undefined) args.push('--max-crashes', String(p.maxCrashes));
  if (p.cooldown !== undefined) args.push('--cooldown', String(Math.max(0, Math.round(p.cooldown / 1000))));
  return args;
}

export async function openServed(target: Target, p: FaultParams, who: string, opts: { seed: number; onLog?: (line: string) => void }): Promise<Served> {
  const http = need(target, who, 'serveHttp');
  // A model file a fault will damage: a copy of the target's own, never the file itself.
  const own = p.faults.some((f) => f.type === 'corrupt-model') ? target.info?.().path : undefined;
  let modelCopy = own && existsSync(own) ? new ServedModelCopy(own) : undefined;
  const params: HttpServeParams = { ...p.server, serveArgs: serveArgsFor(p), ...(modelCopy ? { modelPath: modelCopy.path } : {}), ...(opts.onLog ? { onLog: opts.onLog } : {}) };
  let endpoint: HttpEndpoint;
  try {
    endpoint = await http.serveHttp(params);
  } catch (err) {
    modelCopy?.remove();
    throw err;
  }
  // A server the harness did not start does not load the copy.
  if (modelCopy && !endpoint.server) {
    modelCopy.remove();
    modelCopy = undefined;
  }
  let proxy: FaultProxy | undefined;
  const listeners: ((url: string) => void)[] = [];
  const needsProxy = p.faults.some((f) => f.type === 'network');
  // Loaded only for suites with network faults.
  const startProxy = async (upstream: string) => (await import('../../faults/proxy/index.ts')).startFaultProxy({ upstream, seed: opts.seed, markRewritten: true });
  try {
    if (needsProxy) proxy = await startProxy(endpoint.url);
  } catch (err) {
    await endpoint.close();
    modelCopy?.remove();
    throw err;
  }
  const served: Served = {
    loadUrl: () => proxy?.url ?? endpoint.url,
    serverUrl: () => endpoint.url,
    serverPid: () => endpoint.processes.pids[0],
    modelId: endpoint.modelId,
    startedByHarness: endpoint.server !== undefined,
    ...(proxy ? { proxy } : {}),
    ...(modelCopy ? { modelCopy } : {}),
    async restart() {
      await endpoint.close().catch(() => {});
      endpoint = await http.serveHttp(params);
      if (proxy) {
        await proxy.close();
        proxy = await startProxy(endpoint.url);
        served.proxy = proxy;
      }
      for (const l of listeners) l(endpoint.url);
    },
    onMoved: (l) => listeners.push(l),
    async close() {
      await Promise.allSettled([proxy?.close(), endpoint.close()]);
      modelCopy?.remove();
    },
  };
  return served;
}
