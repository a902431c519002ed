// The run loop: for each suite, open its targets, run its runner, judge its checks; then the
// gate verdict and the reports. Events go to events.jsonl as they happen and to the reporters.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmitFn, HarnessEvent } from './events.ts';
import { evaluateCheck } from './gates/evaluate.ts';
import { judgeRun, judgeSuite } from './gates/verdict.ts';
import { kindNamed } from './kinds/registry.ts';
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
  const kind = kindNamed(plan.kind);
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
  const signal = AbortSignal.any([opts.signal, timeout]);
  let output: RunnerOutput;
  try {
    output = await Promise.race([
      runner({ plan, target, compare, emit, signal, seed: opts.seed }),
      abortedAfterGrace(signal),
    ]);
  } catch (err) {
    if (opts.signal.aborted) return finish({ outcome: 'inconclusive', reason: 'interrupted before the suite finished' });
    if (timeout.aborted) return finish({ outcome: 'inconclusive', reason: `suite did not finish within its timeout of ${plan.timeoutMs / 1000} s` });
    return finish({ outcome: 'error', reason: (err as Error).message });
  }

  const machine = machineMetrics();
  const checks = plan.checks.map((check) => ({
    ...evaluateCheck(check.expression, {
      self: output.metrics,
      baseline: output.baselineMetrics,
      machine,
      ...(output.ceilingMetrics ? { ceiling: output.ceilingMetrics } : {}),
      ...(output.unmeasured ? { unmeasured: output.unmeasured } : {}),
    }),
    source: check.source,
    position: check.position,
    ...(check.implicit ? { implicit: true } : {}),
  }));
  const judged = judgeSuite(checks, output.inconclusive ?? (opts.signal.aborted ? 'interrupted' : undefined));
  return finish({
    outcome: judged.outcome,
    ...(judged.reason ? { reason: judged.reason } : {}),
    metrics: output.metrics,
    ...(output.baselineMetrics ? { baselineMetrics: output.baselineMetrics } : {}),
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

  emit({
    type: 'run-start',
    runId: opts.runId,
    outDir: opts.outDir,
    ...(opts.gate ? { gate: { number: opts.gate.number, title: opts.gate.title } } : {}),
    suites: opts.suites.map((s) => ({ name: s.name, kind: s.kind, file: s.file })),
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
  const judged = judgeRun(suites, opts.gate?.needs ?? [], { interrupted, harnessErrors: mux.errors });
  const finishedAt = new Date();
  const report: RunReport = {
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
    provenance: collectProvenance({
      seed: opts.seed,
      suiteFiles: [
        ...(opts.gate ? [{ file: opts.gate.file, sha256: opts.gate.fileSha256 }] : []),
        ...opts.suites.map((s) => ({ file: s.file, sha256: s.fileSha256 })),
      ],
      models: [...models.values()],
      argv: opts.argv,
    }),
    suites,
    harnessErrors: mux.errors,
  };
  emit({ type: 'run-end', report });
  // A reporter that fails while writing turns the exit code into 3; the mux returns that report.
  const final = await mux.end(report, opts.outDir);
  log.close();
  return final;
}
