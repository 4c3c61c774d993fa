/** Comparing plain values as `diff` does: undefined and null members are absent, key order is irrelevant. */

type Bag = Record<string, unknown>;

/** Drops undefined/null members recursively so that `{a: undefined}` equals `{}`. */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    const out: Bag = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Bag)[key];
      if (v !== undefined && v !== null) out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}
