/** The demo's command line: which API version to walk through, and in which language. */
/** The API version a demo walkthrough shows. */
export type Api = "v1" | "v2";

/** The language of the program a demo walkthrough runs. */
export type Lang = "typescript" | "python" | "go" | "yaml";

const LANGS: readonly Lang[] = ["typescript", "python", "go", "yaml"];

/** What the demo was asked for. */
export interface DemoArgs {
  api: Api;
  lang: Lang;
}

/** Raised for a command line the demo does not take; the message names what it takes. */
export class DemoArgsError extends Error {
  override readonly name = "DemoArgsError";
}

/**
 * The API version and language, from `--api v2` / `--api=v2` and `--lang python` / `--lang=python`.
 * Through `npm start -- --api v2` npm keeps the flag for itself (`npm_config_api`, "true" when the
 * value came separately) and hands the script only the value, so a lone `v1`/`v2` or language
 * argument and those variables count too. The Python, Go and YAML programs are v2 jobs: with a language
 * other than TypeScript the API is v2, and `--api v1` is refused.
 */
export function demoArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoArgs {
  const apis: string[] = [];
  const langs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--api") apis.push(argv[++i] ?? "");
    else if (arg.startsWith("--api=")) apis.push(arg.slice("--api=".length));
    else if (arg === "--lang") langs.push(argv[++i] ?? "");
    else if (arg.startsWith("--lang=")) langs.push(arg.slice("--lang=".length));
    else if (arg === "v1" || arg === "v2") apis.push(arg);
    else if ((LANGS as readonly string[]).includes(arg)) langs.push(arg);
    else
      throw new DemoArgsError(
        `unknown argument ${JSON.stringify(arg)}: the demo takes --api v1 or --api v2, and --lang ${LANGS.join("|")}`,
      );
  }
  if (apis.length === 0 && env.npm_config_api !== undefined && env.npm_config_api !== "true") apis.push(env.npm_config_api);
  if (langs.length === 0 && env.npm_config_lang !== undefined && env.npm_config_lang !== "true") langs.push(env.npm_config_lang);
  const lang = langs.at(-1) ?? "typescript";
  if (!(LANGS as readonly string[]).includes(lang)) {
    throw new DemoArgsError(`--lang must be one of ${LANGS.join(", ")}, got ${JSON.stringify(lang)}`);
  }
  const api = apis.at(-1) ?? "v2";
  if (api !== "v1" && api !== "v2") throw new DemoArgsError(`--api must be v1 or v2, got ${JSON.stringify(api)}`);
  if (api === "v1" && lang !== "typescript") {
    throw new DemoArgsError(`--lang ${lang} walks through a v2 job (examples/${lang}-v2): leave out --api v1`);
  }
  return { api, lang: lang as Lang };
}

/** The API version to show (see demoArgs). */
export function apiOf(argv: readonly string[], env: NodeJS.ProcessEnv): Api {
  return demoArgs(argv, env).api;
}
