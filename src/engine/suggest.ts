/**
 * "Did you mean …?" for mistyped names: check ids, config keys, option names, model ids.
 * Distance is Damerau-Levenshtein (optimal string alignment), compared case-insensitively,
 * so a swapped pair of letters or a wrong case costs at most one edit.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows of the dynamic-programming table: two back (for swaps), one back, current.
  let twoBack: number[] = new Array<number>(b.length + 1).fill(0);
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current: number[] = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, twoBack[j - 2]! + 1);
      current[j] = best;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length]!;
}

/**
 * The most edits for which a candidate still counts as "what you meant": about one in three
 * characters of what was typed, and always one, so `ap` → `api` but never `foo` → `api`.
 */
export function maxSuggestionDistance(input: string): number {
  return Math.max(1, Math.floor(input.length / 3));
}

/**
 * The candidates close enough to `input` to suggest, closest first (ties keep the candidates'
 * order), at most `max` of them. A candidate equal to `input` counts as closest.
 */
export function closestMatches(input: string, candidates: Iterable<string>, max = 3): string[] {
  const typed = input.toLowerCase();
  const limit = maxSuggestionDistance(input);
  const close: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    // Lengths that differ by more than the limit cannot be within it: skip the table.
    if (Math.abs(known.length - typed.length) > limit) continue;
    const distance = editDistance(typed, known);
    if (distance <= limit) close.push({ candidate, distance });
  }
  // Array.prototype.sort is stable, so equal distances stay in candidate order.
  return close
    .sort((x, y) => x.distance - y.distance)
    .slice(0, Math.max(0, max))
    .map(({ candidate }) => candidate);
}

/** The one candidate to suggest for `input`, or undefined when none is close. */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  return closestMatches(input, candidates, 1)[0];
}
