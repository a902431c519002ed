// Alerts that really fire: when a fault names an alert and a Prometheus binary is installed, a
// real Prometheus scrapes the target's /metrics with the shipped rules (durations scaled for a
// short run) and each fault's alert must fire within fireWithin of its start and resolve within
// resolveWithin of its end. Without the binary, the alert checks are inconclusive.
import { dirname, resolve } from 'node:path';
import { AlertWatch } from '../../monitoring/alert-watch.ts';
import { findPrometheus, startPrometheus, type RunningPrometheus } from '../../monitoring/prometheus.ts';
import { sleep } from './inject.ts';
import type { FaultParams } from './params.ts';
import type { FaultRecord } from './timeline.ts';

export interface Alerting {
  rulesFile: string;
  scale: number;
  /** Watches the alert of one fault; resolves once it fired and resolved, or ran out of time. */
  follow(f: FaultRecord, signal: AbortSignal): Promise<void>;
  /** Point the scrape at a server started again on a new port. */
  moved(serverUrl: string): void;
  stop(): Promise<void>;
}

const hostPort = (url: string) => new URL(url).host;

export async function openAlerting(p: FaultParams, suiteFile: string, serverUrl: string, clock: () => number): Promise<Alerting | { unavailable: string }> {
  const binary = findPrometheus();
  if (!binary) return { unavailable: 'no prometheus binary (install Debian’s prometheus package, or set EMBEDGATE_PROMETHEUS): alert checks cannot be judged' };
  const rulesFile = resolve(dirname(suiteFile), p.alerts.rules);
  let prom: RunningPrometheus;
  try {
    prom = await startPrometheus({ binary, rulesFile, scale: p.alerts.scale, targets: [hostPort(serverUrl)] });
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
  // A counter's value before the fault must be on record, or its increase cannot be seen.
  if (!(await prom.scraped(2))) {
    const log = prom.log();
    await prom.stop();
    return { unavailable: `prometheus never scraped ${serverUrl}/metrics successfully: alert checks cannot be judged${log ? `\n${log.slice(-1000)}` : ''}` };
  }
  const watch = new AlertWatch(prom.url, clock).start();
  const { fireWithin, resolveWithin } = p.alerts;
  return {
    rulesFile,
    scale: p.alerts.scale,
    async follow(f, signal) {
      const name = f.spec.alert!;
      const alert: NonNullable<FaultRecord['alert']> = { name };
      f.alert = alert;
      while (f.startMs === undefined && !signal.aborted) await sleep(100, signal);
      if (!f.injected && f.notInjected) return;
      const start = f.startMs!;
      watch.reset(name);
      while (!signal.aborted && clock() < start + fireWithin && watch.times(name).firedAtMs === undefined) await sleep(250, signal);
      const fired = watch.times(name).firedAtMs;
      if (fired === undefined) {
        alert.problem = `${name} did not fire within ${(fireWithin / 1000).toFixed(0)} s of the fault's start${watch.lastError ? ` (last API error: ${watch.lastError})` : ''}`;
        return;
      }
      alert.firedAtMs = fired;
      while (f.endMs === undefined && !signal.aborted) await sleep(100, signal);
      const from = Math.max(fired, f.endMs ?? fired);
      while (!signal.aborted && clock() < from + resolveWithin && watch.times(name).resolvedAtMs === undefined) await sleep(250, signal);
      const resolved = watch.times(name).resolvedAtMs;
      if (resolved === undefined) alert.problem = `${name} fired but did not resolve within ${(resolveWithin / 1000).toFixed(0)} s of the fault's end`;
      else alert.resolvedAtMs = resolved;
    },
    moved: (url) => prom.setTargets([hostPort(url)]),
    async stop() {
      watch.stop();
      await prom.stop();
    },
  };
}
