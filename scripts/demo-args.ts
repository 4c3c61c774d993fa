/** The demo's command line: which API version to walk through. */
/** The API version a demo walkthrough shows. */
export type Api = "v1" | "v2";

/**
 * The API version to show, from `--api v2` or `--api=v2`. Through `npm start -- --api v2` npm keeps
 * the flag for itself (`npm_config_api`, "true" when the value came separately) and hands the
 * script only the value, so a lone `v1`/`v2` argument and that variable count too.
 */
export function apiOf(argv: readonly string[], env: NodeJS.ProcessEnv): Api {
  const picked: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--api") picked.push(argv[++i] ?? "");
    else if (arg.startsWith("--api=")) picked.push(arg.slice("--api=".length));
    else if (arg === "v1" || arg === "v2") picked.push(arg);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}: the demo takes --api v1 or --api v2`);
  }
  const fromNpm = env.npm_config_api;
  if (picked.length === 0 && fromNpm !== undefined && fromNpm !== "true") picked.push(fromNpm);
  const api = picked.at(-1) ?? "v1";
  if (api !== "v1" && api !== "v2") throw new Error(`--api must be v1 or v2, got ${JSON.stringify(api)}`);
  return api;
}
