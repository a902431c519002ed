// What checking every answer costs the load generator. Two measurements:
// 1. the checker alone on realistic answers (base64 and float arrays, 384–1024 dimensions, a
//    fifth of them repeats compared with the first vector): µs per answer;
// 2. runPhase at 100 connections against the clean misbehaving server (a child process, so this
//    process's CPU is the generator's alone), checks off and on, interleaved: the generator's
//    cores, answers/s, and the checker's share.
// Run: node --import tsx harness/http-client/testing/bench-answer-check.ts [--seconds 4] [--rounds 3]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AnswerChecker } from '../answer-check.ts';
import { runPhase, type PhaseResult } from '../phase.ts';
import { toyVector } from './misbehaving-server.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, dimensions: { type: 'string', default: '768' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const dims = Number(values.dimensions);

function micro(dimensions: number, base64: boolean): number {
  const texts = Array.from({ length: 4000 }, (_, i) => `query: how to configure option ${i} of the thing`);
  const body = (t: string) => {
    const v = toyVector(t, dimensions);
    return JSON.stringify({ object: 'list', model: 'm', data: [{ object: 'embedding', index: 0, embedding: base64 ? Buffer.from(v.buffer).toString('base64') : Array.from(v) }], usage: { prompt_tokens: 9, total_tokens: 9 } });
  };
  const cases = texts.map((t, i) => (i % 5 === 0 ? texts[i % 32]! : t)).map((t) => ({ t, b: body(t) }));
  const c = new AnswerChecker({ dimensions, normalised: true });
  for (let rep = 0; rep < 3; rep++) for (const { t, b } of cases) c.check(b, [t]);
  if (c.invalid.total) throw new Error(`bench: ${c.invalid.total} answers invalid`);
  return (c.ms * 1000) / c.checked;
}

console.log('checker alone, µs per answer (1 input per request, 20 % repeats compared):');
for (const d of [384, 768, 1024]) console.log(`  ${d} dims: base64 ${micro(d, true).toFixed(1)} µs, float array ${micro(d, false).toFixed(1)} µs`);

const server = fileURLToPath(new URL('./misbehaving-server.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', server, '--lanes', '64', '--dimensions', String(dims)], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const m = /listening on (\S+)/.exec(l);
    if (m) resolve(m[1]!);
  });
  child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const bodies = Array.from({ length: 8192 }, (_, i) => JSON.stringify({ model: 'toy', input: `passage: text ${i % 5 === 0 ? i % 32 : i} about configuring things`, encoding_format: 'base64' }));
const row = (label: string, r: PhaseResult) =>
  console.log(
    `  ${label.padEnd(9)} ${(r.ok / ((r.wallMs + r.graceMs) / 1000)).toFixed(0).padStart(6)} answers/s, generator ${r.generator.cpuCores.toFixed(2)} cores` +
      (r.checked ? `, checker ${((r.checkMs * 1000) / r.checked).toFixed(1)} µs/answer = ${(r.checkMs / (r.wallMs + r.graceMs)).toFixed(3)} cores (${r.checked} checked, ${r.invalid.total} invalid)` : ''),
  );
console.log(`\nrunPhase, 100 connections, ${seconds} s, ${dims}-dim base64 answers from a child-process server:`);
try {
  await runPhase({ name: 'warmup', url, bodies, startIndex: 0, connections: 100, durationMs: 1000 });
  for (let round = 0; round < rounds; round++) {
    row('no check', await runPhase({ name: 'off', url, bodies, startIndex: 0, connections: 100, durationMs: seconds * 1000, check: false }));
    row('check all', await runPhase({ name: 'on', url, bodies, startIndex: 0, connections: 100, durationMs: seconds * 1000, check: { dimensions: dims, normalised: true } }));
  }
} finally {
  child.kill('SIGTERM');
}
