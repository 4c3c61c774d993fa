/** Start-up options of the emulator (library); the CLI maps its flags onto these. */
import { AccessKeyEntry, IamUser } from "./auth";
import { EmulatorBehaviour } from "./behaviour";
import { Catalogue } from "./catalogue";
import { EmulatorClock } from "./clock";
import { FaultRate, FaultScript } from "./faults";
import { RateLimit } from "./rate-limit";
import { ScenarioRule } from "./rules";

export interface EmulatorOptions extends Partial<EmulatorBehaviour> {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** Access key → secret key (or `{secretKey, securityToken}`). None (and no users) = open mode. */
  accessKeys?: Record<string, string | AccessKeyEntry>;
  /** IAM users for `POST /v3/auth/tokens`. None (and no access keys) = open mode. */
  users?: IamUser[];
  /** Only these project ids are served (others: 400 ModelArts.0210). Default: any. */
  projectId?: string | string[];
  /** IAM project name → project id (e.g. `{"eu-de": "0123...cdef"}`). */
  projects?: Record<string, string>;
  /** First job id; a BigInt or decimal string may exceed 2^53. @default 100000 */
  idBase?: bigint | number | string;
  /** First version id. @default idBase + 1000000 */
  versionIdBase?: bigint | number | string;
  /** Seed of the fault RNG. @default 1 */
  seed?: number;
  /** Faults by rate, active from the start. */
  faults?: FaultRate;
  /** Scripted fault sequences, active from the start. */
  faultScripts?: FaultScript[];
  /** Added latency of a "latency" fault. @default 1000 */
  latencyMs?: number;
  /** Retry-After of an injected 429, in seconds. @default 1 */
  retryAfterSeconds?: number;
  /** The gateway's per-account rate limit, on from the start (429 APIGW.0308 with Retry-After). */
  rateLimit?: RateLimit;
  /** Scenario rules, registered at start. */
  rules?: ScenarioRule[];
  /** Load state from this file at start and write it after each change. */
  stateFile?: string;
  /** The clock (tests may inject one); default real time. */
  clock?: EmulatorClock;
  /** Start with the clock frozen (time moves only by `advance`). @default false */
  frozenClock?: boolean;
  /** Also record control-API requests in the request log. @default false */
  logControlRequests?: boolean;
  /** Replaces parts of the built-in catalogue (flavours, engines, algorithms, pools). */
  catalogue?: Partial<Catalogue>;
}
