/**
 * The one place that says, in each API version's words, how a user finds valid flavours and engines
 * and what bounds a node count: the error factory's explanations of ModelArts.2780/2781/2793 and
 * `check`'s catalogue failures both take their hints from here.
 */

/** The API version whose words a message uses. */
export type ApiVersion = "v1" | "v2";

export interface CatalogueHints {
  /** What a flavour is called and how to list the valid ones. */
  flavour: string;
  /** What an engine is called and how to list the valid ones. */
  engine: string;
  /** The rule a node count breaks when it is above the flavour's maximum. */
  nodeCount: string;
}

export const CATALOGUE_HINTS: Readonly<Record<ApiVersion, CatalogueHints>> = {
  v1: {
    flavour: "list the flavours (GET /job/resource-specs) and use one of their spec_id values",
    engine: "list the engines (GET /job/ai-engines) and use one of their engine_id values",
    nodeCount: "worker_server_num is above the flavour's max_num; lower it or pick a larger flavour",
  },
  v2: {
    flavour: "list the flavours with v2.getFlavors() (GET /v2/{project_id}/training-job-flavors) and use one of their flavor_id values",
    engine:
      "list the engines with v2.getEngines() (GET /v2/{project_id}/training-job-engines) and use one engineName with its engineVersion, or an engineId",
    nodeCount:
      "spec.resource.nodeCount is above the flavour's maximum node count (max_num in v2.getFlavors()); lower it or pick a flavour that allows more nodes",
  },
};

/** The hints in the words of `version` (v1 when unknown: the v1 client predates the field). */
export function catalogueHints(version: ApiVersion | undefined): CatalogueHints {
  return CATALOGUE_HINTS[version ?? "v1"];
}
