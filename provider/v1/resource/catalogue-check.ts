/**
 * `check`'s catalogue rules for v1 jobs: `config.specId` or `config.flavor.code` (public pool),
 * `config.workerServerNum` (the flavour's `max_num`) and `config.engineId` against the region's
 * training catalogues (`GET /v1/{project_id}/job/resource-specs?job_type=train` and
 * `…/job/ai-engines?job_type=train`), read once per provider process and account/region; a read
 * that fails skips the rules with a note and never fails the preview.
 */
import { CATALOGUE_HINTS } from "../../shared/api/catalogue-hints";
import { CatalogueCache, type CatalogueRead } from "../../shared/resource/catalogue-cache";
import { containsUnknown, isSet, type CheckFailure } from "../../shared/resource/check";
import { didYouMean } from "../../shared/resource/close-matches";
import type { EngineSpec, ModelArtsApi, ResourceSpec } from "../api/types";

export interface V1Catalogue {
  specs: readonly ResourceSpec[];
  engines: readonly EngineSpec[];
}

/** The v1 training catalogues of each account and region. */
export class V1CatalogueCache extends CatalogueCache<V1Catalogue> {
  /** The catalogue of the client's endpoint and project (one spec and one engine call the first time). */
  of(client: ModelArtsApi, now: () => number): Promise<CatalogueRead<V1Catalogue>> {
    const endpoint = (client as { endpoint?: unknown }).endpoint;
    return this.read(
      JSON.stringify(["v1", typeof endpoint === "string" ? endpoint : "", client.projectId]),
      async (deadline) => {
        const [specs, engines] = await Promise.all([
          client.listResourceSpecs({ jobType: "train" }, { deadline }),
          client.listEngines({ jobType: "train" }, { deadline }),
        ]);
        return { specs, engines };
      },
      now,
    );
  }
}

const shared = new V1CatalogueCache();

/** The process-wide cache: one read per account and region for the provider process's lifetime. */
export function processV1Catalogues(): V1CatalogueCache {
  return shared;
}

type Bag = Record<string, unknown>;
const bag = (v: unknown): Bag | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Bag) : undefined);
const MAX_LISTED = 5;

/** `1 (modelarts.vm.cpu.2u), 2 (…)`: the first few valid values, for a number nothing resembles. */
function listed<T>(items: readonly T[], label: (item: T) => string): string {
  const shown = items.slice(0, MAX_LISTED).map(label);
  return shown.join(", ") + (items.length > MAX_LISTED ? ", …" : "");
}

/** True when the config names a public flavour or an engine: only then is the catalogue worth a read. */
export function namesV1CatalogueEntries(inputs: Bag): boolean {
  const config = bag(inputs["config"]);
  if (!config) return false;
  const code = bag(config["flavor"])?.["code"];
  const flavour =
    !isSet(config, "poolId") &&
    ((typeof config["specId"] === "number" && !containsUnknown(config["specId"])) ||
      (typeof code === "string" && code !== "" && !containsUnknown(code)));
  return flavour || (typeof config["engineId"] === "number" && !containsUnknown(config["engineId"]));
}

/** The failures of the declared flavour, node count and engine against a catalogue. */
export function checkAgainstV1Catalogue(inputs: Bag, catalogue: V1Catalogue): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const hints = CATALOGUE_HINTS.v1;
  const config = bag(inputs["config"]);
  if (!config) return failures;

  let spec: ResourceSpec | undefined;
  let specPath = "";
  if (!isSet(config, "poolId")) {
    const id = config["specId"];
    const code = bag(config["flavor"])?.["code"];
    if (typeof id === "number" && !containsUnknown(id)) {
      spec = catalogue.specs.find((s) => s.specId === id);
      specPath = "config.specId";
      if (!spec)
        fail(
          specPath,
          `${id} is not a training flavour of this region (valid: ${listed(catalogue.specs, (s) => `${s.specId} (${s.specCode})`)}); ${hints.flavour}`,
        );
    } else if (typeof code === "string" && code !== "" && !containsUnknown(code)) {
      spec = catalogue.specs.find((s) => s.specCode === code);
      specPath = "config.flavor.code";
      if (!spec) {
        const near = didYouMean(
          code,
          catalogue.specs.map((s) => s.specCode),
        );
        fail(specPath, `"${code}" is not a training flavour of this region;${near} ${hints.flavour}`);
      }
    }
  }
  const workers = config["workerServerNum"];
  if (spec && typeof workers === "number" && spec.maxNum > 0 && workers > spec.maxNum)
    fail(
      "config.workerServerNum",
      `must be at most ${spec.maxNum} with flavour ${spec.specCode} (${specPath}), got ${workers}: ${hints.nodeCount}`,
    );

  const engineId = config["engineId"];
  if (typeof engineId === "number" && !containsUnknown(engineId) && !catalogue.engines.some((e) => e.engineId === engineId))
    fail(
      "config.engineId",
      `${engineId} is not a training engine of this region (valid: ${listed(catalogue.engines, (e) => `${e.engineId} (${e.engineName} ${e.engineVersion})`)}); ${hints.engine}`,
    );
  return failures;
}
