// "Did you mean" for metric names, units, keys, kinds and models.

/** Levenshtein distance, with a transposition counting as one edit (p59 vs p95). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, if it is close enough to be a plausible typo
 * (at most a third of the word's length in edits, case differences count half, or a prefix).
 */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const exactCase = editDistance(word, candidate);
    let score = Math.min(exactCase, editDistance(word.toLowerCase(), candidate.toLowerCase()) + 0.5);
    // Between equally close names, prefer one with the same letters (p59 → p95, not p50).
    if ([...word].sort().join('') === [...candidate].sort().join('')) score -= 0.25;
    // A name cut short or run on (bench → benchmark) is a likely slip however many letters differ.
    const shorter = word.length < candidate.length ? word : candidate;
    if (shorter.length >= 3 && (word.startsWith(candidate) || candidate.startsWith(word))) score = Math.min(score, 1);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  const limit = Math.max(1, Math.ceil(word.length / 3));
  return bestScore <= limit ? best : undefined;
}

/** ` (did you mean 'x'?)`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const guess = closestName(word, candidates);
  return guess === undefined ? '' : ` (did you mean '${guess}'?)`;
}
