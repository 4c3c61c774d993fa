/** Strict readers for query parameters; each failure names the parameter (ModelArts.2764/2765). */
import { Faults } from "./errors";

export type RawQuery = Record<string, string | string[] | undefined>;

/** The single value of a parameter (the first, if repeated). */
export function param(q: RawQuery, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

export function intParam(q: RawQuery, name: string, def: number, min: number, max: number): number {
  const raw = param(q, name);
  if (raw === undefined || raw === "") return def;
  if (!/^-?\d+$/.test(raw)) throw Faults.invalidQuery(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw Faults.invalidQuery(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function choiceParam<T extends string>(q: RawQuery, name: string, allowed: readonly T[], def: T): T {
  const raw = param(q, name);
  if (raw === undefined || raw === "") return def;
  if (!(allowed as readonly string[]).includes(raw)) throw Faults.outOfPresetValues(name, allowed);
  return raw as T;
}

export function stringParam(q: RawQuery, name: string, maxLength: number): string | undefined {
  const raw = param(q, name);
  if (raw === undefined) return undefined;
  if (raw.length > maxLength) throw Faults.invalidQuery(name, `must be at most ${maxLength} characters, got ${raw.length}`);
  return raw;
}
