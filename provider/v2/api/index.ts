/** The ModelArts v2 training-job API client: one import for its public surface. */
export { ModelArtsV2Client, createV2Client } from "./client";
export type { ClientOptions } from "../../shared/api/connection";
export { environmentsOf } from "./mapping";
export { scanAllSearchPages, MAX_SEARCH_PAGES } from "./search-scan";
export { MAX_SEARCH_LIMIT } from "./mapping";
export * from "../../shared/api/errors";
export * from "./types";
