// `embedgate status`: from the gate ledger (reports/ledger.jsonl), for each (baseline, candidate)
// pair of model files, which gates passed, when, with which harness version and report. Checks the
// ledger's chain first and says which line broke; exit 1 then, since the record cannot be trusted.
import { existsSync } from 'node:fs';
import { EXIT } from '../exit-codes.ts';
import { verifyLedger } from '../history/ledger-verify.ts';
import { ledgerFile, type LedgerEntry } from '../history/ledger.ts';
import { pairKey } from '../history/models.ts';
import { shortSha } from '../report/format.ts';
import { resolveOutputRoot } from '../report/registry.ts';
import { UsageError, type ParsedValues } from './options.ts';

const GATES = [1, 2, 3, 4];

const model = (m: LedgerEntry['baseline']): string => (m ? `${shortSha(m.sha256)} (${m.name}, ${m.path})` : 'not identified');

function describeRun(e: LedgerEntry): string {
  const mark = e.order === 'in-order' ? '' : ` [${e.order}]`;
  return `${e.verdict.toUpperCase()}${mark} ${e.time} · embedgate ${e.harnessVersion} · ${e.report ?? `run ${e.runId} (no report.json)`}`;
}

export function statusCommand(args: readonly string[], values: ParsedValues): number {
  if (args.length > 0) throw new UsageError(`status takes no arguments (got ${args.join(' ')}); use --out <reports dir> for another reports root`);
  const last = values.last === undefined ? 1 : Number(values.last);
  if (!Number.isInteger(last) || last < 1) throw new UsageError(`--last expects a positive whole number, got "${values.last}"`);
  const root = resolveOutputRoot(values.out);
  const file = ledgerFile(root);
  const out: string[] = [];
  if (!existsSync(file)) {
    process.stdout.write(`No gate ledger at ${file} yet: no gate has run with this reports root. Run "embedgate gate 1".\n`);
    return EXIT.pass;
  }
  const { entries, problems, notes } = verifyLedger(file, root);
  out.push(`Gate ledger ${file}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${problems.length === 0 ? 'chain intact' : `CHAIN BROKEN (${problems.length} problem(s))`}.`);
  for (const p of problems) out.push(`  ✗ line ${p.line}: ${p.message}`);
  for (const n of notes) out.push(`  · line ${n.line}: ${n.message}`);

  const pairs = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const key = pairKey(e.baseline?.sha256, e.candidate?.sha256);
    pairs.set(key, [...(pairs.get(key) ?? []), e]);
  }
  // Most recently run pair first: that is the migration being worked on.
  const ordered = [...pairs.values()].sort((a, b) => b.at(-1)!.time.localeCompare(a.at(-1)!.time));
  for (const runs of ordered) {
    const first = runs[0]!;
    out.push('', `baseline ${model(first.baseline)}`, `candidate ${model(first.candidate)}`);
    for (const gate of GATES) {
      const ofGate = runs.filter((e) => e.gate === gate);
      const pass = ofGate.findLast((e) => e.verdict === 'pass');
      if (ofGate.length === 0) {
        out.push(`  gate ${gate}  not run`);
        continue;
      }
      out.push(`  gate ${gate}  ${pass ? `passed: ${describeRun(pass)}` : 'not passed'}`);
      for (const e of ofGate.slice(-last)) if (e !== pass) out.push(`          run: ${describeRun(e)}`);
      if (ofGate.length > 1) out.push(`          ${ofGate.length} run(s) in all`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
  return problems.length === 0 ? EXIT.pass : EXIT.fail;
}
