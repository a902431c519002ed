// npm run bench:selfcheck: the self-check's power, measured. Runs `embedgate selfcheck`
// EMBEDGATE_BENCH_SELFCHECK_RUNS times (default 5), one after another, each with its own seed, and
// counts how often the clean server passed every suite (goal: every run) and how often each
// planted regression was caught, and by which checks. Beside the figures: each run's wall time and
// how busy the rest of the machine was, since timing checks lose power on a busy machine. Writes
// reports/bench/selfcheck.json. Long: about 2 minutes a run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCores } from '../harness/machine.ts';
import { REPO_ROOT } from '../harness/paths.ts';
import { contentionLine, watchContention, type Contention } from '../harness/probes/process-cpu.ts';
import type { SelfcheckVerdict } from '../harness/selfcheck/table.ts';
import { writeFileAtomic } from '../harness/write-atomic.ts';

const RUNS = Number(process.env.EMBEDGATE_BENCH_SELFCHECK_RUNS ?? 5);
const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');
const OUT = join(REPO_ROOT, 'reports', 'bench', 'selfcheck.json');

interface RunFigures {
  seed: number;
  exitCode: number | null;
  seconds: number;
  loadAverage: number;
  contention: Contention;
  verdict?: SelfcheckVerdict;
}

function runOnce(seed: number, out: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'selfcheck', '--seed', String(seed), '--reporter', 'json', '--out', out], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

async function main(): Promise<void> {
  const cores = detectCores().cores;
  const work = mkdtempSync(join(tmpdir(), 'embedgate-bench-selfcheck-'));
  const runs: RunFigures[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const seed = i + 1;
      const out = join(work, `run-${seed}`);
      const watch = watchContention();
      const started = performance.now();
      const { code, stderr } = await runOnce(seed, out);
      const figures: RunFigures = { seed, exitCode: code, seconds: (performance.now() - started) / 1000, loadAverage: loadavg()[0]!, contention: watch() };
      try {
        const dir = readdirSync(out)[0]!;
        figures.verdict = JSON.parse(readFileSync(join(out, dir, 'selfcheck.json'), 'utf8')) as SelfcheckVerdict;
      } catch {
        process.stderr.write(`run ${seed}: no selfcheck.json (exit ${code}):\n${stderr}\n`);
      }
      runs.push(figures);
      process.stdout.write(`run ${seed}: exit ${code}, ${figures.seconds.toFixed(0)} s, ${figures.verdict?.summary ?? 'no verdict'}; ${contentionLine(figures.contention, cores)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const judged = runs.filter((r) => r.verdict);
  const clean = judged.filter((r) => r.verdict!.cleanPassed).length;
  const names = [...new Set(judged.flatMap((r) => r.verdict!.rows.map((row) => row.name)))].filter((n) => n !== 'clean');
  const regressions = names.map((name) => {
    const rows = judged.map((r) => r.verdict!.rows.find((row) => row.name === name)).filter((row) => row !== undefined);
    const byCheck: Record<string, number> = {};
    for (const row of rows) for (const c of row.failedChecks) byCheck[c] = (byCheck[c] ?? 0) + 1;
    return { name, planted: rows[0]?.planted ?? '', caught: rows.filter((row) => row.status === 'caught').length, runs: rows.length, byCheck };
  });
  const cleanFailures: Record<string, number> = {};
  for (const r of judged) for (const c of r.verdict!.rows.find((row) => row.name === 'clean')?.failedChecks ?? []) cleanFailures[c] = (cleanFailures[c] ?? 0) + 1;

  const lines = [
    '',
    `embedgate selfcheck, ${runs.length} runs (${judged.length} judged): clean server passed every suite in ${clean} of ${judged.length}`,
    ...Object.entries(cleanFailures).map(([c, n]) => `  clean failed ${c} in ${n}`),
    ...regressions.map((r) => `${r.name.padEnd(16)} caught ${r.caught} of ${r.runs}   ${Object.entries(r.byCheck).map(([c, n]) => `${c} ${n}/${r.runs}`).join('; ')}`),
    `wall time per run: ${runs.map((r) => r.seconds.toFixed(0)).join(', ')} s; 1-minute load average after each: ${runs.map((r) => r.loadAverage.toFixed(1)).join(', ')} on ${cores} core(s)`,
    `other processes kept ${(runs.reduce((s, r) => s + r.contention.otherCores, 0) / Math.max(1, runs.length)).toFixed(2)} of ${cores} core(s) busy on average`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await writeFileAtomic(OUT, `${JSON.stringify({ runs: runs.length, judged: judged.length, cleanPassed: clean, regressions, cleanFailures, perRun: runs }, null, 2)}\n`);
  process.stdout.write(`wrote ${OUT}\n`);
}

await main();
