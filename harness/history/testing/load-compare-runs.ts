// The runs behind the compare proof, shared by its test and scripts/bench-compare.ts: a short
// load suite against the baseline fixture behind `embedgate serve` (closed model, 5 rounds of 1 s,
// so each run alone meets compare's floor of 5 values per side), run through the real CLI either
// as it is or with its embedgate serve (server and worker) held to a share of the wall time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliRun } from '../../testing/run-cli.ts';
import { throttleServe } from './throttle-serve.ts';

export const LOAD_COMPARE_SUITE = [
  'suite: load-compare',
  'kind: load',
  'target: { gguf: baseline }',
  'load:',
  '  phases: [closed]',
  '  connections: 4',
  '  duration: 1s',
  '  warmup: 1s',
  '  rounds: 5',
  '  repeatShare: 0',
  '  requestTimeout: 60s',
  '  ceiling: false',
  '  server: { cacheMb: 0 }',
  'checks:',
  '  - errors.rate < 1%',
  '',
].join('\n');

/** The server runs at most 20 ms of every 160 ms (an eighth of the wall time), however late the timers are. */
export const THROTTLE = { runMs: 20, stopMs: 140 };

export function writeLoadCompareSuite(dir: string): string {
  const file = join(dir, 'load-compare.yaml');
  writeFileSync(file, LOAD_COMPARE_SUITE);
  return file;
}

/** One `embedgate run` of the suite; `slowed` throttles its embedgate serve. Returns the run and how many processes were throttled. */
export async function loadCompareRun(suite: string, outUnder: string, slowed = false): Promise<CliRun & { throttled: number }> {
  let throttle: ReturnType<typeof throttleServe> | undefined;
  const run = await runCli(['run', suite, '--reporter', 'json'], { outUnder, ...(slowed ? { onSpawn: (c) => (throttle = throttleServe(c.pid!, THROTTLE)) } : {}) });
  return { ...run, throttled: throttle ? await throttle.stop() : 0 };
}
