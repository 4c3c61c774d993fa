/**
 * Scenario rules: per-job behaviour registered before the client creates the job, matched by job
 * name (exact, prefix or regex) and optionally project. The first matching rule (in order of
 * registration) applies; its settings are copied into the job when it is created.
 */
import { FAIL_STAGES } from "./lifecycle";
import { JobOverrides } from "./model";

export interface RuleMatch {
  jobName?: string;
  jobNamePrefix?: string;
  /** A JavaScript regular expression (source text), tested against the whole name as given. */
  jobNameRegex?: string;
  projectId?: string;
}

export interface ScenarioRule extends JobOverrides {
  /** Assigned on registration when absent. */
  id?: string;
  match: RuleMatch;
  /** Applies to this many jobs, then retires. Unlimited when absent. */
  times?: number;
}

export interface StoredRule extends ScenarioRule {
  id: string;
  /** Jobs this rule has been applied to. */
  applied: number;
}

const DURATION_KEYS = ["initMs", "imageMs", "submitMs", "waitMs", "runMs"] as const;

/** Checks the per-job part shared by rules and job patches; throws `RangeError` naming the field. */
export function checkOverrides(input: Record<string, unknown>, where: string): JobOverrides {
  const out: JobOverrides = {};
  const num = (key: string): number | undefined => {
    const v = input[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`${where}.${key} must be a number >= 0, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const jobDurationMs = num("jobDurationMs");
  if (jobDurationMs !== undefined) out.jobDurationMs = jobDurationMs;
  const deleteDelayMs = num("deleteDelayMs");
  if (deleteDelayMs !== undefined) out.deleteDelayMs = deleteDelayMs;
  const killMs = num("killMs");
  if (killMs !== undefined) out.killMs = killMs;
  const deleteFailures = num("deleteFailures");
  if (deleteFailures !== undefined) out.deleteFailures = Math.floor(deleteFailures);
  if (input.failAt !== undefined) {
    if (typeof input.failAt !== "string" || !(FAIL_STAGES as readonly string[]).includes(input.failAt)) {
      throw new RangeError(`${where}.failAt must be one of ${FAIL_STAGES.join(", ")}, got ${JSON.stringify(input.failAt)}`);
    }
    out.failAt = input.failAt as JobOverrides["failAt"] & string;
  }
  if (input.deleteOutcome !== undefined) {
    if (input.deleteOutcome !== "succeed" && input.deleteOutcome !== "fail") {
      throw new RangeError(`${where}.deleteOutcome must be "succeed" or "fail", got ${JSON.stringify(input.deleteOutcome)}`);
    }
    out.deleteOutcome = input.deleteOutcome;
  }
  if (input.durations !== undefined) {
    const d = input.durations;
    if (typeof d !== "object" || d === null || Array.isArray(d)) throw new RangeError(`${where}.durations must be an object`);
    const durations: Record<string, number> = {};
    for (const [k, v] of Object.entries(d)) {
      if (!(DURATION_KEYS as readonly string[]).includes(k)) {
        throw new RangeError(`${where}.durations.${k} is unknown; known: ${DURATION_KEYS.join(", ")}`);
      }
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new RangeError(`${where}.durations.${k} must be a number >= 0, got ${JSON.stringify(v)}`);
      }
      durations[k] = v;
    }
    out.durations = durations;
  }
  return out;
}

export class RuleBook {
  private rules: StoredRule[] = [];
  private seq = 0;

  /** Validates and registers a rule; returns it with its id. */
  add(input: unknown): StoredRule {
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw new RangeError("rule must be an object");
    const raw = input as Record<string, unknown>;
    const match = raw.match as Record<string, unknown> | undefined;
    if (typeof match !== "object" || match === null)
      throw new RangeError("rule.match is required (jobName, jobNamePrefix or jobNameRegex)");
    const m: RuleMatch = {};
    for (const key of ["jobName", "jobNamePrefix", "jobNameRegex", "projectId"] as const) {
      const v = match[key];
      if (v === undefined) continue;
      if (typeof v !== "string") throw new RangeError(`rule.match.${key} must be a string`);
      m[key] = v;
    }
    if (m.jobName === undefined && m.jobNamePrefix === undefined && m.jobNameRegex === undefined) {
      throw new RangeError("rule.match needs jobName, jobNamePrefix or jobNameRegex");
    }
    if (m.jobNameRegex !== undefined) {
      try {
        new RegExp(m.jobNameRegex);
      } catch (e) {
        throw new RangeError(`rule.match.jobNameRegex is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    const overrides = checkOverrides(raw, "rule");
    let times: number | undefined;
    if (raw.times !== undefined) {
      if (typeof raw.times !== "number" || !Number.isInteger(raw.times) || raw.times < 1) {
        throw new RangeError(`rule.times must be an integer >= 1, got ${JSON.stringify(raw.times)}`);
      }
      times = raw.times;
    }
    let id: string;
    if (raw.id !== undefined) {
      if (typeof raw.id !== "string" || raw.id === "") throw new RangeError("rule.id must be a non-empty string");
      id = raw.id;
      this.rules = this.rules.filter((r) => r.id !== id);
    } else {
      id = `rule-${++this.seq}`;
    }
    const rule: StoredRule = { id, match: m, ...overrides, applied: 0 };
    if (times !== undefined) rule.times = times;
    this.rules.push(rule);
    return { ...rule };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  /** Drops every rule; ids start again at rule-1. */
  clear(): void {
    this.rules = [];
    this.seq = 0;
  }

  list(): StoredRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first rule matching the job, counted as applied (a rule with `times` retires when used up). */
  take(projectId: string, jobName: string): StoredRule | undefined {
    const rule = this.rules.find((r) => matches(r.match, projectId, jobName) && (r.times === undefined || r.applied < r.times));
    if (!rule) return undefined;
    rule.applied += 1;
    return { ...rule };
  }
}

export function matches(m: RuleMatch, projectId: string, jobName: string): boolean {
  if (m.projectId !== undefined && m.projectId !== projectId) return false;
  if (m.jobName !== undefined && m.jobName !== jobName) return false;
  if (m.jobNamePrefix !== undefined && !jobName.startsWith(m.jobNamePrefix)) return false;
  if (m.jobNameRegex !== undefined && !new RegExp(m.jobNameRegex).test(jobName)) return false;
  return true;
}

/** The per-job settings of a rule (what is copied into the job). */
export function overridesOf(rule: ScenarioRule): JobOverrides {
  const { jobDurationMs, durations, failAt, deleteDelayMs, killMs, deleteOutcome, deleteFailures } = rule;
  const out: JobOverrides = {};
  if (jobDurationMs !== undefined) out.jobDurationMs = jobDurationMs;
  if (durations !== undefined) out.durations = { ...durations };
  if (failAt !== undefined) out.failAt = failAt;
  if (deleteDelayMs !== undefined) out.deleteDelayMs = deleteDelayMs;
  if (killMs !== undefined) out.killMs = killMs;
  if (deleteOutcome !== undefined) out.deleteOutcome = deleteOutcome;
  if (deleteFailures !== undefined) out.deleteFailures = deleteFailures;
  return out;
}
