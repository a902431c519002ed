// The ledger chain on real files: intact after appends, and each kind of tampering named at its
// line: a removed line, an edited last line (its report.json disagrees), a report changed since.
// Gate order: gate N is out of order until gates 1..N-1 passed for the same model files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASELINE, CANDIDATE, makeReport } from '../report/sample-reports.ts';
import type { RunReport, Verdict } from '../result.ts';
import { gateOrder } from './gate-order.ts';
import { verifyLedger } from './ledger-verify.ts';
import { appendLedger, ledgerFile, readLedgerEntries } from './ledger.ts';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'embedgate-ledger-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

function gateRun(n: number, verdict: Verdict, id: string, models = [BASELINE, CANDIDATE]): RunReport {
  const base = makeReport();
  const report: RunReport = {
    ...base,
    runId: id,
    verdict,
    gate: { number: n, title: `Gate ${n}`, file: `gate-${n}.yaml`, needs: [], missingKinds: [] },
    provenance: { ...base.provenance, models },
  };
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  appendLedger(report, dir, root);
  return report;
}

const lines = () => readFileSync(ledgerFile(root), 'utf8').split('\n').filter(Boolean);

describe('gate ledger', () => {
  it('chains each entry to the one before and checks out against its report', () => {
    gateRun(1, 'pass', 'r1');
    gateRun(2, 'fail', 'r2');
    gateRun(2, 'pass', 'r3');
    const check = verifyLedger(ledgerFile(root), root);
    expect(check.problems).toEqual([]);
    expect(check.entries.map((e) => [e.seq, e.gate, e.verdict])).toEqual([[1, 1, 'pass'], [2, 2, 'fail'], [3, 2, 'pass']]);
  });

  it('names a removed line, an edited last line, and a report changed since', () => {
    gateRun(1, 'pass', 'r1');
    gateRun(2, 'pass', 'r2');
    gateRun(3, 'pass', 'r3');
    const [l1, l2, l3] = lines();
    writeFileSync(ledgerFile(root), `${l1}\n${l3}\n`);
    expect(verifyLedger(ledgerFile(root), root).problems).toEqual([{ line: 2, message: 'chain broken: line 1 was edited, or a line between them was removed' }]);

    writeFileSync(ledgerFile(root), `${l1}\n${l2}\n${l3!.replace('"verdict":"pass"', '"verdict":"fail"')}\n`);
    expect(verifyLedger(ledgerFile(root), root).problems).toEqual([{ line: 3, message: 'line edited: its verdict (ledger fail, report pass) disagree with r3/report.json' }]);

    writeFileSync(ledgerFile(root), `${l1}\n${l2}\n${l3}\n`);
    writeFileSync(join(root, 'r2', 'report.json'), readFileSync(join(root, 'r2', 'report.json'), 'utf8').replace('"verdict": "pass"', '"verdict": "fail"'));
    expect(verifyLedger(ledgerFile(root), root).problems).toEqual([{ line: 2, message: 'r2/report.json changed since the ledger recorded it (sha256 differs)' }]);
  });

  it('marks gate 3 out of order until gates 1 and 2 passed for the same two files', () => {
    gateRun(1, 'pass', 'r1');
    gateRun(2, 'fail', 'r2');
    const next = (override = false) => gateOrder(gateRun(3, 'pass', `g3-${Math.random()}`), readLedgerEntries(ledgerFile(root)), override);
    expect(next()).toMatchObject({ status: 'out-of-order', missing: [2] });
    expect(next(true)).toMatchObject({ status: 'overridden', missing: [2] });
    gateRun(2, 'pass', 'r3', [BASELINE, { ...CANDIDATE, sha256: 'ff'.repeat(32) }]);
    expect(next()).toMatchObject({ status: 'out-of-order', missing: [2] });
    gateRun(2, 'pass', 'r4');
    expect(next()).toMatchObject({ status: 'in-order', missing: [] });
  });
});
