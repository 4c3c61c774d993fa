/**
 * The region's catalogues (flavours, engines) as `check` reads them: at most once per cache and
 * account/region, the first caller reading and the others sharing that read. A read that fails or
 * runs out of time is remembered as unavailable too, so that an offline preview waits only once.
 */
import { deadlineIn, type Deadline } from "../api/retry";

/** How long one catalogue read may take before the catalogue rules are skipped. */
export const DEFAULT_CATALOGUE_TIMEOUT_MS = 15_000;

/** A catalogue, or why it could not be read. */
export type CatalogueRead<C> = { catalogue: C } | { unavailable: string };

export class CatalogueCache<C> {
  /** How many catalogue reads were started (one per account and region). */
  reads = 0;
  private readonly entries = new Map<string, Promise<CatalogueRead<C>>>();

  constructor(private readonly timeoutMs: number = DEFAULT_CATALOGUE_TIMEOUT_MS) {}

  /** The catalogue under `key` (endpoint and project): read by `load` within the timeout the first time. */
  read(key: string, load: (deadline: Deadline) => Promise<C>, now: () => number): Promise<CatalogueRead<C>> {
    let entry = this.entries.get(key);
    if (!entry) {
      this.reads++;
      entry = load(deadlineIn(this.timeoutMs, now)).then(
        (catalogue) => ({ catalogue }),
        (error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          return { unavailable: text.split("\n")[0] ?? text };
        },
      );
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/** The progress note of a skipped catalogue check. */
export function catalogueSkipped(unavailable: string, what: string): string {
  return `catalogue check skipped (${what} are checked at create): ${unavailable}`;
}
