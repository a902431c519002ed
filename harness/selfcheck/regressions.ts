// What `embedgate selfcheck` plants: one regression per server, beside a clean server. Two
// families of server:
// - model: the fault proxy in front of a real `embedgate serve` of the fixture baseline, for the
//   regressions about answers that only real vectors show (the golden file was recorded from it).
// - stand-in: the misbehaving test server with a fixed service time (10 ms, 8 lanes), for timing,
//   network and process regressions. A 0.5–2 % effect needs a thousand requests or more to show;
//   the fixture model on two shared cores answers about 40–80 a second, the stand-in 300–800.
// Network and answer regressions are toxics on the judged server's own proxy; process ones are a
// test server started with a flag, still behind a clean proxy so both sides of a compare pay the
// same hop.
import type { Toxic } from '../faults/proxy/index.ts';

export type Family = 'model' | 'stand-in';
/** Suite files under suites/selfcheck/, by name. */
export type SelfcheckSuite = 'fidelity' | 'load' | 'memory';

export interface Scenario {
  name: string;
  /** What was planted, for the table. */
  planted: string;
  family: Family;
  /** Toxics on the judged server's proxy. */
  toxics?: Toxic[];
  /** Flags of the stand-in's own test server process (a process regression). */
  serverFlags?: string[];
  suites: SelfcheckSuite[];
}

/** The stand-in's service: what the clean server and every stand-in regression share. */
export const STAND_IN_FLAGS = ['--delay-ms', '10', '--lanes', '8'];

/**
 * Faults start after the first two requests through the proxy (the http target's /v1/models and
 * its probe embedding): a regression is to be judged by checks, not by a target that cannot open.
 */
const AFTER_OPEN = 2;
const share = (type: Toxic['type'], toxicity: number, attributes: Record<string, number> = {}): Toxic => ({
  type,
  toxicity,
  attributes: { after: AFTER_OPEN, ...attributes },
});

export const CLEAN: Scenario = { name: 'clean', planted: 'nothing', family: 'stand-in', suites: ['load', 'memory'] };
/** The clean model server: the same name in the table, the model family's suites. */
export const CLEAN_MODEL: Scenario = { name: 'clean', planted: 'nothing', family: 'model', suites: ['fidelity'] };

export const REGRESSIONS: readonly Scenario[] = [
  { name: 'slower', planted: '+50 % per request (15 ms instead of 10)', family: 'stand-in', serverFlags: ['--delay-ms', '15', '--lanes', '8'], suites: ['load'] },
  { name: 'spikes', planted: '2 % of requests +200 ms', family: 'stand-in', toxics: [share('latency', 0.02, { latency: 200 })], suites: ['load'] },
  { name: '5xx', planted: '3 % of requests answered 503', family: 'stand-in', toxics: [share('http_5xx', 0.03, { status: 503 })], suites: ['load'] },
  { name: 'drops', planted: '1 % of connections closed after the request, unanswered', family: 'stand-in', toxics: [share('drop', 0.01)], suites: ['load'] },
  { name: 'stops', planted: 'stops answering after 300 requests', family: 'stand-in', toxics: [{ type: 'stop_answering', attributes: { after: 300 } }], suites: ['load'] },
  { name: 'dies', planted: 'process exits at request 101, under load (warm-up, 8 connections)', family: 'stand-in', serverFlags: [...STAND_IN_FLAGS, '--die-after', '100'], suites: ['load'] },
  { name: 'wrong-dimension', planted: '0.5 % of answers one dimension short', family: 'stand-in', toxics: [share('wrong_dimension', 0.005, { delta: -1 })], suites: ['load'] },
  { name: 'perturb', planted: 'vectors rotated to cosine 0.997 of the real ones', family: 'model', toxics: [share('perturb_vectors', 1, { cosine: 0.997 })], suites: ['fidelity'] },
  { name: 'leak', planted: '16 KB retained per request', family: 'stand-in', serverFlags: [...STAND_IN_FLAGS, '--leak-kb', '16'], suites: ['load', 'memory'] },
];

export const SCENARIO_NAMES = ['clean', ...REGRESSIONS.map((r) => r.name)];

/** The scenarios `--only` names (all when absent); an unknown name throws, listing the known ones. */
export function pickScenarios(only: string[] | undefined): Scenario[] {
  const names = only ?? SCENARIO_NAMES;
  const unknown = names.filter((n) => !SCENARIO_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown regression ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
  return [...(names.includes('clean') ? [CLEAN_MODEL, CLEAN] : []), ...REGRESSIONS.filter((r) => names.includes(r.name))];
}
