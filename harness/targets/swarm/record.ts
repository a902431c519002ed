// What happened in a run, as plain facts: the invariant checks and the report read this, never
// the agents' internal state. Agents append to it as they act.

export type TriggerName = 'error-rate' | 'memory' | 'latency' | 'corruption' | 'silence';

export interface AttemptFact {
  id: string;
  key: string;
  worker: string;
  epoch: number;
  dispatchedAt: number;
  /** Dispatched because the previous holder failed, missed its deadline or was rejected. */
  reassigned: boolean;
  /** When the coordinator received the attempt's result. */
  resultAt?: number;
  /** When the coordinator stopped waiting for it: result judged, holder suspected, deadline passed. */
  endedAt?: number;
  outcome?: 'committed' | 'rejected' | 'holder-suspected' | 'deadline' | 'wrong-model' | 'abandoned';
}

export interface CommitFact {
  key: string;
  at: number;
  epoch: number;
  primary: string;
  /** Oracle: the committed result is the correct one. */
  correct: boolean;
  model: string;
}

export interface DetectionFact {
  agent: string;
  at: number;
  by: string;
  /** timeout: heartbeats stopped; restart: the agent came back as a new incarnation. */
  how: 'timeout' | 'restart';
}

export interface RollbackFact {
  firedAt: number;
  trigger: TriggerName;
  /** The agent whose signal held (or the coordinator, for coordinator silence; '-' for the store). */
  subject: string;
  by: string;
  doneAt?: number;
  fenced: string[];
}

export interface TakeoverFact {
  at: number;
  by: string;
  epoch: number;
}

export interface Heard {
  sent: number;
  at: number;
}

export interface RunRecord {
  attempts: AttemptFact[];
  commits: CommitFact[];
  detections: DetectionFact[];
  rejoins: { agent: string; at: number }[];
  rollback?: RollbackFact;
  takeovers: TakeoverFact[];
  breakerOpens: { agent: string; at: number }[];
  rejected: { key: string; agent: string; at: number; why: string }[];
  /** Worker heartbeats delivered to any coordinator node, per worker: send and receive time (silence oracle). */
  heardFrom: Map<string, Heard[]>;
  /** The same per coordinator node, keyed "node|worker": what that node could know. */
  heardBy: Map<string, Heard[]>;
  /** Receive times of acting-coordinator messages at each worker (coordinator silence oracle). */
  heardCoordinator: Map<string, number[]>;
  /** Virtual times each agent went down and came back. */
  downs: { agent: string; from: number; to?: number }[];
  corruptions: { at: number; key?: string }[];
  waves: { wave: number; startedAt: number; committedAt?: number; sequentialMs: number }[];
}

export function emptyRecord(): RunRecord {
  return {
    attempts: [],
    commits: [],
    detections: [],
    rejoins: [],
    takeovers: [],
    breakerOpens: [],
    rejected: [],
    heardFrom: new Map(),
    heardBy: new Map(),
    heardCoordinator: new Map(),
    downs: [],
    corruptions: [],
    waves: [],
  };
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
