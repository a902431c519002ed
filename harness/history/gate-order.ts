// Gates are meant to pass in order for one (baseline, candidate) pair: gate N's run is marked "out
// of order" when the ledger holds no passing run of some gate 1..N-1 for the same two files. The
// mark is a note on the verdict, never a change of the exit code; --out-of-order records that the
// user knew.
import { shortSha } from '../report/format.ts';
import type { GateOrder, RunReport } from '../result.ts';
import type { LedgerEntry } from './ledger.ts';
import { modelPair } from './models.ts';

export function gateOrder(report: RunReport, ledger: readonly LedgerEntry[], override: boolean): GateOrder | undefined {
  if (!report.gate) return undefined;
  const n = report.gate.number;
  const { baseline, candidate } = modelPair(report);
  // A run that names only one of the two models (every suite on the candidate, say) is matched on that one.
  const passed = (g: number) =>
    (baseline !== undefined || candidate !== undefined) &&
    ledger.some((e) => e.gate === g && e.verdict === 'pass' && e.baseline?.sha256 === baseline?.sha256 && e.candidate?.sha256 === candidate?.sha256);
  const missing = Array.from({ length: n - 1 }, (_, i) => i + 1).filter((g) => !passed(g));
  if (missing.length === 0) return { status: 'in-order', missing, note: n === 1 ? 'gate 1 needs no earlier gate' : `gates 1..${n - 1} passed earlier for these models` };
  const gates = `gate${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  const models =
    baseline || candidate
      ? [baseline ? `baseline ${shortSha(baseline.sha256)}` : '', candidate ? `candidate ${shortSha(candidate.sha256)}` : ''].filter(Boolean).join(', ')
      : 'models not identified by sha256 (no gguf targets named baseline or candidate)';
  return override
    ? { status: 'overridden', missing, note: `run out of order on purpose (--out-of-order): ${gates} had not passed for these models (${models})` }
    : { status: 'out-of-order', missing, note: `OUT OF ORDER: ${gates} ${missing.length > 1 ? 'have' : 'has'} not passed for these models (${models}); pass them first, or run with --out-of-order` };
}

/** The note a reporter prints beside the verdict, or undefined when the gate ran in order (or this is no gate run). */
export function gateOrderNote(report: RunReport): string | undefined {
  const order = report.gate?.order;
  return order && order.status !== 'in-order' ? order.note : undefined;
}
