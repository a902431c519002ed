// A real Prometheus on 127.0.0.1 for a fault suite: a temporary directory holds its config (scrape
// every second, the suite's rules scaled for a short run) and its storage; the target list is a
// file_sd file, so a server started again on a new port is scraped without a restart. Always
// stopped (and its directory removed) by stop(), also when the suite fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../write-atomic.ts';
import { cleanupOnExit } from '../faults/process/cleanup.ts';
import { scaleRules } from './scale-rules.ts';

export const PROMETHEUS_CANDIDATES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [...(env['EMBEDGATE_PROMETHEUS'] ? [env['EMBEDGATE_PROMETHEUS']] : []), ...PROMETHEUS_CANDIDATES, ...(env['PATH'] ?? '').split(':').filter(Boolean).map((d) => join(d, 'prometheus'))];
  return candidates.find((p) => existsSync(p));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  /** host:port pairs it scrapes; written atomically, picked up within a few seconds. */
  setTargets(targets: string[]): void;
  stop(): Promise<void>;
  log(): string;
  /**
   * Resolves once every target has been scraped successfully `scrapes` times (about a second
   * apart), so a counter's value before a fault is on record; false if that took longer than `timeoutMs`.
   */
  scraped(scrapes?: number, timeoutMs?: number): Promise<boolean>;
}

async function targetsUp(url: string): Promise<boolean> {
  try {
    const body = (await (await fetch(`${url}/api/v1/targets`, { signal: AbortSignal.timeout(1000) })).json()) as { data?: { activeTargets?: { health: string }[] } };
    const active = body.data?.activeTargets ?? [];
    return active.length > 0 && active.every((t) => t.health === 'up');
  } catch {
    return false;
  }
}

async function waitScraped(url: string, scrapes = 2, timeoutMs = 15_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await targetsUp(url)) {
      // The scrape interval is 1 s: this many more seconds, this many more samples.
      await new Promise((r) => setTimeout(r, scrapes * 1000));
      return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export async function startPrometheus(opts: { binary: string; rulesFile: string; scale: number; targets: string[]; readyTimeoutMs?: number }): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-prometheus-'));
  const sd = join(dir, 'targets.json');
  const setTargets = (targets: string[]) => writeFileAtomicSync(sd, JSON.stringify([{ targets, labels: { job: 'embedgate' } }]));
  setTargets(opts.targets);
  writeFileSync(join(dir, 'rules.yaml'), scaleRules(readFileSync(opts.rulesFile, 'utf8'), opts.scale));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 900ms }',
      'rule_files: [rules.yaml]',
      'scrape_configs:',
      '  - job_name: embedgate',
      `    file_sd_configs: [{ files: ['${sd}'], refresh_interval: 1s }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  let text = '';
  const child: ChildProcess = spawn(
    opts.binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1h'],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  child.stderr!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-64 * 1024)));
  const release = cleanupOnExit(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    release();
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + (opts.readyTimeoutMs ?? 20_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return { url, setTargets, stop, log: () => text, scraped: (n, ms) => waitScraped(url, n, ms) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`prometheus (${opts.binary}) did not become ready on ${url}:\n${text.slice(-2000)}`);
}
