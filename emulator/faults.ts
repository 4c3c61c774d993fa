/**
 * Fault injection: 429 (with Retry-After), 500, 503, dropped connections and added latency, by rate
 * (a share of requests, drawn from a seeded RNG so runs are reproducible) or as scripted sequences
 * (the next N matching requests get these faults, in order). Either may be limited to a method and
 * a path regex, and may strike "before" the request is handled or "after" it (the work is done, the
 * client still sees the fault: e.g. a job that exists although create answered 500).
 */

export type FaultKind = "429" | "500" | "503" | "drop" | "latency";
export const FAULT_KINDS: readonly FaultKind[] = ["429", "500", "503", "drop", "latency"];
export type FaultPhase = "before" | "after";

export interface FaultFilter {
  /** HTTP method (any case); all methods when absent. */
  method?: string;
  /** Regular expression tested against the request path with its query. */
  pathRegex?: string;
}

export interface FaultStep {
  /** "none" lets one matching request through unharmed. */
  kind: FaultKind | "none";
  phase?: FaultPhase;
  latencyMs?: number;
  retryAfterSeconds?: number;
}

export interface FaultScript extends FaultFilter {
  id?: string;
  /** Default phase of the steps. @default "before" */
  phase?: FaultPhase;
  steps: Array<FaultKind | "none" | FaultStep>;
}

export interface FaultRate extends FaultFilter {
  /** Share of matching requests that get a fault, 0..1. */
  rate: number;
  /** Kinds drawn from, uniformly. @default all kinds */
  kinds?: FaultKind[];
  phase?: FaultPhase;
  /** Re-seeds the RNG. */
  seed?: number;
}

export interface FaultDecision {
  kind: FaultKind;
  phase: FaultPhase;
  latencyMs: number;
  retryAfterSeconds: number;
  source: "script" | "rate";
}

export interface FaultDefaults {
  /** Added latency of a "latency" fault. @default 1000 */
  latencyMs: number;
  /** Retry-After of a 429, in seconds. @default 1 */
  retryAfterSeconds: number;
}

export interface StoredScript {
  id: string;
  method?: string;
  pathRegex?: string;
  /** Steps not yet used. */
  remaining: FaultStep[];
}

export interface FaultState {
  rate?: Omit<FaultRate, "seed"> & { kinds: FaultKind[] };
  scripts: StoredScript[];
  defaults: FaultDefaults;
  seed: number;
}

/** mulberry32: a tiny seeded PRNG, enough for reproducible fault draws. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkFilter(f: FaultFilter, where: string): FaultFilter {
  const out: FaultFilter = {};
  if (f.method !== undefined) {
    if (typeof f.method !== "string" || f.method === "") throw new RangeError(`${where}.method must be a non-empty string`);
    out.method = f.method.toUpperCase();
  }
  if (f.pathRegex !== undefined) {
    if (typeof f.pathRegex !== "string") throw new RangeError(`${where}.pathRegex must be a string`);
    try {
      new RegExp(f.pathRegex);
    } catch (e) {
      throw new RangeError(`${where}.pathRegex is not a valid regular expression: ${(e as Error).message}`);
    }
    out.pathRegex = f.pathRegex;
  }
  return out;
}

function checkPhase(p: unknown, where: string): FaultPhase | undefined {
  if (p === undefined) return undefined;
  if (p !== "before" && p !== "after") throw new RangeError(`${where}.phase must be "before" or "after", got ${JSON.stringify(p)}`);
  return p;
}

function checkKind(k: unknown, where: string, allowNone: boolean): FaultKind | "none" {
  if (typeof k === "string" && ((FAULT_KINDS as readonly string[]).includes(k) || (allowNone && k === "none")))
    return k as FaultKind | "none";
  throw new RangeError(`${where} must be one of ${FAULT_KINDS.join(", ")}${allowNone ? ", none" : ""}, got ${JSON.stringify(k)}`);
}

function checkMs(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new RangeError(`${where} must be a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function matches(f: FaultFilter, method: string, path: string): boolean {
  if (f.method !== undefined && f.method !== method.toUpperCase()) return false;
  if (f.pathRegex !== undefined && !new RegExp(f.pathRegex).test(path)) return false;
  return true;
}

export class FaultInjector {
  private rate: FaultState["rate"];
  private scripts: StoredScript[] = [];
  private random: () => number;
  private seq = 0;

  constructor(
    private seed: number,
    private readonly defaults: FaultDefaults,
  ) {
    this.random = seededRandom(seed);
  }

  /** Sets (or, with rate 0, clears) the rate-based faults. */
  setRate(input: FaultRate): FaultState {
    if (typeof input !== "object" || input === null) throw new RangeError("fault rate must be an object");
    if (typeof input.rate !== "number" || !(input.rate >= 0 && input.rate <= 1)) {
      throw new RangeError(`faults.rate must be a number from 0 to 1, got ${JSON.stringify(input.rate)}`);
    }
    const kinds = (input.kinds ?? [...FAULT_KINDS]).map((k, i) => checkKind(k, `faults.kinds[${i}]`, false) as FaultKind);
    if (kinds.length === 0) throw new RangeError("faults.kinds must not be empty");
    const filter = checkFilter(input, "faults");
    const phase = checkPhase(input.phase, "faults");
    if (input.seed !== undefined) {
      if (!Number.isInteger(input.seed)) throw new RangeError(`faults.seed must be an integer, got ${JSON.stringify(input.seed)}`);
      this.seed = input.seed;
      this.random = seededRandom(input.seed);
    }
    this.rate = input.rate === 0 ? undefined : { rate: input.rate, kinds, ...filter, ...(phase ? { phase } : {}) };
    return this.state();
  }

  /** Adds a scripted sequence; returns it with its id. */
  addScript(input: FaultScript): StoredScript {
    if (typeof input !== "object" || input === null || !Array.isArray(input.steps) || input.steps.length === 0) {
      throw new RangeError("fault script needs a non-empty steps array");
    }
    const filter = checkFilter(input, "script");
    const phase = checkPhase(input.phase, "script");
    const remaining = input.steps.map((s, i): FaultStep => {
      const where = `script.steps[${i}]`;
      if (typeof s === "string") return { kind: checkKind(s, where, true), ...(phase ? { phase } : {}) };
      if (typeof s !== "object" || s === null) throw new RangeError(`${where} must be a kind or an object`);
      const step: FaultStep = { kind: checkKind(s.kind, `${where}.kind`, true) };
      const p = checkPhase(s.phase, where) ?? phase;
      if (p) step.phase = p;
      const latencyMs = checkMs(s.latencyMs, `${where}.latencyMs`);
      if (latencyMs !== undefined) step.latencyMs = latencyMs;
      const retry = checkMs(s.retryAfterSeconds, `${where}.retryAfterSeconds`);
      if (retry !== undefined) step.retryAfterSeconds = retry;
      return step;
    });
    const script: StoredScript = { id: input.id ?? `script-${++this.seq}`, ...filter, remaining };
    this.scripts = this.scripts.filter((s) => s.id !== script.id);
    this.scripts.push(script);
    return { ...script, remaining: [...remaining] };
  }

  clear(): void {
    this.rate = undefined;
    this.scripts = [];
  }

  /** Changes the default latency / Retry-After. */
  setDefaults(d: Partial<FaultDefaults>): void {
    const latencyMs = checkMs(d.latencyMs, "faults.latencyMs");
    if (latencyMs !== undefined) this.defaults.latencyMs = latencyMs;
    const retry = checkMs(d.retryAfterSeconds, "faults.retryAfterSeconds");
    if (retry !== undefined) this.defaults.retryAfterSeconds = retry;
  }

  state(): FaultState {
    const out: FaultState = {
      scripts: this.scripts.map((s) => ({ ...s, remaining: [...s.remaining] })),
      defaults: { ...this.defaults },
      seed: this.seed,
    };
    if (this.rate) out.rate = { ...this.rate, kinds: [...this.rate.kinds] };
    return out;
  }

  /** Decides the fault for one request (consuming a script step). Scripts win over the rate. */
  decide(method: string, path: string): FaultDecision | undefined {
    const script = this.scripts.find((s) => s.remaining.length > 0 && matches(s, method, path));
    if (script) {
      const step = script.remaining.shift() as FaultStep;
      if (script.remaining.length === 0) this.scripts = this.scripts.filter((s) => s !== script);
      if (step.kind === "none") return undefined;
      return {
        kind: step.kind,
        phase: step.phase ?? "before",
        latencyMs: step.latencyMs ?? this.defaults.latencyMs,
        retryAfterSeconds: step.retryAfterSeconds ?? this.defaults.retryAfterSeconds,
        source: "script",
      };
    }
    const rate = this.rate;
    if (rate && matches(rate, method, path)) {
      if (this.random() < rate.rate) {
        const kind = rate.kinds[Math.floor(this.random() * rate.kinds.length)] as FaultKind;
        return {
          kind,
          phase: rate.phase ?? "before",
          latencyMs: this.defaults.latencyMs,
          retryAfterSeconds: this.defaults.retryAfterSeconds,
          source: "rate",
        };
      }
    }
    return undefined;
  }
}
