/**
 * "Did you mean …?": the catalogue entries closest to a value the catalogue does not hold, by edit
 * distance (case-insensitive), nearest first.
 */

/** Levenshtein distance between two strings (code units). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Up to `limit` candidates close to `value`: within a third of the longer string's length (at least
 * 2 edits), or containing it or contained in it; nearest first, ties in catalogue order.
 */
export function closeMatches(value: string, candidates: readonly string[], limit = 3): string[] {
  const v = value.toLowerCase();
  const scored = [...new Set(candidates)]
    .map((candidate, index) => {
      const c = candidate.toLowerCase();
      const distance = editDistance(v, c);
      const near = distance <= Math.max(2, Math.floor(Math.max(v.length, c.length) / 3));
      const contains = v.length >= 3 && (c.includes(v) || v.includes(c));
      return { candidate, index, distance, keep: near || contains };
    })
    .filter((s) => s.keep);
  return scored
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** ` did you mean "a" or "b"?`, or "" when nothing is close. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const matches = closeMatches(value, candidates).map((m) => `"${m}"`);
  if (matches.length === 0) return "";
  const list = matches.length === 1 ? matches[0]! : `${matches.slice(0, -1).join(", ")} or ${matches.at(-1)!}`;
  return ` did you mean ${list}?`;
}
