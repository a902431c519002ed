// Broken model files, each loaded by a child `embedgate serve` (llama.cpp may abort the process
// that loads a bad file; here that process is not the harness). Right: serve refuses the file
// within the time limit, exiting with an error that names the file and the reason. Wrong: it
// serves the file (accepted), dies on a signal (crash), never decides (hung), or says too little.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../paths.ts';
import type { BadModelCase } from './bad-models.ts';
import type { CaseResult } from './case.ts';

const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');

/** The lines that say why, for the report: the last few non-empty lines of serve's output. */
function tail(text: string, lines = 3): string {
  return text.split('\n').filter((l) => l.trim()).slice(-lines).join(' | ').slice(-600);
}

export async function tryModelFile(c: BadModelCase, timeoutMs: number, signal: AbortSignal): Promise<CaseResult> {
  const base = { group: 'model' as const, name: c.name, what: `${c.defect} (${c.path})` };
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--model', c.path, '--port', '0', '--host', '127.0.0.1', '--contexts', '1', '--threads', '1', '--cache-mb', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-64 * 1024)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, sig) => resolve({ code, signal: sig })));
  const ms = () => Math.round(performance.now() - started);
  let served = false;
  const deadline = started + timeoutMs;
  const stop = () => child.kill('SIGKILL');
  signal.addEventListener('abort', stop, { once: true });
  try {
    while (performance.now() < deadline && !signal.aborted) {
      const done = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 200, undefined))]);
      if (done) {
        if (done.signal) return { ...base, verdict: 'crash', ms: ms(), why: `embedgate serve died on ${done.signal} loading it: ${tail(stderr)}` };
        if (done.code === 0) return { ...base, verdict: 'unclear', ms: ms(), why: `embedgate serve exited 0 without serving or saying why: ${tail(stderr)}` };
        const names = stderr.includes(c.path);
        const says = c.reason.test(stderr);
        const lines = stderr.split('\n');
        const message = (lines.findLast((l) => l.startsWith('embedgate serve:')) ?? lines.findLast((l) => l.includes(c.path)) ?? tail(stderr, 1)).slice(0, 600);
        if (names && says) return { ...base, verdict: 'ok', ms: ms(), message, why: `refused (exit ${done.code}), naming the file and the reason` };
        return { ...base, verdict: 'unclear', ms: ms(), message, why: `refused (exit ${done.code}) but the error ${names ? '' : 'does not name the file'}${!names && !says ? ' and ' : ''}${says ? '' : `does not say the reason (${c.reason})`}` };
      }
      const url = /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1];
      if (url) {
        const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
        if (health === 200) {
          served = true;
          break;
        }
      }
    }
    if (served) return { ...base, verdict: 'accepted-bad', ms: ms(), why: `embedgate serve loaded the broken file and reports healthy: ${tail(stderr)}` };
    return { ...base, verdict: 'hung', ms: ms(), why: `neither refused nor served within ${timeoutMs} ms: ${tail(stderr)}` };
  } finally {
    signal.removeEventListener('abort', stop);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}
