/**
 * The v2 jobs, kept in memory and persisted through the shared job store (../store.ts) as its
 * `v2Jobs` section: one state file holds v1 and v2 alike, and a reset clears both.
 */
import { JobStore } from "../store";
import { V2JobRecord } from "./model";

export const V2_SECTION = "v2Jobs";

export class V2JobStore {
  private readonly byId = new Map<string, V2JobRecord>();

  /** @param saved the section read from the state file, if any. */
  constructor(
    private readonly shared: JobStore,
    saved?: unknown,
  ) {
    if (Array.isArray(saved)) for (const job of saved as V2JobRecord[]) this.byId.set(job.id, job);
    shared.attach(V2_SECTION, { save: () => [...this.byId.values()], clear: () => this.byId.clear() });
  }

  /** Jobs of one project (or all), in creation order. */
  jobs(projectId?: string): V2JobRecord[] {
    const all = [...this.byId.values()];
    return projectId === undefined ? all : all.filter((j) => j.projectId === projectId);
  }

  get(id: string): V2JobRecord | undefined {
    return this.byId.get(id);
  }

  put(job: V2JobRecord): void {
    this.byId.set(job.id, job);
    this.changed();
  }

  remove(id: string): boolean {
    const removed = this.byId.delete(id);
    if (removed) this.changed();
    return removed;
  }

  /** A record was changed in place: persist. */
  changed(): void {
    this.shared.changed();
  }
}
