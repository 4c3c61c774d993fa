/**
 * What every version's `check` shares: the engine's marker for values unknown at preview (skipped,
 * never judged), failures as `{property, reason}`, lengths in characters, the profile rule, and a
 * small checker of types and keys that reports with property paths.
 */
import { PROFILE_NAME_PATTERN } from "../api/config";
import { unknownKeyReason, type KeyElsewhere } from "./unknown-keys";

/** The engine's marker for a value not known until apply (the SDK's `rpc.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True if the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Length in characters (code points): 150 emoji are 150 characters, not 300 UTF-16 units. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

type Bag = Record<string, unknown>;

/** Present in the bag (known or unknown). */
export function isSet(bag: Bag, key: string): boolean {
  return bag[key] !== undefined && bag[key] !== null;
}

/** Collects failures; every helper skips absent and unknown values. */
export class Checker {
  readonly failures: CheckFailure[] = [];
  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }
  /** A present, known value of the given JS type; reports a wrong type. */
  has(bag: Bag, key: string, path: string, type: "string" | "number" | "boolean" | "object" | "array"): boolean {
    const v = bag[key];
    if (v === undefined || v === null || isUnknown(v)) return false;
    const actual = Array.isArray(v) ? "array" : typeof v;
    if (actual !== type) {
      this.fail(
        path,
        `must be ${type === "array" || type === "object" ? "an" : "a"} ${type === "array" ? "list" : type}, got ${actual === "array" ? "a list" : actual}`,
      );
      return false;
    }
    return true;
  }
  positiveInt(bag: Bag, key: string, path: string): void {
    if (!this.has(bag, key, path, "number")) return;
    const v = bag[key] as number;
    if (!Number.isSafeInteger(v) || v < 1) this.fail(path, `must be a positive integer, got ${v}`);
  }
  nonEmpty(bag: Bag, key: string, path: string): void {
    if (!this.has(bag, key, path, "string")) return;
    const v = bag[key] as string;
    if (v.length === 0) this.fail(path, "must not be empty");
    else if (v.trim() === "") this.fail(path, "must not be only whitespace");
  }
  /** A required member: reports its absence; true when it is present (known or not). */
  required(bag: Bag, key: string, path: string, what = ""): boolean {
    if (isSet(bag, key)) return true;
    this.fail(path, `is required${what ? ` (${what})` : ""}`);
    return false;
  }
  /** Refuses every present key that `known` lacks; `path` is the bag's prefix, e.g. `config.`. */
  knownKeys(bag: Bag, known: readonly string[], path: string, elsewhere?: KeyElsewhere): void {
    for (const key of Object.keys(bag)) {
      if (known.includes(key) || bag[key] === undefined || bag[key] === null) continue;
      this.fail(`${path}${key}`, unknownKeyReason(key, known, path, elsewhere));
    }
  }
}

/** The keys of an interface, as a record over it: the compiler keeps the list exact. */
export function keysOf<T>(record: Readonly<Record<keyof T, true>>): readonly string[] {
  return Object.freeze(Object.keys(record));
}

/**
 * `profile` must name a configured credentials profile. `known` lists the names (never their
 * settings); it is only asked when a profile is named, so a stack without profiles never parses them.
 */
export function validateProfile(value: unknown, known: () => readonly string[]): CheckFailure[] {
  if (value === undefined || value === null || isUnknown(value)) return [];
  if (typeof value !== "string" || !PROFILE_NAME_PATTERN.test(value)) {
    return [{ property: "profile", reason: `must be a profile name, 1-64 characters of letters, digits, "_" and "-"` }];
  }
  const names = known();
  if (names.includes(value)) return [];
  const reason =
    names.length === 0
      ? `names the credentials profile "${value}", but modelarts:profiles defines no profile; ` +
        `set one with \`pulumi config set --path 'modelarts:profiles.${value}.accessKey' …\` and \`--secret --path 'modelarts:profiles.${value}.secretKey'\``
      : `names the credentials profile "${value}", which modelarts:profiles does not define; the profiles are: ${[...names].sort().join(", ")}`;
  return [{ property: "profile", reason }];
}
