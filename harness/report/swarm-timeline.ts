// The swarm suite's timeline as inline SVG: one lane per agent over the run's virtual time, with
// the faults injected (bars for those that last), what each agent saw happen (crashes, detections,
// restarts, takeovers, breakers), task reassignments and the rollback. Drawn from the trace
// summary the swarm kind puts in details.scenarios (targets/swarm/summary.ts traceSummary).
import { escapeHtml as h } from './html-escape.ts';

interface Fault { type: string; at: string; agent?: string; agents?: string[]; forMs?: number }
interface Scenario {
  scenario?: string;
  seed?: number;
  outcome?: string;
  endedAt?: string;
  faults?: Fault[];
  timeline?: Record<string, string[]>;
  reassignments?: { attempt?: string; to: string; at: string }[];
  rollback?: { firedAt: string; doneAt?: string; trigger?: string; by?: string };
}

export interface SwarmTimeline {
  title: string;
  svg: string;
  caption: string;
}

const MAX_SCENARIOS = 6;
const MAX_LANES = 24;
const MAX_EVENTS_PER_LANE = 120;

/** "1:02:03.456" (formatVirtualTime) → ms; undefined for anything else. */
export function parseVirtualTime(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(\d+):(\d{2}):(\d{2})\.(\d{3})/.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

const isScenario = (v: unknown): v is Scenario => v !== null && typeof v === 'object' && !Array.isArray(v) && ('timeline' in v || 'faults' in v);

interface Mark { lane: string; at: number; to?: number; what: string; kind: 'fault' | 'event' | 'reassign' | 'rollback' }

function marksOf(s: Scenario): Mark[] {
  const marks: Mark[] = [];
  for (const f of s.faults ?? []) {
    const at = parseVirtualTime(f.at);
    if (at === undefined) continue;
    const lanes = f.agent ? [f.agent] : f.agents?.length ? f.agents : ['(network)'];
    for (const lane of lanes) marks.push({ lane, at, ...(f.forMs ? { to: at + f.forMs } : {}), what: `fault ${f.type}${f.forMs ? ` for ${Math.round(f.forMs / 1000)} s` : ''}`, kind: 'fault' });
  }
  for (const [agent, lines] of Object.entries(s.timeline ?? {})) {
    for (const line of lines) {
      const at = parseVirtualTime(line);
      if (at !== undefined) marks.push({ lane: agent, at, what: line.slice(line.indexOf(' ') + 1), kind: 'event' });
    }
  }
  for (const r of s.reassignments ?? []) {
    const at = parseVirtualTime(r.at);
    if (at !== undefined) marks.push({ lane: r.to, at, what: `took over ${r.attempt ?? 'a task'}`, kind: 'reassign' });
  }
  const fired = parseVirtualTime(s.rollback?.firedAt);
  if (fired !== undefined) {
    const done = parseVirtualTime(s.rollback?.doneAt);
    marks.push({ lane: s.rollback?.by ?? 'coordinator', at: fired, ...(done !== undefined ? { to: done } : {}), what: `rollback (${s.rollback?.trigger ?? '?'})`, kind: 'rollback' });
  }
  return marks;
}

const COLORS: Record<Mark['kind'], string> = { fault: '#cf222e', event: '#0969da', reassign: '#1a7f37', rollback: '#8250df' };

function render(s: Scenario): { svg: string; caption: string } | undefined {
  const end = parseVirtualTime(s.endedAt);
  const all = marksOf(s);
  if (all.length === 0 || end === undefined || end <= 0) return undefined;
  const inRun = all.filter((m) => m.at <= end);
  const later = all.length - inRun.length;
  const lanes = [...new Set(inRun.map((m) => m.lane))].sort().slice(0, MAX_LANES);
  const left = 150;
  const width = 1000;
  const laneH = 18;
  const top = 8;
  const height = top + lanes.length * laneH + 24;
  const px = (ms: number) => left + (Math.min(ms, end) / end) * (width - left - 10);
  const rows = lanes.map((lane, i) => {
    const y = top + i * laneH;
    const marks = inRun.filter((m) => m.lane === lane).slice(0, MAX_EVENTS_PER_LANE);
    const shapes = marks.map((m) => {
      const title = `<title>${h(`${lane}: ${m.what} at ${formatClock(m.at)}`)}</title>`;
      if (m.to !== undefined) {
        const w = Math.max(2, px(m.to) - px(m.at));
        return `<rect class="swarm-${m.kind}" x="${px(m.at).toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${laneH - 8}" fill="${COLORS[m.kind]}" fill-opacity="0.35" stroke="${COLORS[m.kind]}">${title}</rect>`;
      }
      return `<circle class="swarm-${m.kind}" cx="${px(m.at).toFixed(1)}" cy="${y + laneH / 2}" r="4" fill="${COLORS[m.kind]}">${title}</circle>`;
    });
    return `<text x="${left - 6}" y="${y + laneH - 5}" class="axis" text-anchor="end">${h(lane)}</text><line x1="${left}" y1="${y + laneH / 2}" x2="${width - 10}" y2="${y + laneH / 2}" class="lane"/>${shapes.join('')}`;
  });
  const axisY = top + lanes.length * laneH + 14;
  const axis = `<text x="${left}" y="${axisY}" class="axis">0:00</text><text x="${width - 10}" y="${axisY}" class="axis" text-anchor="end">${h(s.endedAt ?? '')} (${h(s.outcome ?? 'end')})</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="swarm-timeline" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-label="swarm timeline">${rows.join('')}${axis}</svg>`;
  const dropped = [...new Set(inRun.map((m) => m.lane))].length - lanes.length;
  const caption =
    `${inRun.length} marks on ${lanes.length} agents: red faults, blue what agents saw, green reassignments, purple the rollback` +
    (later > 0 ? `; ${later} faults scheduled after the run ended are not drawn` : '') +
    (dropped > 0 ? `; ${dropped} more agents in report.json` : '');
  return { svg, caption };
}

function formatClock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** One timeline per scenario in `details.scenarios` (the first seed of each). */
export function swarmTimelines(details?: Record<string, unknown>): SwarmTimeline[] {
  const list = details?.['scenarios'];
  if (!Array.isArray(list)) return [];
  return list
    .filter(isScenario)
    .slice(0, MAX_SCENARIOS)
    .flatMap((s) => {
      const drawn = render(s);
      return drawn ? [{ title: `${s.scenario ?? 'scenario'}, seed ${s.seed ?? '?'}`, ...drawn }] : [];
    });
}
