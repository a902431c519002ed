// Which models a result belongs to, by file content (sha256), not by name or path: the same name
// can point at another file tomorrow, and the same file can sit under two paths.
import type { ModelInfo, RunReport, SuiteResult, TargetDescription } from '../result.ts';

/** A suite's target as history keys it: its model's sha256, else its URL or ref (an http target without model info). */
export function targetIdentity(t: TargetDescription | undefined): string | undefined {
  if (!t) return undefined;
  return t.model?.sha256 ?? t.url ?? t.ref;
}

export interface SuiteModels {
  target: string;
  compare?: string;
}

export function suiteModels(suite: SuiteResult): SuiteModels {
  const compare = targetIdentity(suite.compare);
  return { target: targetIdentity(suite.target)!, ...(compare ? { compare } : {}) };
}

export interface ModelRef {
  name: string;
  sha256: string;
  path: string;
}

/** The migration's two models, as a gate run names them. */
export interface ModelPair {
  baseline?: ModelRef;
  candidate?: ModelRef;
}

const ref = (m: ModelInfo | undefined): ModelRef | undefined => (m ? { name: m.name, sha256: m.sha256, path: m.path } : undefined);

/**
 * The (baseline, candidate) pair of a run: the models named `baseline` and `candidate` (the names
 * suites/models.yaml and --model use), else the compare and target models of the first suite that
 * compares two models.
 */
export function modelPair(report: RunReport): ModelPair {
  const named = (n: string) => report.provenance.models.find((m) => m.name === n);
  const paired = report.suites.find((s) => s.compare?.model && s.target.model);
  const baseline = ref(named('baseline') ?? paired?.compare?.model);
  const candidate = ref(named('candidate') ?? paired?.target.model);
  return { ...(baseline ? { baseline } : {}), ...(candidate ? { candidate } : {}) };
}

/** One string per pair, for grouping; "?" stands for a side the run did not identify. */
export const pairKey = (baseline: string | undefined, candidate: string | undefined): string => `${baseline ?? '?'}→${candidate ?? '?'}`;
