/**
 * How a failed engine call reaches the user. The dynamic-provider host sends `error.message` to the
 * engine, which prints it once as the resource's `error:` line. For `check`, `diff`, `read` and
 * `delete` the host also writes `${error}: ${error.stack}` to its stderr, which the engine shows on
 * the Stack row: the message a second time and a dozen stack frames pointing at `.ts` sources the
 * package does not ship. For the errors the user can act on (the package's typed errors and the
 * partial-state error), this module replaces that echo by a debug-level line, so the message prints
 * once and the frames remain available with `pulumi ... --debug`. Errors the user cannot act on
 * (bugs) keep the host's echo, frames included, for the bug report.
 */
import { ModelArtsError } from "../api/errors";
import { reportDebug } from "./progress";

/** Host methods that echo a failure to stderr before answering the engine. */
const ECHOING = new Set(["check", "diff", "read", "delete"]);

/** The echo texts that the filter drops once each (the host writes each right after the rejection). */
const pendingEchoes = new Set<string>();
let filterInstalled = false;

/** True for errors whose message tells the user what to do: no stack frame helps them. */
export function isActionable(error: unknown): error is Error {
  if (ModelArtsError.isInstance(error)) return true;
  // provider.ts's PartialStateError, branded by shape so that it holds across two package copies.
  return (
    error instanceof Error &&
    error.name === "PartialStateError" &&
    typeof (error as { id?: unknown }).id === "string" &&
    Array.isArray((error as { reasons?: unknown }).reasons)
  );
}

/**
 * Prepares a failure of `method` for the host, and returns it unchanged (its message and, for a
 * partial state, its id and properties are what the host sends to the engine). The frames go to
 * the debug log first; the host's echo of them, which would follow, is dropped.
 */
export async function shapeFailure(error: unknown, method: string): Promise<unknown> {
  if (!isActionable(error)) return error;
  if (ECHOING.has(method)) {
    installEchoFilter();
    // Exactly what the host writes; the filter recognises it by equality, so any other text passes.
    pendingEchoes.add(`${String(error)}: ${error.stack}`);
  }
  await reportDebug(error.stack ?? String(error));
  return error;
}

/**
 * Drops the host's echo of a shaped failure from stderr (its frames are in the debug log already).
 * It matches only a registered text, once, so every other line written to stderr is untouched.
 */
function installEchoFilter(): void {
  if (filterInstalled) return;
  filterInstalled = true;
  const original = console.error;
  console.error = function (this: Console, ...args: unknown[]): void {
    const [text] = args;
    if (args.length === 1 && typeof text === "string" && pendingEchoes.delete(text)) return;
    original.apply(this, args);
  };
}

/** For tests: how many shaped failures still await their echo. */
export function pendingEchoCount(): number {
  return pendingEchoes.size;
}
