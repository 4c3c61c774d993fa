/**
 * The emulator's own dependency, checked at its entry points. fastify serves the emulator's HTTP
 * API and nothing else: the resource never loads it, so the package declares it as an optional
 * peer dependency, and users who run the emulator install it next to the package.
 */

const FASTIFY_MAJOR = 5;
const FASTIFY_MIN_MINOR = 6;

/** The fastify versions the emulator works with: the optional peer dependency's range. */
export const FASTIFY_RANGE = `^${FASTIFY_MAJOR}.${FASTIFY_MIN_MINOR}.0`;

/** The command that installs what the emulator needs into the user's project. */
export const INSTALL_COMMAND = `npm install --save-dev fastify@${FASTIFY_RANGE}`;

/** The emulator was started where fastify is missing or of another major version. */
export class EmulatorDependencyError extends Error {
  override readonly name = "EmulatorDependencyError";
  /** The command that fixes it. */
  readonly installCommand = INSTALL_COMMAND;
}

/** Loads a module's package.json by module name, as `require` does from this folder. */
export type PackageLoader = (id: string) => { version?: unknown };

const loadFromHere: PackageLoader = (id) => require(id);

/**
 * Why the emulator cannot run here, or `undefined` when fastify 5 is resolvable from the emulator's
 * folder (the user's `node_modules` when the package is installed).
 */
export function missingEmulatorDependency(load: PackageLoader = loadFromHere): string | undefined {
  let version: unknown;
  try {
    version = load("fastify/package.json").version;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    return `the ModelArts emulator needs fastify ${FASTIFY_RANGE}, an optional peer dependency of pulumi-modelarts (the TrainingJob resource does not need it); install it with: ${INSTALL_COMMAND}`;
  }
  const [major, minor] = String(version).split(".").map(Number);
  if (major !== FASTIFY_MAJOR || !(minor! >= FASTIFY_MIN_MINOR)) {
    return `the ModelArts emulator needs fastify ${FASTIFY_RANGE}, found fastify ${String(version)}; install a fitting one with: ${INSTALL_COMMAND}`;
  }
  return undefined;
}

/** Throws {@link EmulatorDependencyError} unless the emulator's dependency is installed. */
export function assertEmulatorDependency(load?: PackageLoader): void {
  const missing = missingEmulatorDependency(load);
  if (missing !== undefined) throw new EmulatorDependencyError(missing);
}
