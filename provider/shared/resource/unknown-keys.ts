/**
 * Unknown keys in resource inputs: JavaScript programs get no type check, so a misspelt key
 * (`descripton`, `config.trainURL`) would otherwise be dropped without a word. Each one becomes a
 * failure naming the key, with the nearest known key as a hint.
 */

/**
 * Edit distance between two strings in code points: insertions, deletions, substitutions and
 * swaps of two neighbours (`lable` is one edit from `label`).
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}

/**
 * The known key closest to `key` (ignoring case), if it is close enough to be a likely typo: at most
 * a third of the key's length in edits, and never more than 3.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.min(3, Math.max(1, Math.floor([...key].length / 3)));
  return best.distance <= allowed ? best.key : undefined;
}

/** A known key elsewhere in the inputs, e.g. `config.trainUrl` for a top-level `trainUrl`. */
export interface KeyElsewhere {
  /** The keys known at the other place. */
  keys: readonly string[];
  /** Path prefix of the other place, e.g. `config.` or `` (top level). */
  prefix: string;
}

/**
 * The reason for one unknown key: `is not an input (did you mean "description"?)`. `path` is the
 * prefix of the bag (`config.`, `config.volumes[0].nfs.`).
 */
export function unknownKeyReason(key: string, known: readonly string[], path: string, elsewhere?: KeyElsewhere): string {
  const near = nearestKey(key, known);
  if (near !== undefined) return `is not a known key: did you mean "${path}${near}"?`;
  if (elsewhere !== undefined) {
    const there = elsewhere.keys.find((k) => k === key) ?? nearestKey(key, elsewhere.keys);
    if (there !== undefined) return `is not a known key here: did you mean "${elsewhere.prefix}${there}"?`;
  }
  return `is not a known key; known keys: ${known.join(", ")}`;
}
