// Which side a new request goes to: a seeded draw against the candidate's weight, one draw per
// request, so a 10 % step sends about one request in ten to the candidate and the same seed sends
// the same requests the same way. A weight of 0 or 100 never draws: no request can slip through.
import { Prng } from '../random.ts';

export type Side = 'baseline' | 'candidate';
export const SIDES: readonly Side[] = ['baseline', 'candidate'];

export class WeightedChoice {
  private readonly rng: Prng;
  /** Percent of new requests for the candidate, 0..100. */
  private weight = 0;

  constructor(seed: number) {
    this.rng = Prng.stream(seed, 'canary-router');
  }

  get candidateWeight(): number {
    return this.weight;
  }

  set candidateWeight(percent: number) {
    if (!(percent >= 0 && percent <= 100)) throw new Error(`canary router: weight ${percent} is not a percentage from 0 to 100`);
    this.weight = percent;
  }

  next(): Side {
    if (this.weight <= 0) return 'baseline';
    if (this.weight >= 100) return 'candidate';
    return this.rng.next() * 100 < this.weight ? 'candidate' : 'baseline';
  }
}
