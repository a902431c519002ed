// The run loop: for each suite, open its targets, run its runner, judge its checks; then the
// gate verdict and the reports. Events go to events.jsonl as they happen and to the reporters.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmitFn, HarnessEvent, PlannedSuiteSummary } from './events.ts';
import { evaluateCheck } from './gates/evaluate.ts';
import { judgeRun, judgeSuite } from './gates/verdict.ts';
import { kindNamed, type KindRegistry } from './kinds/registry.ts';
import { machineMetrics } from './machine.ts';
import type { GatePlan, SuitePlan } from './plan.ts';
import { collectProvenance } from './provenance.ts';
import { createEventLog } from './report/event-log.ts';
import { createReporterMux, type Reporter } from './report/reporter.ts';
import {
  REPORT_SCHEMA_VERSION,
  type CheckResult,
  type ModelInfo,
  type RunReport,
  type SuiteResult,
  type TargetDescription,
} from './result.ts';
import type { RunnerOutput } from './kinds/runner.ts';
import { createSuiteWindows } from './suite-windows.ts';
import type { TargetPool } from './targets/open.ts';
import { describeWithModel, type Target } from './targets/target.ts';

/** After Ctrl-C, a runner gets this long to stop by itself before its result is abandoned. */
const INTERRUPT_GRACE_MS = 2000;

export interface RunOptions {
  runId: string;
  outDir: string;
  gate?: GatePlan;
  suites: SuitePlan[];
  reporters: Reporter[];
  targets: TargetPool;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  seed: number;
  argv: string[];
  /** Defaults to the registry's kinds; tests inject a kind of their own (as LoadContext.kinds). */
  kinds?: KindRegistry;
  /** Adds what only the caller knows (the gate's order mark from the ledger) before the report is written. */
  annotate?: (report: RunReport) => RunReport;
}

/** A suite as run-start lists it: enough to rebuild its report, and to judge its window checks, from events.jsonl. */
function plannedSuiteSummary(plan: SuitePlan): PlannedSuiteSummary {
  const checks = plan.checks.map((c) => ({
    source: c.source,
    operator: c.expression.op,
    position: c.position,
    ...(c.implicit ? { implicit: true } : {}),
    ...(c.window ? { window: c.window } : {}),
  }));
  return { name: plan.name, kind: plan.kind, file: plan.file, fileSha256: plan.fileSha256, checks };
}

const describeRef = (ref: SuitePlan['target']): TargetDescription => ({ ref: `${ref.type}:${ref.name}`, kind: ref.type });

function abortedAfterGrace(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fire = () => setTimeout(() => reject(new Error('interrupted')), INTERRUPT_GRACE_MS).unref();
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
}

async function runSuite(plan: SuitePlan, opts: RunOptions, emit: EmitFn, models: Map<string, ModelInfo>): Promise<SuiteResult> {
  const started = Date.now();
  const base = {
    name: plan.name,
    kind: plan.kind,
    file: plan.file,
    fileSha256: plan.fileSha256,
    target: describeRef(plan.target),
    ...(plan.compare ? { compare: describeRef(plan.compare) } : {}),
    metrics: {},
    checks: [] as CheckResult[],
    startedAt: new Date(started).toISOString(),
  };
  const finish = (rest: Partial<SuiteResult> & Pick<SuiteResult, 'outcome'>): SuiteResult => ({
    ...base,
    ...rest,
    durationMs: Date.now() - started,
  });

  emit({ type: 'suite-start', suite: plan.name, kind: plan.kind, target: base.target });
  const kind = kindNamed(plan.kind, opts.kinds);
  // Imported only now: checking or listing suites never loads runners.
  const runner = kind?.implemented ? await kind.runner() : undefined;
  if (!runner) {
    return finish({ outcome: 'inconclusive', reason: `suite kind "${plan.kind}" is not implemented in this version of embedgate` });
  }

  let target: Target;
  let compare: Target | undefined;
  try {
    target = await opts.targets.get(plan.target);
    base.target = describeWithModel(target);
    if (plan.compare) {
      compare = await opts.targets.get(plan.compare);
      base.compare = describeWithModel(compare);
    }
  } catch (err) {
    return finish({ outcome: 'error', reason: (err as Error).message });
  }
  for (const t of [target, compare]) if (t?.info) models.set(t.info().sha256 + t.info().path, t.info());

  const timeout = AbortSignal.timeout(plan.timeoutMs);
  const windows = createSuiteWindows(plan, emit, machineMetrics());
  const signal = AbortSignal.any([opts.signal, timeout, windows.signal]);
  let output: RunnerOutput | undefined;
  let failure: Error | undefined;
  try {
    output = await Promise.race([
      runner({ plan, target, compare, emit, window: (w) => windows.report(w), signal, seed: opts.seed }),
      abortedAfterGrace(signal),
    ]);
  } catch (err) {
    failure = err as Error;
  }
  windows.close();

  // Checks over windows are judged on the windows that closed; the others could not be.
  const windowChecksOnly = (notJudged: string) =>
    plan.checks.map((check): CheckResult =>
      check.window
        ? windows.conclude(check)
        : { source: check.source, status: 'inconclusive', operator: check.expression.op, detail: notJudged, position: check.position, ...(check.implicit ? { implicit: true } : {}) },
    );
  const stopped = windows.abort;
  if (stopped) {
    // A failing window is evidence enough: the suite fails, whatever the runner managed to return.
    const checks = windowChecksOnly(`not judged: the suite stopped early, at window ${stopped.window}`);
    return finish({
      outcome: 'fail',
      reason: stopped.reason,
      stoppedEarly: { check: stopped.check, window: stopped.window, atMs: stopped.atMs },
      metrics: output?.metrics ?? {},
      ...(output?.baselineMetrics ? { baselineMetrics: output.baselineMetrics } : {}),
      checks,
      ...(output?.details ? { details: output.details } : {}),
    });
  }
  if (output === undefined) {
    if (opts.signal.aborted) return finish({ outcome: 'inconclusive', reason: 'interrupted before the suite finished', checks: windowChecksOnly('not judged: interrupted before the suite finished') });
    if (timeout.aborted) return finish({ outcome: 'inconclusive', reason: `suite did not finish within its timeout of ${plan.timeoutMs / 1000} s` });
    return finish({ outcome: 'error', reason: failure?.message ?? 'the runner returned nothing' });
  }

  const machine = machineMetrics();
  const checks = plan.checks.map((check): CheckResult => check.window ? windows.conclude(check) : {
    ...evaluateCheck(check.expression, {
      self: output.metrics,
      baseline: output.baselineMetrics,
      machine,
      ...(output.ceilingMetrics ? { ceiling: output.ceilingMetrics } : {}),
      ...(output.referenceMetrics ? { reference: output.referenceMetrics } : {}),
      ...(output.unmeasured ? { unmeasured: output.unmeasured } : {}),
    }),
    source: check.source,
    position: check.position,
    ...(check.implicit ? { implicit: true } : {}),
  });
  const judged = judgeSuite(checks, output.inconclusive ?? (opts.signal.aborted ? 'interrupted' : undefined));
  return finish({
    outcome: judged.outcome,
    ...(judged.reason ? { reason: judged.reason } : {}),
    metrics: output.metrics,
    ...(output.baselineMetrics ? { baselineMetrics: output.baselineMetrics } : {}),
    ...(output.referenceMetrics ? { referenceMetrics: output.referenceMetrics } : {}),
    checks,
    ...(output.details ? { details: output.details } : {}),
  });
}

export async function runPlan(opts: RunOptions): Promise<RunReport> {
  const startedAt = new Date();
  mkdirSync(opts.outDir, { recursive: true });
  const log = createEventLog(join(opts.outDir, 'events.jsonl'));
  const mux = createReporterMux(opts.reporters);
  const emit: EmitFn = (partial) => {
    const event = { ...partial, time: new Date().toISOString() } as HarnessEvent;
    log.append(event);
    mux.emit(event);
  };

  // Known at start, so a run killed before run-end can still be reported; models are added at the end.
  const provenance = collectProvenance({
    seed: opts.seed,
    suiteFiles: [
      ...(opts.gate ? [{ file: opts.gate.file, sha256: opts.gate.fileSha256 }] : []),
      ...opts.suites.map((s) => ({ file: s.file, sha256: s.fileSha256 })),
    ],
    models: [],
    argv: opts.argv,
  });
  emit({
    type: 'run-start',
    runId: opts.runId,
    outDir: opts.outDir,
    ...(opts.gate ? { gate: { number: opts.gate.number, title: opts.gate.title, file: opts.gate.file, needs: opts.gate.needs } } : {}),
    suites: opts.suites.map(plannedSuiteSummary),
    provenance,
  });

  const models = new Map<string, ModelInfo>();
  const suites: SuiteResult[] = [];
  for (const plan of opts.suites) {
    if (opts.signal.aborted) break;
    const result = await runSuite(plan, opts, emit, models);
    suites.push(result);
    emit({ type: 'suite-end', result });
  }

  const interrupted = opts.signal.aborted;
  const judged = judgeRun(suites, opts.gate?.needs ?? [], { interrupted, harnessErrors: mux.errors }, opts.kinds);
  const finishedAt = new Date();
  const unannotated: RunReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: opts.runId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    status: interrupted ? 'interrupted' : 'completed',
    verdict: judged.verdict,
    exitCode: judged.exitCode,
    reason: judged.reason,
    ...(opts.gate
      ? {
          gate: {
            number: opts.gate.number,
            title: opts.gate.title,
            file: opts.gate.file,
            needs: opts.gate.needs,
            missingKinds: judged.missingKinds,
          },
        }
      : {}),
    provenance: { ...provenance, models: [...models.values()] },
    suites,
    harnessErrors: mux.errors,
  };
  const report = opts.annotate ? opts.annotate(unannotated) : unannotated;
  emit({ type: 'run-end', report });
  // A reporter that fails while writing turns the exit code into 3; the mux returns that report.
  const final = await mux.end(report, opts.outDir);
  log.close();
  return final;
}
