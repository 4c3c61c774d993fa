/**
 * Behaviour switches: what the emulator answers where the sources leave a choice (docs/api-v1.md §9), and its
 * timing defaults. Settable at start-up (options, CLI) and at run time (control API).
 */
import { DuplicateNameCode, NOT_FOUND_STYLES, NotFoundStyle } from "./errors";
import { DEFAULT_V2_BEHAVIOUR, V2Behaviour, V2_BOOLEAN_KEYS, V2_CHOICES, V2_NUMBER_KEYS } from "./v2/behaviour";

/** The v1 switches below, and the v2 ones (v2/behaviour.ts). */
export interface EmulatorBehaviour extends V2Behaviour {
  /** From creation to COMPLETED, split across the stages (5% init, 10% image build for custom images, 10% submit, 10% queue, the rest running). @default 30000 */
  jobDurationMs: number;
  /** How long a deleted job stays listed, unchanged, before it disappears. @default 3000 */
  deleteDelayMs: number;
  /** How long KILLING (9) lasts, for a stop and before deleting an in-progress job. @default 1000 */
  killMs: number;
  /** How long a deleted version stays visible. @default 1000 */
  versionDeleteDelayMs: number;
  /** A new job is not visible in the list or in version details for this long. @default 0 */
  listVisibilityDelayMs: number;
  /** Create answers `job_id`, `status`, `create_time`, `version_id` as JSON strings (the reference sample). @default false */
  idsAsStrings: boolean;
  /** How "not found" is answered. @default "400-2775" */
  notFoundStyle: NotFoundStyle;
  /** Every error answers HTTP 200 with `is_success: false`. @default false */
  errorsAsHttp200: boolean;
  /** A job being deleted still holds its name (a create with that name is a duplicate) until it disappears. @default true */
  deletingJobHoldsName: boolean;
  /** DELETE of an in-progress job answers 409 ModelArts.2796 instead of killing it first. @default false */
  rejectDeleteWhileRunning: boolean;
  /** A DELETE while a deletion is already running answers success or not-found. @default "success" */
  repeatDeleteAnswer: "success" | "not-found";
  /** A stop ends in KILLED (12) or CANCELED (13). @default "killed" */
  stopOutcome: "killed" | "canceled";
  /** Version details (and list items) carry the real service's undocumented keys, mostly `null`. @default true */
  extraFields: boolean;
  /** Error code of a duplicate job name: the sample's `0103` or the table's `2751`. @default "0103" */
  duplicateNameCode: DuplicateNameCode;
  /** Accept the docs' own samples: both `spec_id` and `pool_id`, `model_id` next to `app_url`, several data sources. @default false */
  lenient: boolean;
  /** Training-job quota per project (`quotas` in the list; creating beyond it fails with ModelArts.2815). @default 100 */
  quotas: number;
  /** Accepted distance between `X-Sdk-Date` and the wall clock. @default 900000 (15 min) */
  maxClockSkewMs: number;
  /** Lifetime of IAM tokens, on the emulator's clock. @default 86400000 (24 h) */
  tokenTtlMs: number;
}

export const DEFAULT_BEHAVIOUR: Readonly<EmulatorBehaviour> = Object.freeze({
  jobDurationMs: 30_000,
  deleteDelayMs: 3_000,
  killMs: 1_000,
  versionDeleteDelayMs: 1_000,
  listVisibilityDelayMs: 0,
  idsAsStrings: false,
  notFoundStyle: "400-2775",
  errorsAsHttp200: false,
  deletingJobHoldsName: true,
  rejectDeleteWhileRunning: false,
  repeatDeleteAnswer: "success",
  stopOutcome: "killed",
  extraFields: true,
  duplicateNameCode: "0103",
  lenient: false,
  quotas: 100,
  maxClockSkewMs: 15 * 60_000,
  tokenTtlMs: 24 * 3_600_000,
  ...DEFAULT_V2_BEHAVIOUR,
});

const NUMBER_KEYS = [
  "jobDurationMs",
  "deleteDelayMs",
  "killMs",
  "versionDeleteDelayMs",
  "listVisibilityDelayMs",
  "quotas",
  "maxClockSkewMs",
  "tokenTtlMs",
  ...V2_NUMBER_KEYS,
] as const;
const BOOLEAN_KEYS = [
  "idsAsStrings",
  "errorsAsHttp200",
  "deletingJobHoldsName",
  "rejectDeleteWhileRunning",
  "extraFields",
  "lenient",
  ...V2_BOOLEAN_KEYS,
] as const;
const CHOICES: {
  [K in "notFoundStyle" | "repeatDeleteAnswer" | "stopOutcome" | "duplicateNameCode" | keyof typeof V2_CHOICES]: readonly string[];
} = {
  ...V2_CHOICES,
  notFoundStyle: NOT_FOUND_STYLES,
  repeatDeleteAnswer: ["success", "not-found"],
  stopOutcome: ["killed", "canceled"],
  duplicateNameCode: ["0103", "2751"],
};

export const BEHAVIOUR_KEYS: readonly (keyof EmulatorBehaviour)[] = [
  ...NUMBER_KEYS,
  ...BOOLEAN_KEYS,
  ...(Object.keys(CHOICES) as (keyof typeof CHOICES)[]),
];

/**
 * Checks a partial behaviour (from options or the control API) and returns it typed. Unknown keys
 * and wrong values throw a `RangeError` whose message names the key and the accepted values.
 */
export function checkBehaviour(input: unknown): Partial<EmulatorBehaviour> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new RangeError("behaviour must be an object");
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`behaviour.${key} must be a number >= 0, got ${JSON.stringify(value)}`);
      }
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") throw new RangeError(`behaviour.${key} must be a boolean, got ${JSON.stringify(value)}`);
    } else if (key in CHOICES) {
      const allowed = CHOICES[key as keyof typeof CHOICES];
      if (typeof value !== "string" || !allowed.includes(value)) {
        throw new RangeError(`behaviour.${key} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
      }
    } else {
      throw new RangeError(`unknown behaviour key ${key}; known keys: ${BEHAVIOUR_KEYS.join(", ")}`);
    }
    out[key] = value;
  }
  return out as Partial<EmulatorBehaviour>;
}
