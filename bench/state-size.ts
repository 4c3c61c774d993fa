/**
 * Benchmark 3: state size. `pulumi up` of a stack with 1 training job, then with 11; the bytes of
 * `pulumi stack export` (exactly as the CLI prints it) per job, the size of one TrainingJob's entry,
 * and the size of the serialized provider (`__provider`) that the engine stores with each resource.
 */
import { benchEmulator } from "./lib/emulated";
import { trainingJobs } from "./lib/programs";
import { BenchPulumi, lastLines } from "./lib/pulumi";
import { printTable, type Verdict } from "./lib/report";

/** Target of the issue: serialized provider per resource. */
export const MAX_PROVIDER_BYTES = 4096;

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface StateSizeResult {
  exportBytes: { jobs: number; bytes: number }[];
  bytesPerJobIncrement: number;
  bytesPerJobAverage: number;
  resourceEntryBytes: number;
  providerBytes: number;
  providerCopiesPerResource: number;
  providerBytesPerResource: number;
  secretsInExport: boolean;
  verdicts: Verdict[];
}

const SMALL = 1;
const LARGE = 11;

export async function runStateSize(pulumi: BenchPulumi): Promise<StateSizeResult> {
  const { emu, credentials } = await benchEmulator({ jobDurationMs: 500 });
  let count = SMALL;
  const stack = await pulumi.stack(
    `state-${Date.now().toString(36)}`,
    trainingJobs(() => count),
    emu,
    credentials,
  );
  try {
    const exportBytes: { jobs: number; bytes: number }[] = [];
    let last = "";
    for (const n of [SMALL, LARGE]) {
      count = n;
      const up = await stack.up(16);
      if (!up.ok) throw new Error(`state-size: pulumi up of ${n} jobs failed: ${up.error ?? ""}`);
      last = await stack.exportText();
      exportBytes.push({ jobs: n, bytes: Buffer.byteLength(last) });
    }
    const resources = (JSON.parse(last) as { deployment: { resources: StateResource[] } }).deployment.resources;
    const jobs = resources.filter((r) => r.type.endsWith("modelarts:TrainingJob"));
    if (jobs.length !== LARGE) throw new Error(`state-size: expected ${LARGE} TrainingJobs in the export, found ${jobs.length}`);
    const job = jobs[0] as StateResource;
    // Size of one resource entry as the export prints it (2-space indentation, at depth 2).
    const entry = JSON.stringify(job, null, 4);
    const providers = [job.inputs?.["__provider"], job.outputs?.["__provider"]].filter((p): p is string => typeof p === "string");
    const providerBytes = Math.max(0, ...providers.map((p) => Buffer.byteLength(p)));
    const providerBytesPerResource = providers.reduce((a, p) => a + Buffer.byteLength(p), 0);
    const small = exportBytes[0] as { bytes: number };
    const large = exportBytes[1] as { bytes: number };
    const bytesPerJobIncrement = Math.round((large.bytes - small.bytes) / (LARGE - SMALL));
    const secretsInExport = last.includes(credentials.secretKey) || last.includes(credentials.accessKey);

    const verdicts: Verdict[] = [
      {
        figure: "serialized provider, one copy (as the SDK serializes it)",
        value: `${providerBytes} B`,
        target: `<= ${MAX_PROVIDER_BYTES} B`,
        met: providerBytes <= MAX_PROVIDER_BYTES,
      },
      {
        figure: `serialized provider stored per resource (${providers.length} copies: inputs and outputs)`,
        value: `${providerBytesPerResource} B`,
        target: `<= ${MAX_PROVIDER_BYTES} B`,
        met: providerBytesPerResource <= MAX_PROVIDER_BYTES,
      },
      { figure: "state per training job (export increment)", value: `${bytesPerJobIncrement} B`, target: "reported", met: true },
      { figure: "credentials in the export", value: secretsInExport ? "present" : "absent", target: "absent", met: !secretsInExport },
    ];
    printTable(
      "3. State size (bytes of `pulumi stack export`)",
      ["figure", "bytes", "target"],
      [
        [`whole export, ${SMALL} job`, small.bytes, ""],
        [`whole export, ${LARGE} jobs`, large.bytes, ""],
        ["per job (increment from 1 to 11 jobs)", bytesPerJobIncrement, "reported"],
        [`per job (whole export / ${LARGE})`, Math.round(large.bytes / LARGE), "reported"],
        ["one TrainingJob entry", Buffer.byteLength(entry), ""],
        ["serialized provider, one copy", providerBytes, `<= ${MAX_PROVIDER_BYTES}`],
        [
          `serialized provider per resource (${providers.length} copies: inputs, outputs)`,
          providerBytesPerResource,
          `<= ${MAX_PROVIDER_BYTES}`,
        ],
        ["configured credentials in the export", secretsInExport ? "PRESENT" : "absent", "absent"],
      ],
    );
    const result: StateSizeResult = {
      exportBytes,
      bytesPerJobIncrement,
      bytesPerJobAverage: Math.round(large.bytes / LARGE),
      resourceEntryBytes: Buffer.byteLength(entry),
      providerBytes,
      providerCopiesPerResource: providers.length,
      providerBytesPerResource,
      secretsInExport,
      verdicts,
    };
    return result;
  } finally {
    const down = await stack.destroy(16);
    if (!down.ok) process.stderr.write(`state-size: cleanup destroy failed: ${lastLines(down.error ?? "")}\n`);
    await stack.remove().catch(() => undefined);
    await emu.close();
  }
}
