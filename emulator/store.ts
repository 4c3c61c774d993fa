/**
 * The job store behind the handlers: an interface, an in-memory implementation, and a file-backed
 * one that loads at start and writes after each change (atomic rename), so that a stopped and
 * restarted emulator keeps its jobs.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { JobRecord } from "./model";

export interface JobStore {
  /** The next job id (BigInt: may exceed 2^53). */
  allocateJobId(): bigint;
  allocateVersionId(): bigint;
  /** Jobs of one project, or of all projects; creation order. */
  jobs(projectId?: string): JobRecord[];
  get(jobId: bigint): JobRecord | undefined;
  put(job: JobRecord): void;
  remove(jobId: bigint): boolean;
  /** Records were mutated in place: persist them (no-op in memory). */
  changed(): void;
  /** Drops every job (counters keep going, so ids are never reused). */
  clear(): void;
  /**
   * Adds a part of the state kept elsewhere (the v2 jobs): saved in the same state file, cleared by
   * `clear`. Its owner calls `changed()` after mutating it.
   */
  attach(name: string, section: StoreSection): void;
  /** Flushes pending writes (the file store writes synchronously, so this is a final save). */
  close(): void;
}

/** A part of the state that another module owns (see `JobStore.attach`). */
export interface StoreSection {
  /** A JSON-encodable copy of the section (BigInt allowed). */
  save(): unknown;
  clear(): void;
}

export interface StoreCounters {
  nextJobId: bigint;
  nextVersionId: bigint;
}

export class InMemoryJobStore implements JobStore {
  protected readonly byId = new Map<string, JobRecord>();
  protected counters: StoreCounters;
  protected readonly sections = new Map<string, StoreSection>();

  constructor(counters: StoreCounters) {
    this.counters = { ...counters };
  }

  allocateJobId(): bigint {
    const id = this.counters.nextJobId;
    this.counters.nextJobId = id + 1n;
    return id;
  }

  allocateVersionId(): bigint {
    const id = this.counters.nextVersionId;
    this.counters.nextVersionId = id + 1n;
    return id;
  }

  jobs(projectId?: string): JobRecord[] {
    const all = [...this.byId.values()];
    return projectId === undefined ? all : all.filter((j) => j.projectId === projectId);
  }

  get(jobId: bigint): JobRecord | undefined {
    return this.byId.get(jobId.toString());
  }

  put(job: JobRecord): void {
    this.byId.set(job.jobId.toString(), job);
    this.changed();
  }

  remove(jobId: bigint): boolean {
    const removed = this.byId.delete(jobId.toString());
    if (removed) this.changed();
    return removed;
  }

  changed(): void {}

  attach(name: string, section: StoreSection): void {
    this.sections.set(name, section);
  }

  clear(): void {
    this.byId.clear();
    for (const section of this.sections.values()) section.clear();
    this.changed();
  }

  close(): void {}
}

/** The on-disk shape. BigInt values are stored as `{"$bigint": "digits"}`. */
interface Snapshot {
  format: 1;
  nextJobId: bigint;
  nextVersionId: bigint;
  clockOffsetMs: number;
  jobs: JobRecord[];
  /** Attached sections by name (absent in files written before sections existed). */
  sections?: Record<string, unknown>;
}

function encode(snapshot: Snapshot): string {
  return JSON.stringify(snapshot, (_k, v: unknown) => (typeof v === "bigint" ? { $bigint: v.toString() } : v), 1);
}

function decode(text: string): Snapshot {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const big = (v as { $bigint?: unknown }).$bigint;
      if (keys.length === 1 && typeof big === "string") return BigInt(big);
    }
    return v;
  }) as Snapshot;
}

/** Reads a state file; undefined if it does not exist. Throws on a corrupt file. */
export function readStateFile(
  path: string,
): { counters: StoreCounters; clockOffsetMs: number; jobs: JobRecord[]; sections: Record<string, unknown> } | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const snap = decode(text);
  if (snap.format !== 1 || typeof snap.nextJobId !== "bigint" || !Array.isArray(snap.jobs)) {
    throw new Error(`state file ${path} is not an emulator state file (format 1)`);
  }
  return {
    counters: { nextJobId: snap.nextJobId, nextVersionId: snap.nextVersionId },
    clockOffsetMs: snap.clockOffsetMs,
    jobs: snap.jobs,
    sections: snap.sections ?? {},
  };
}

/** In-memory store that writes the whole state to `path` after each change (write temp file, rename). */
export class FileJobStore extends InMemoryJobStore {
  constructor(
    private readonly path: string,
    counters: StoreCounters,
    jobs: JobRecord[],
    private readonly clockOffsetMs: () => number,
  ) {
    super(counters);
    for (const job of jobs) this.byId.set(job.jobId.toString(), job);
    mkdirSync(dirname(path), { recursive: true });
  }

  override allocateJobId(): bigint {
    const id = super.allocateJobId();
    this.changed();
    return id;
  }

  override allocateVersionId(): bigint {
    const id = super.allocateVersionId();
    this.changed();
    return id;
  }

  override changed(): void {
    const snapshot: Snapshot = {
      format: 1,
      nextJobId: this.counters.nextJobId,
      nextVersionId: this.counters.nextVersionId,
      clockOffsetMs: this.clockOffsetMs(),
      jobs: [...this.byId.values()],
      sections: Object.fromEntries([...this.sections].map(([name, section]) => [name, section.save()])),
    };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, encode(snapshot));
    renameSync(tmp, this.path);
  }

  override close(): void {
    this.changed();
  }
}
