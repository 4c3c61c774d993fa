/**
 * Progress lines from inside the dynamic-provider process, shown by the Pulumi CLI as info
 * diagnostics. The provider host does not connect the SDK's logger to the engine, so this does it
 * once, from the engine address the host was started with.
 */
let connected: boolean | undefined;

function connect(): boolean {
  if (connected !== undefined) return connected;
  connected = false;
  try {
    const settings = require("@pulumi/pulumi/runtime/settings");
    const engineAddr = process.argv[2];
    if (!settings.hasEngine?.() && engineAddr && /^[\w.-]+:\d+$/.test(engineAddr)) {
      const opts = settings.options?.() ?? {};
      settings.resetOptions(opts.project ?? "", opts.stack ?? "", -1, engineAddr, "", false, "");
    }
    connected = true;
  } catch {
    connected = false;
  }
  return connected;
}

/** Reports a line of progress; falls back to stderr outside the engine. */
export function reportProgress(line: string): void {
  if (process.env["PULUMI_MODELARTS_PROGRESS"] === "stderr" || !connect()) {
    process.stderr.write(`modelarts: ${line}\n`);
    return;
  }
  const log = require("@pulumi/pulumi/log");
  void Promise.resolve(log.info(line)).catch(() => undefined);
}
