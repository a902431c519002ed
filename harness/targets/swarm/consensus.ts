// Weighted consensus on task results. The primary's result is committed only when workers whose
// weights add up to the quorum approve it (the primary's own weight counts). Honest workers
// approve exactly the correct results; byzantine ones may collude. The coordinator is trusted (it
// produces no results), so threshold voting is enough: a colluding group can commit a wrong
// result only with weight >= quorum, and honest workers can commit only with weight >= quorum.
// Hence the tolerance: byzantine weight < quorum <= honest weight.
import { byzantineAgents } from './faults.ts';
import { quorumWeight, totalWeight, type SwarmConfig } from './config.ts';

export class ByzantineToleranceError extends Error {}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** Refuses a configuration whose byzantine weight the consensus scheme cannot tolerate. */
export function checkByzantineTolerance(config: SwarmConfig): void {
  if (!config.consensus.enabled) return; // a deliberate experiment: the invariants will show what happens
  const byzantine = byzantineAgents(config.faults);
  const weights = new Map(config.workers.map((w) => [w.id, w.weight]));
  const total = totalWeight(config);
  const quorum = quorumWeight(config);
  const bad = byzantine.reduce((sum, id) => sum + (weights.get(id) ?? 0), 0);
  const names = byzantine.map((id) => `${id} (${fmt(weights.get(id) ?? 0)})`).join(', ');
  if (bad >= quorum) {
    throw new ByzantineToleranceError(
      `byzantine weight ${fmt(bad)} of ${fmt(total)} [${names}] reaches the consensus quorum ${fmt(quorum)} ` +
        `(consensus.quorum ${fmt(config.consensus.quorum)} × total weight): colluding agents could commit a wrong result. ` +
        `The scheme tolerates byzantine weight strictly below the quorum; make fewer agents byzantine, lower their weight, ` +
        `or raise consensus.quorum above ${fmt(bad / total)} (it must stay at most ${fmt((total - bad) / total)} for honest agents to reach it)`,
    );
  }
  if (total - bad < quorum) {
    throw new ByzantineToleranceError(
      `honest weight ${fmt(total - bad)} of ${fmt(total)} is below the consensus quorum ${fmt(quorum)}: no result could ever be committed; ` +
        `lower consensus.quorum to at most ${fmt((total - bad) / total)}`,
    );
  }
}

export interface Vote {
  agent: string;
  weight: number;
  approve: boolean;
}

/** The votes on one result. */
export class Tally {
  readonly votes: Vote[] = [];
  approveWeight = 0;
  rejectWeight = 0;

  constructor(readonly quorum: number) {}

  has(agent: string): boolean {
    return this.votes.some((v) => v.agent === agent);
  }

  add(vote: Vote): void {
    if (this.has(vote.agent)) return;
    this.votes.push(vote);
    if (vote.approve) this.approveWeight += vote.weight;
    else this.rejectWeight += vote.weight;
  }

  /** Approved: commit. (Rejection needs the coordinator's view of who else could still vote.) */
  get approved(): boolean {
    return this.approveWeight >= this.quorum - 1e-9;
  }
}
