// One self-check: start the servers, run every scenario's suites in one run (one report under
// reports/<run-id>/, written by the usual reporters), judge the table, stop the servers.
import { join } from 'node:path';
import { watchContention, type Contention } from '../probes/process-cpu.ts';
import { runPlan } from '../run.ts';
import type { Reporter } from '../report/reporter.ts';
import type { RunReport } from '../result.ts';
import { TargetPool } from '../targets/open.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { loadSelfcheckSuites, planFor } from './plans.ts';
import { pickScenarios } from './regressions.ts';
import { startSelfcheckServers } from './servers.ts';
import { judgeSelfcheck, type SelfcheckVerdict } from './table.ts';

export interface SelfcheckOptions {
  runId: string;
  outDir: string;
  reporters: Reporter[];
  seed: number;
  argv: string[];
  /** Scenario names to run (default all, clean included). */
  only?: string[];
  signal: AbortSignal;
  onLog?: (line: string) => void;
}

export interface SelfcheckResult {
  verdict: SelfcheckVerdict;
  report: RunReport;
  /** What each proxy's toxics did, by scenario. */
  affected: Record<string, Record<string, number>>;
  /** How busy the rest of the machine kept the cores: timing checks lose power when it is busy. */
  contention: Contention;
}

export async function runSelfcheck(opts: SelfcheckOptions): Promise<SelfcheckResult> {
  const scenarios = pickScenarios(opts.only);
  const templates = loadSelfcheckSuites(scenarios.flatMap((s) => s.suites));
  const watch = watchContention();
  const servers = await startSelfcheckServers(scenarios, { seed: opts.seed, ...(opts.onLog ? { onLog: opts.onLog } : {}) });
  const targets = new TargetPool({ env: process.env, ...(opts.onLog ? { onLog: opts.onLog } : {}) });
  try {
    for (const line of servers.describe()) opts.onLog?.(`selfcheck: ${line}`);
    const suites = scenarios.flatMap((s) => s.suites.map((suite) => planFor(s, suite, templates.get(suite)!, servers.endpoints.get(`${s.family}:${s.name}`)!)));
    const report = await runPlan({ runId: opts.runId, outDir: opts.outDir, suites, reporters: opts.reporters, targets, signal: opts.signal, seed: opts.seed, argv: opts.argv });
    const verdict = judgeSelfcheck(scenarios, report.suites);
    const affected = Object.fromEntries(scenarios.filter((s) => s.toxics).map((s) => [s.name, servers.endpoints.get(`${s.family}:${s.name}`)!.proxy.counts().affected]));
    const contention = watch();
    await writeFileAtomic(join(opts.outDir, 'selfcheck.json'), `${JSON.stringify({ runId: opts.runId, ...verdict, affected, contention }, null, 2)}\n`);
    return { verdict, report, affected, contention };
  } finally {
    await targets.closeAll();
    await servers.stop();
  }
}
