// Where windows fall relative to faults, and what that says about each fault: a window during a
// fault is exempt from the suite's window checks; after the fault's end, deviating windows are its
// recovery until one holds (recovery = fault end → end of that window) or the limit passes (not
// recovered, and the windows after it are judged again). Faults are placed on hand-made windows.
import { describe, expect, it } from 'vitest';
import { phaseResult } from '../load/testing/phase-result.ts';
import type { Holding } from './hypothesis.ts';
import type { FaultSpec } from './params.ts';
import { faultRecord, placeWindow, type FaultRecord } from './timeline.ts';

const spec = (name: string): FaultSpec => ({ name, type: 'kill-worker', start: 0, duration: 0 }) as FaultSpec;
const held: Holding = { held: true };
const deviated: Holding = { held: false, why: 'errors.rate < 1%: errors.rate 40% < 1%' };
const win = (startMs: number, over: Parameters<typeof phaseResult>[1] = {}) => ({ startMs, endMs: startMs + 1000, result: phaseResult(`w${startMs}`, over) });

function injected(name: string, startMs: number, endMs: number, limitMs = 5000): FaultRecord {
  const f = faultRecord(spec(name), limitMs);
  Object.assign(f, { startMs, endMs, injected: true });
  return f;
}

describe('placeWindow', () => {
  it('before any fault starts, windows are "before" and judged', () => {
    const f = faultRecord(spec('kill'), 5000);
    expect(placeWindow([f], win(0), held)).toEqual({ label: 'before' });
    expect(placeWindow([f], win(1000), deviated)).toEqual({ label: 'before' });
    expect(f.windowsDuring).toBe(0);
  });

  it('a window during a fault is exempt, and a deviating one detects the fault at its end', () => {
    const f = injected('kill', 2500, 4500);
    expect(placeWindow([f], win(2000), held)).toEqual({ label: 'during:kill', exempt: 'fault kill' });
    expect(f.detection).toBeUndefined();
    expect(placeWindow([f], win(3000, { sent: 10, errors: { status: 4, timeout: 0, reset: 0, connection: 0, lost: 2, unanswered: 0 } }), deviated)).toEqual({ label: 'during:kill', exempt: 'fault kill' });
    expect(f.detection).toEqual({ atMs: 4000, what: `the load: ${deviated.why}` });
    expect(f.windowsDuring).toBe(2);
    expect(f.deviatedDuring).toBe(1);
    expect(f.tally.sent).toBe(3 + 10);
    expect(f.tally.errors.lost).toBe(2);
  });

  it('recovery is from the fault’s end to the end of the first window after it that holds; deviating windows before that are exempt', () => {
    const f = injected('kill', 1500, 2200);
    placeWindow([f], win(1000), deviated);
    placeWindow([f], win(2000), deviated); // starts before the end: still during
    expect(placeWindow([f], win(3000), deviated)).toEqual({ label: 'recovery:kill', exempt: 'recovery from fault kill' });
    expect(f.recoveredAtMs).toBeUndefined();
    expect(placeWindow([f], win(4000), held)).toEqual({ label: 'after:kill' });
    expect(f.recoveredAtMs).toBe(5000);
    expect(f.recoveredAtMs! - f.endMs!).toBe(2800);
    // Settled: later windows are judged, whatever they show.
    expect(placeWindow([f], win(5000), deviated)).toEqual({ label: 'after:kill' });
    expect(f.deviatedDuring).toBe(3);
  });

  it('past the recovery limit the fault is unrecovered and the window is judged (not exempt)', () => {
    const f = injected('kill', 500, 1000, 2500);
    placeWindow([f], win(1000), deviated);
    expect(placeWindow([f], win(2000), deviated).exempt).toBeDefined(); // ends 2 s after the end
    expect(placeWindow([f], win(3000), deviated)).toEqual({ label: 'after:kill' }); // 3 s > 2.5 s
    expect(f.unrecovered).toBe(true);
    expect(f.recoveredAtMs).toBeUndefined();
  });

  it('a fault that was not injected claims no window', () => {
    const f = faultRecord(spec('kill'), 5000);
    Object.assign(f, { startMs: 1000, endMs: 1000, notInjected: 'no worker' });
    expect(placeWindow([f], win(1000), deviated)).toEqual({ label: 'after:kill' });
    expect(f.windowsDuring).toBe(0);
  });

  it('answers the fault proxy rewrote and the checks caught detect the fault, though the window held', () => {
    const f = injected('malformed', 1000, 3000);
    placeWindow([f], win(1000), held);
    expect(f.detection).toBeUndefined();
    placeWindow([f], win(2000, { rewritten: { checked: 3, caught: 3, byReason: { json: 3 } } }), held);
    expect(f.detection).toEqual({ atMs: 3000, what: 'the answer checks: 3 answer(s) the fault proxy rewrote found wrong' });
    expect(f.tally.rewritten).toEqual({ checked: 3, caught: 3 });
    expect(f.tally.invalid).toBe(0);
  });

  it('with two faults, the windows between them belong to the first one’s after', () => {
    const a = injected('a', 1000, 1500);
    const b = faultRecord(spec('b'), 5000);
    placeWindow([a, b], win(1000), deviated);
    placeWindow([a, b], win(2000), held);
    expect(a.recoveredAtMs).toBe(3000);
    Object.assign(b, { startMs: 4500, injected: true });
    expect(placeWindow([a, b], win(3000), held)).toEqual({ label: 'after:a' });
    expect(placeWindow([a, b], win(4000), held)).toEqual({ label: 'during:b', exempt: 'fault b' });
  });
});
