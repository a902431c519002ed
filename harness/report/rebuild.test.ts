// rebuildReport on logs cut at different points. The end-to-end kill is in report-command.test.ts;
// here the judging of what a cut log holds: the gate's needs, finished and unfinished suites.
import { describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../events.ts';
import { KILLED_REASON, rebuildReport, RebuildError } from './rebuild.ts';
import { BASELINE, CANDIDATE, makeReport, makeSuite } from './sample-reports.ts';

const at = (s: number) => new Date(Date.UTC(2025, 0, 2, 3, 4, 5) + s * 1000).toISOString();
const provenance = makeReport().provenance;
const target = { ref: 'gguf:candidate', kind: 'gguf' };

function start(needs: string[]): HarnessEvent {
  return {
    type: 'run-start',
    time: at(0),
    runId: 'r1',
    outDir: '/tmp/r1',
    gate: { number: 2, title: 'Quality', file: '/suites/gate-2.yaml', needs },
    suites: [
      { name: 'fidelity', kind: 'accuracy', file: '/suites/fidelity.yaml', fileSha256: 'aa'.repeat(32), checks: [{ source: 'cosine.min >= 0.99', operator: '>=' }] },
      { name: 'ranking', kind: 'retrieval', file: '/suites/ranking.yaml', fileSha256: 'bb'.repeat(32), checks: [{ source: 'ndcg_at_10 >= 0.5', operator: '>=' }] },
      { name: 'speed', kind: 'bench', file: '/suites/speed.yaml', fileSha256: 'cc'.repeat(32) },
    ],
    provenance: { ...provenance, models: [] },
  };
}

const finished = makeSuite({ name: 'fidelity', kind: 'accuracy', outcome: 'pass', target: { ...target, model: CANDIDATE } });

describe('rebuildReport', () => {
  it('a log cut inside the second suite: the first as it ended, the second inconclusive, the third named as never started', () => {
    const events: HarnessEvent[] = [
      start(['accuracy', 'retrieval', 'bench']),
      { type: 'suite-start', time: at(1), suite: 'fidelity', kind: 'accuracy', target },
      { type: 'suite-end', time: at(5), result: finished },
      { type: 'suite-start', time: at(6), suite: 'ranking', kind: 'retrieval', target },
      { type: 'progress', time: at(9), suite: 'ranking', phase: 'embed', done: 3, total: 10 },
    ];
    const report = rebuildReport(events);
    expect(report).toMatchObject({ runId: 'r1', status: 'interrupted', verdict: 'inconclusive', exitCode: 3, startedAt: at(0), finishedAt: at(9), durationMs: 9000 });
    expect(report.reason).toBe('the run was interrupted; needed evidence is missing: no suite covers bench; never started: speed');
    expect(report.gate).toEqual({ number: 2, title: 'Quality', file: '/suites/gate-2.yaml', needs: ['accuracy', 'retrieval', 'bench'], missingKinds: ['bench'] });
    expect(report.suites.map((s) => [s.name, s.outcome])).toEqual([['fidelity', 'pass'], ['ranking', 'inconclusive']]);
    expect(report.suites[1]).toMatchObject({ reason: KILLED_REASON, file: '/suites/ranking.yaml', startedAt: at(6), durationMs: 3000, metrics: {} });
    expect(report.suites[1]!.checks).toEqual([{ source: 'ndcg_at_10 >= 0.5', operator: '>=', status: 'inconclusive', detail: `not judged: ${KILLED_REASON}` }]);
    // Provenance from run-start, with the models the finished suites ran on.
    expect(report.provenance.models).toEqual([CANDIDATE, BASELINE]);
  });

  it('a failed suite before the cut still fails the rebuilt run', () => {
    const events: HarnessEvent[] = [
      start([]),
      { type: 'suite-start', time: at(1), suite: 'fidelity', kind: 'accuracy', target },
      { type: 'suite-end', time: at(5), result: { ...finished, outcome: 'fail' } },
      { type: 'suite-start', time: at(6), suite: 'ranking', kind: 'retrieval', target },
    ];
    expect(rebuildReport(events)).toMatchObject({ status: 'interrupted', verdict: 'fail', exitCode: 1 });
  });

  it('a log with run-end gives back the report the run wrote', () => {
    const report = makeReport();
    expect(rebuildReport([start([]), { type: 'run-end', time: at(9), report }])).toBe(report);
  });

  it('refuses a log that is not of a run, or too old to rebuild', () => {
    expect(() => rebuildReport([{ type: 'log', time: at(0), level: 'info', message: 'x' }], 'x/events.jsonl')).toThrow(
      new RebuildError('x/events.jsonl: no run-start event, so it is not the log of an embedgate run'),
    );
    const old = { ...start([]), provenance: undefined } as HarnessEvent;
    expect(() => rebuildReport([old])).toThrow(/has no provenance \(an older embedgate wrote it\); re-run the suites/);
  });
});
