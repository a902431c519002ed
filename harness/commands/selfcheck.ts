// `embedgate selfcheck [--only a,b] [--reporter list] [--out dir] [--seed n]`: plant each
// regression in a server of its own, run the self-check suites against them and a clean server,
// print which check caught what. Exit 0 only when every regression was caught and the clean
// server passed; 1 otherwise.
import { join } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { detectCores } from '../machine.ts';
import { contentionLine } from '../probes/process-cpu.ts';
import { resolveOutputRoot, resolveReporters } from '../report/registry.ts';
import { runSelfcheck } from '../selfcheck/run-selfcheck.ts';
import { formatSelfcheckTable } from '../selfcheck/table.ts';
import { newRunId } from './run-files.ts';
import { UsageError, type ParsedValues } from './options.ts';

export async function selfcheckCommand(values: ParsedValues, argv: string[]): Promise<number> {
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.only !== undefined && only!.length === 0) throw new UsageError('--only expects a comma-separated list of regressions, e.g. --only drops,perturb');
  const runId = newRunId('selfcheck');
  const outDir = join(resolveOutputRoot(values.out), runId);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(new Error(signal));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let result;
    try {
      result = await runSelfcheck({
        runId,
        outDir,
        reporters: resolveReporters(values.reporter),
        seed: Number(values.seed ?? 1),
        argv,
        ...(only ? { only } : {}),
        signal: controller.signal,
        onLog: (line) => process.stderr.write(`${line}\n`),
      });
    } catch (err) {
      if (/--only: unknown/.test((err as Error).message)) throw new UsageError((err as Error).message);
      throw err;
    }
    process.stdout.write(`\nembedgate selfcheck — planted regressions and the checks that caught them (report: ${outDir})\n\n${formatSelfcheckTable(result.verdict)}\n`);
    // The timing checks (slower, spikes) are the first to lose power on a busy machine: say how busy it was.
    process.stdout.write(`${contentionLine(result.contention, detectCores().cores)}\n`);
    if (controller.signal.aborted) return EXIT.inconclusive;
    return result.verdict.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
