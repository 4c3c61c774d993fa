/**
 * What every version's `check` shares: the engine's marker for values unknown at preview (skipped,
 * never judged), failures as `{property, reason}`, lengths in characters, the profile rule, and a
 * small checker of types and keys that reports with property paths.
 */
import { PROFILE_NAME_PATTERN } from "../api/config";
import { MAX_TIMER_MS, MAX_TIMER_TEXT } from "../api/timer-limit";
import { parseDuration } from "./duration";
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

/**
 * Length as the service counts it: UTF-16 units (Java's `String.length()`), so an emoji counts 2
 * and 150 emoji are 300. Counting code points would let a preview pass what `up` is refused.
 */
export function characterCount(text: string): number {
  return text.length;
}

/** The rule of a length limit, in the words the failures use. */
export function lengthRule(max: number): string {
  return `must be at most ${max} characters, counted as the service counts them (UTF-16 units: an emoji counts 2)`;
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

/** The keys of `timeouts`, the same for every version. */
export const TIMEOUT_KEYS: readonly string[] = Object.freeze(["create", "update", "delete"]);

/**
 * The rules of the inputs every version's resource has besides the job itself: what to wait for
 * (`waitFor` must be one of `waitForValues`), `stopBeforeDelete`, `timeouts`, and where the job
 * lives (`region`, `projectId`, `endpoint`).
 */
export function checkProviderInputs(c: Checker, inputs: Bag, waitForValues: readonly string[]): void {
  if (c.has(inputs, "waitFor", "waitFor", "string") && !waitForValues.includes(inputs["waitFor"] as string)) {
    c.fail("waitFor", `must be one of ${waitForValues.map((w) => `"${w}"`).join(", ")}, got "${String(inputs["waitFor"])}"`);
  }
  c.has(inputs, "stopBeforeDelete", "stopBeforeDelete", "boolean");
  if (c.has(inputs, "timeouts", "timeouts", "object")) {
    const timeouts = inputs["timeouts"] as Bag;
    c.knownKeys(timeouts, TIMEOUT_KEYS, "timeouts.");
    for (const key of TIMEOUT_KEYS) {
      const path = `timeouts.${key}`;
      if (!c.has(timeouts, key, path, "string")) continue;
      const ms = parseDuration(timeouts[key] as string);
      if (ms === undefined || ms <= 0)
        c.fail(path, `must be a positive duration such as "90s", "20m" or "1h30m", got "${String(timeouts[key])}"`);
      else if (ms > MAX_TIMER_MS) c.fail(path, `must be at most ${MAX_TIMER_TEXT}, got "${String(timeouts[key])}"`);
    }
  }
  c.nonEmpty(inputs, "region", "region");
  if (c.has(inputs, "projectId", "projectId", "string") && !/^[A-Za-z0-9_-]{1,64}$/.test(inputs["projectId"] as string)) {
    c.fail("projectId", `must be a project id such as "0123456789abcdef0123456789abcdef", got "${String(inputs["projectId"])}"`);
  }
  if (c.has(inputs, "endpoint", "endpoint", "string")) {
    const text = inputs["endpoint"] as string;
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      c.fail("endpoint", `must be an absolute URL such as "https://modelarts.eu-de.otc.t-systems.com", got "${text}"`);
    }
    if (url && url.protocol !== "https:" && url.protocol !== "http:") c.fail("endpoint", `must use https, got "${url.protocol}"`);
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
