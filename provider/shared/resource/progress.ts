/**
 * Progress lines from inside the dynamic-provider process, on the row of the TrainingJob they are
 * about. The dynamic-provider host neither connects the SDK's logger to the engine nor tells the
 * provider which resource a call is for, so this module connects the logger once (from the engine
 * address the host was started with) and learns the resource's URN from the hidden `progressUrn`
 * input that every TrainingJob sends. Each engine call runs in its own operation context
 * ({@link withOperation}), so concurrent operations of many jobs each speak on their own row.
 *
 * Status lines are info diagnostics (listed under the job at the end of the run); heartbeats are
 * ephemeral (the row's status text in the CLI, not repeated in the summary). Without a URN (a state
 * written by a version without `progressUrn`, or `TrainingJob.get`), lines go to the Stack row.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { redact } from "../api/errors";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat";

/** The input that carries the resource's own URN to the provider; `diff` ignores it. */
export const PROGRESS_URN_KEY = "progressUrn";

/** Where lines go: the engine's log (`urn` empty for the Stack row), or stderr outside the engine. */
export type ProgressSink = (line: string, urn: string, ephemeral: boolean) => void;

interface Operation {
  urn: string;
  heartbeat?: Heartbeat;
}

const operations = new AsyncLocalStorage<Operation>();
/** The engine calls that are waiting on the service now (those with a heartbeat). */
const waiting = new Set<Operation>();

let connected: boolean | undefined;

/** The engine's address: the last `host:port` argument (log flags such as `-v=9` may come first). */
function engineAddress(): string | undefined {
  return [...process.argv.slice(2)].reverse().find((arg) => /^[\w.-]+:\d+$/.test(arg));
}

function connect(): boolean {
  if (connected !== undefined) return connected;
  connected = false;
  try {
    const settings = require("@pulumi/pulumi/runtime/settings");
    const engineAddr = engineAddress();
    if (!settings.hasEngine?.() && engineAddr) {
      const opts = settings.options?.() ?? {};
      settings.resetOptions(opts.project ?? "", opts.stack ?? "", -1, engineAddr, "", false, "");
    }
    // `getEngine` connects lazily (`hasEngine` stays false until it has).
    connected = settings.getEngine?.() !== undefined;
  } catch {
    connected = false;
  }
  return connected;
}

/** The default sink: the engine's log, as the SDK's `log` module sends it. */
const engineSink: ProgressSink = (line, urn, ephemeral) => {
  if (process.env["PULUMI_MODELARTS_PROGRESS"] === "stderr" || !connect()) {
    process.stderr.write(`modelarts: ${line}\n`);
    return;
  }
  const log = require("@pulumi/pulumi/log");
  // `log` reads only `urn.promise()` of the resource it is given.
  const resource = urn ? { urn: { promise: () => Promise.resolve(urn) } } : undefined;
  void Promise.resolve(log.info(line, resource, undefined, ephemeral)).catch(() => undefined);
};

let sink: ProgressSink = engineSink;

/** Replaces where lines go (tests); returns the previous sink. */
export function setProgressSink(next: ProgressSink): ProgressSink {
  const previous = sink;
  sink = next;
  return previous;
}

/** How long a failing call waits for the engine to take its debug line. */
const DEBUG_ACK_MS = 2_000;

/**
 * Writes a debug-level text (shown with `pulumi ... --debug`) on the current operation's row, and
 * resolves once the engine has it, or after two seconds, or at once outside the engine: a failing
 * call awaits it so that the engine, which stops listening soon after a failure, receives it first.
 */
export function reportDebug(raw: string): Promise<void> {
  // Lines quote the service (job names, task messages): masked like error messages.
  const text = redact(raw);
  if (process.env["PULUMI_MODELARTS_PROGRESS"] === "stderr" || !connect()) return Promise.resolve();
  const urn = operations.getStore()?.urn;
  const log = require("@pulumi/pulumi/log");
  const resource = urn ? { urn: { promise: () => Promise.resolve(urn) } } : undefined;
  const sent = Promise.resolve(log.debug(text, resource)).catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, DEBUG_ACK_MS)));
  return Promise.race([sent, bound]).finally(() => clearTimeout(timer));
}

/**
 * Runs one engine call in an operation context: its progress lines go to `urn`'s row, and with
 * `heartbeat` set a heartbeat repeats the last line while the call is silent. The heartbeat starts
 * and stops with the call, whatever the call's outcome.
 */
export async function withOperation<T>(
  urn: unknown,
  run: () => Promise<T>,
  options: { heartbeat?: boolean | HeartbeatOptions } = {},
): Promise<T> {
  const op: Operation = { urn: typeof urn === "string" && urn.startsWith("urn:pulumi:") ? urn : "" };
  if (options.heartbeat) {
    op.heartbeat = new Heartbeat((line) => sink(line, op.urn, true), options.heartbeat === true ? {} : options.heartbeat);
  }
  if (op.heartbeat) waiting.add(op);
  try {
    return await operations.run(op, run);
  } finally {
    waiting.delete(op);
    op.heartbeat?.stop();
  }
}

/** Reports `line` on the row of every engine call that is waiting on the service now; returns how many. */
export function reportOnWaitingRows(line: string): number {
  for (const op of waiting) {
    sink(line, op.urn, false);
    op.heartbeat?.note(line);
  }
  return waiting.size;
}

/** Reports a status line on the current operation's row (the Stack row outside one). */
export function reportProgress(raw: string): void {
  const line = redact(raw);
  const op = operations.getStore();
  sink(line, op?.urn ?? "", false);
  op?.heartbeat?.note(line);
}
