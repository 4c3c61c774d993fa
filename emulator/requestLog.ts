/** The log of requests received, readable and clearable through the control API and the library. */
import { FaultKind, FaultPhase } from "./faults";

export type RequestAuth = "aksk" | "token" | "none" | "iam" | "control";

export interface RequestLogEntry {
  /** 1, 2, 3, ... in arrival order (kept across `clear`). */
  seq: number;
  /** Wall-clock arrival time, ISO 8601. */
  time: string;
  /** Emulator-clock arrival time, epoch ms. */
  emulatorTime: number;
  method: string;
  /** Path with query, as received. */
  path: string;
  /**
   * HTTP status sent; "dropped" when the emulator destroyed the connection without an answer (fault);
   * "aborted" when the client closed the connection before the answer (e.g. its timeout).
   */
  status: number | "dropped" | "aborted";
  fault?: FaultKind;
  faultPhase?: FaultPhase;
  /** How the request authenticated (or "none" when it did not get that far). */
  auth: RequestAuth;
  /** The request's `User-Agent` header, when it has one. */
  userAgent?: string;
  /** `ModelArts.NNNN` of an error answer. */
  errorCode?: string;
  durationMs: number;
}

export interface RequestFilter {
  method?: string;
  /** Regular expression tested against the path with query. */
  pathRegex?: string;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity = 10_000) {}

  add(entry: Omit<RequestLogEntry, "seq">): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(filter: RequestFilter = {}): RequestLogEntry[] {
    const re = filter.pathRegex !== undefined ? new RegExp(filter.pathRegex) : undefined;
    return this.entries
      .filter((e) => (filter.method === undefined || e.method === filter.method.toUpperCase()) && (!re || re.test(e.path)))
      .map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
