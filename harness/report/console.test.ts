import { describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../events.ts';
import { colorLevel, createConsoleReporter, type OutputStream } from './console.ts';
import { createReporterMux } from './reporter.ts';
import { erroredReport, inconclusiveReport, makeSuite } from './sample-reports.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

function stream(isTTY: boolean): OutputStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 2, 3, 4, 5) + seconds * 1000).toISOString();

/** Replaces what changes between runs (durations) so assertions read the structure. */
const normalise = (text: string) => text.replace(/\d+(\.\d+)? (ms|s|min|h)\b/g, '<dur>');

function run(isTTY: boolean, env: Record<string, string | undefined> = {}) {
  const out = stream(isTTY);
  const err = stream(isTTY);
  const reporter = createConsoleReporter({ out, err, env, cwd: '/work/main' });
  const mux = createReporterMux([reporter], { outDir: '/work/main/reports/r1' });
  const events: HarnessEvent[] = [
    { type: 'run-start', time: at(0), runId: 'r1', outDir: '/work/main/reports/r1', gate: { number: 1, title: 'Unit' }, suites: [{ name: 'bench-single', kind: 'bench', file: 'b.yaml' }] },
    { type: 'suite-start', time: at(0), suite: 'bench-single', kind: 'bench', target: { ref: 'gguf:candidate', kind: 'gguf' } },
    ...[1, 2, 3.5, 4, 5, 14, 15].map((s, i): HarnessEvent => ({ type: 'progress', time: at(s), suite: 'bench-single', phase: 'measure', done: i + 1, total: 10 })),
    { type: 'log', time: at(15), level: 'warn', suite: 'bench-single', message: 'load generator CPU at 95%' },
    { type: 'log', time: at(15), level: 'debug', message: 'hidden unless verbose' },
    { type: 'suite-end', time: at(16), result: makeSuite({ outcome: 'inconclusive', reason: 'too few samples', checks: inconclusiveReport().suites[0]!.checks }) },
    { type: 'suite-end', time: at(17), result: erroredReport().suites[1]! },
  ];
  events.forEach((e) => mux.dispatch(e));
  return { out, err, end: () => mux.end(inconclusiveReport()) };
}

describe('console reporter', () => {
  it('prints plain lines without colours when the stream is not a TTY', async () => {
    const { out, err, end } = run(false);
    await end();
    const live = normalise(err.text());
    expect(live).not.toMatch(ANSI);
    expect(live).toContain('▶ bench-single (bench) on gguf:candidate');
    // Progress only after 3 s, then at most every 10 s: at 3.5 s and at 14 s.
    expect(live.match(/… bench-single measure/g)).toHaveLength(2);
    expect(live).toContain('… bench-single measure 3/10 (30%), <dur>');
    expect(live).toContain('… bench-single measure 6/10 (60%), <dur>');
    expect(live).toContain('warn [bench-single] load generator CPU at 95%');
    expect(live).not.toContain('hidden unless verbose');
    expect(live).toContain('? bench-single inconclusive <dur>\n    too few samples\n    ? single.latency.p99 <= 50ms  too few samples for p99 (3 < 30)');
    expect(live).toContain('! accuracy error <dur>\n    model failed to load: /models/<bad>.gguf & tensor table truncated');

    const final = out.text();
    expect(final).not.toMatch(ANSI);
    expect(final).toContain(' INCONCLUSIVE  gate 1 (Unit): gate 1 needs memory and soak suites that did not run');
    expect(final).toContain('missing suite kinds: memory, soak');
    expect(final).toContain('exit 3 (inconclusive or harness error)  report reports/r1');
  });

  it('rewrites one progress line on a TTY and colours unless NO_COLOR', async () => {
    const tty = run(true);
    await tty.end();
    expect(tty.err.text()).toMatch(ANSI);
    expect(tty.err.text()).toContain('\r\x1b[2K');
    expect(tty.out.text()).toMatch(ANSI);

    const noColor = run(true, { NO_COLOR: '1' });
    await noColor.end();
    expect(noColor.out.text()).not.toMatch(/\x1b\[\d+m/);
  });

  it('chooses the colour level from NO_COLOR, FORCE_COLOR and the stream', () => {
    expect(colorLevel({ write: () => 0, isTTY: true }, {})).toBe(1);
    expect(colorLevel({ write: () => 0, isTTY: false }, {})).toBe(0);
    expect(colorLevel({ write: () => 0, isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '3' })).toBe(0);
    expect(colorLevel({ write: () => 0, isTTY: false }, { FORCE_COLOR: '2' })).toBe(2);
  });

  it('adds harness errors found after the verdict without repeating it', async () => {
    const out = stream(false);
    const reporter = createConsoleReporter({ out, err: stream(false), env: {}, cwd: '/home' });
    const mux = createReporterMux([reporter, { name: 'broken', onRunEnd: () => { throw new Error('no space left'); } }], {
      outDir: '/tmp/x',
      printError: () => {},
    });
    await mux.end(inconclusiveReport());
    const text = out.text();
    expect(text.match(/INCONCLUSIVE/g)).toHaveLength(1);
    expect(text).toContain('harness errors (the run fails with exit 3):\n  - reporter "broken" failed in onRunEnd: no space left');
    expect(text).toContain('report /tmp/x');
  });

  it('prints one line for a failing window as it closes, nothing for a passing one', () => {
    const err = stream(false);
    const mux = createReporterMux([createConsoleReporter({ out: stream(false), err, env: {} })], { outDir: '/tmp/x' });
    const window = (index: number, status: 'pass' | 'fail', detail: string): HarnessEvent => ({
      type: 'window',
      time: at(index),
      suite: 'soak-1',
      index,
      startMs: (index - 1) * 60_000,
      endMs: index * 60_000,
      metrics: {},
      checks: [{ source: 'latency.p95 <= 2s', status, detail }],
    });
    mux.dispatch(window(1, 'pass', 'latency.p95 1.2 s <= 2s'));
    mux.dispatch(window(2, 'fail', 'latency.p95 2.5 s <= 2s'));
    expect(err.text()).toBe('  ✗ soak-1 window 2 (1 min–2 min): latency.p95 <= 2s  latency.p95 2.5 s <= 2s\n');
  });
});
