/**
 * The v2 behaviour switches: one per point the v2 reference leaves open (docs/api-v2.md, "What the
 * documentation leaves open"). They live in the emulator's one behaviour object beside the v1 switches,
 * so that options, the CLI's behaviour file and `PATCH /__emulator/behaviour` set them alike. Timing
 * is shared with v1: `jobDurationMs`, `killMs` (Terminating) and `deleteDelayMs`.
 */

export interface V2Behaviour {
  /** How GET answers an unknown or removed v2 job: HTTP 400 (the appendix) or 404, both with ModelArts.2775. @default "400-2775" */
  v2NotFoundStyle: "400-2775" | "404-2775";
  /** A new v2 job answers "not found" on GET for this long after its create (read-after-create lag). @default 0 */
  v2ReadVisibilityDelayMs: number;
  /** A new v2 job is missing from the search for this long after its create. @default 0 */
  v2ListVisibilityDelayMs: number;
  /** The search still shows a v2 job whose DELETE was accepted, until it is removed. @default true */
  v2ListIncludesDeleting: boolean;
  /** The phase a v2 job shows between DELETE and its removal: its own, or `Terminating`. @default "unchanged" */
  v2DeletingPhase: "unchanged" | "Terminating";
  /** A DELETE of a v2 job already being deleted: 202 again, or 400 ModelArts.2775. @default "202" */
  v2RepeatDelete: "202" | "not-found";
  /** DELETE of a v2 job in Creating, Pending or Running: accepted, refused (409 ModelArts.2796 or 2878), or terminated first. @default "allow" */
  v2DeleteRunning: "allow" | "reject-2796" | "reject-2878" | "terminate-first";
  /** Where a v2 job name must be unique (ModelArts.2751): per workspace, per project, or nowhere. @default "workspace" */
  v2NameScope: "workspace" | "project" | "none";
  /** A v2 job being deleted frees its name at once, or only when it is removed. @default "after-removal" */
  v2NameReuse: "immediate" | "after-removal";
  /** A description change of a v2 job in a final phase: allowed, or 409 ModelArts.2878. @default "allow" */
  v2DescriptionInFinalPhase: "allow" | "reject";
  /** The search's `count`: the number of matches overall, or the number of items on the page. @default "filtered-total" */
  v2CountSemantics: "filtered-total" | "page-size";
  /** Unknown top-level, metadata, algorithm or spec fields in a v2 create: ignored, or 400 ModelArts.2788. @default "ignore" */
  v2UnknownFields: "ignore" | "reject";
  /** The `kind` values a v2 create accepts: OTC's two, or the SDK's eight. @default "otc" */
  v2Kinds: "otc" | "sdk";
  /** A v2 create without `kind` is refused (the table says required) instead of defaulting to `job`. @default false */
  v2KindRequired: boolean;
}

export const DEFAULT_V2_BEHAVIOUR: Readonly<V2Behaviour> = Object.freeze({
  v2NotFoundStyle: "400-2775",
  v2ReadVisibilityDelayMs: 0,
  v2ListVisibilityDelayMs: 0,
  v2ListIncludesDeleting: true,
  v2DeletingPhase: "unchanged",
  v2RepeatDelete: "202",
  v2DeleteRunning: "allow",
  v2NameScope: "workspace",
  v2NameReuse: "after-removal",
  v2DescriptionInFinalPhase: "allow",
  v2CountSemantics: "filtered-total",
  v2UnknownFields: "ignore",
  v2Kinds: "otc",
  v2KindRequired: false,
});

export const V2_NUMBER_KEYS = ["v2ReadVisibilityDelayMs", "v2ListVisibilityDelayMs"] as const;
export const V2_BOOLEAN_KEYS = ["v2ListIncludesDeleting", "v2KindRequired"] as const;
type ChoiceKey = Exclude<keyof V2Behaviour, (typeof V2_NUMBER_KEYS)[number] | (typeof V2_BOOLEAN_KEYS)[number]>;
export const V2_CHOICES: { [K in ChoiceKey]: readonly V2Behaviour[K][] } = {
  v2NotFoundStyle: ["400-2775", "404-2775"],
  v2DeletingPhase: ["unchanged", "Terminating"],
  v2RepeatDelete: ["202", "not-found"],
  v2DeleteRunning: ["allow", "reject-2796", "reject-2878", "terminate-first"],
  v2NameScope: ["workspace", "project", "none"],
  v2NameReuse: ["immediate", "after-removal"],
  v2DescriptionInFinalPhase: ["allow", "reject"],
  v2CountSemantics: ["filtered-total", "page-size"],
  v2UnknownFields: ["ignore", "reject"],
  v2Kinds: ["otc", "sdk"],
};
