/**
 * `check`'s catalogue rules for v2 jobs: the flavour, the engine (id, or name with version) and the
 * node count against the region's catalogues (`GET /v2/{project_id}/training-job-flavors` and
 * `…/training-job-engines`), so that a preview already says what `up` would be refused for, with
 * the close matches. The catalogues are read once per provider process and account/region (both
 * calls together, counted in `reads`); a read that fails or runs out of time skips the rules with a
 * note and never fails the preview.
 */
import { CatalogueCache, type CatalogueRead } from "../../shared/resource/catalogue-cache";
import { CATALOGUE_HINTS } from "../../shared/api/catalogue-hints";
import { containsUnknown, isSet, type CheckFailure } from "../../shared/resource/check";
import { didYouMean } from "../../shared/resource/close-matches";
import type { EngineSpec, FlavorSpec, ModelArtsV2Api } from "../api/types";

export interface V2Catalogue {
  flavors: readonly FlavorSpec[];
  engines: readonly EngineSpec[];
}

/** The v2 catalogues of each account and region. */
export class V2CatalogueCache extends CatalogueCache<V2Catalogue> {
  /** The catalogue of the client's endpoint and project (one flavour and one engine call the first time). */
  of(client: ModelArtsV2Api, now: () => number): Promise<CatalogueRead<V2Catalogue>> {
    return this.read(
      JSON.stringify(["v2", client.endpoint, client.projectId]),
      async (deadline) => {
        const [flavors, engines] = await Promise.all([client.listFlavors({}, { deadline }), client.listEngines({ deadline })]);
        return { flavors, engines };
      },
      now,
    );
  }
}

const shared = new V2CatalogueCache();

/** The process-wide cache: one read per account and region for the provider process's lifetime. */
export function processCatalogues(): V2CatalogueCache {
  return shared;
}

type Bag = Record<string, unknown>;
const bag = (v: unknown): Bag | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Bag) : undefined);
const known = (v: unknown): v is string => typeof v === "string" && v !== "" && !containsUnknown(v);

/** True when the inputs name a public flavour or a preset engine: only then is the catalogue worth a read. */
export function namesCatalogueEntries(inputs: Bag): boolean {
  const resource = bag(bag(inputs["spec"])?.["resource"]);
  const engine = bag(bag(inputs["algorithm"])?.["engine"]);
  const flavour = resource !== undefined && !isSet(resource, "poolId") && known(resource["flavorId"]);
  const preset = engine !== undefined && (known(engine["engineId"]) || (known(engine["engineName"]) && known(engine["engineVersion"])));
  return flavour || preset;
}

/** The failures of the declared flavour, node count and engine against a catalogue. */
export function checkAgainstCatalogue(inputs: Bag, catalogue: V2Catalogue): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const hints = CATALOGUE_HINTS.v2;

  const resource = bag(bag(inputs["spec"])?.["resource"]);
  if (resource && !isSet(resource, "poolId") && known(resource["flavorId"])) {
    const id = resource["flavorId"];
    const flavor = catalogue.flavors.find((f) => f.flavorId === id);
    if (!flavor) {
      const near = didYouMean(
        id,
        catalogue.flavors.map((f) => f.flavorId),
      );
      fail("spec.resource.flavorId", `"${id}" is not a flavour of this region;${near} ${hints.flavour}`);
    } else {
      const count = resource["nodeCount"];
      if (typeof count === "number" && flavor.maxNum > 0 && count > flavor.maxNum)
        fail("spec.resource.nodeCount", `must be at most ${flavor.maxNum} with flavour "${id}", got ${count}: ${hints.nodeCount}`);
    }
  }

  const engine = bag(bag(inputs["algorithm"])?.["engine"]);
  if (engine) {
    const id = engine["engineId"];
    const name = engine["engineName"];
    const version = engine["engineVersion"];
    if (known(id) && !catalogue.engines.some((e) => e.engineId === id)) {
      const near = didYouMean(
        id,
        catalogue.engines.map((e) => e.engineId),
      );
      fail("algorithm.engine.engineId", `"${id}" is not an engine of this region;${near} ${hints.engine}`);
    } else if (known(name) && known(version)) {
      const named = catalogue.engines.filter((e) => e.engineName === name);
      if (named.length === 0) {
        const near = didYouMean(
          name,
          catalogue.engines.map((e) => e.engineName),
        );
        fail("algorithm.engine.engineName", `"${name}" is not an engine of this region;${near} ${hints.engine}`);
      } else if (!named.some((e) => e.engineVersion === version)) {
        const versions = named.map((e) => e.engineVersion);
        const near = didYouMean(version, versions);
        fail(
          "algorithm.engine.engineVersion",
          `"${version}" is not a version of engine "${name}" in this region;${near || ` its versions: ${versions.map((v) => `"${v}"`).join(", ")}.`} ${hints.engine}`,
        );
      }
    }
  }
  return failures;
}
