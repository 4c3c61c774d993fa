import { strict as assert } from "node:assert";
import type { RunningEmulator } from "../../../emulator/index";
import { ModelArtsApiError } from "../../../provider/shared/api/errors";
import type { JobConfig } from "../../../provider/v1/api/types";
import { validateInputs } from "../../../provider/v1/resource/validate";
import { akskClient, startTestEmulator } from "../../shared/api/helpers";

const GOOD: JobConfig = {
  workerServerNum: 1,
  specId: 1,
  engineId: 1,
  appUrl: "/bucket/app/",
  bootFileUrl: "/bucket/app/train.py",
  dataUrl: "/bucket/data/",
};

/** Configs the service refuses; `check` must refuse each at preview, naming the property. */
const REFUSED: Array<{ rule: string; property: string; wire: string; config: JobConfig; description?: string }> = [
  {
    rule: "a boot file equal to the code directory",
    property: "config.bootFileUrl",
    wire: "boot_file_url",
    config: { ...GOOD, bootFileUrl: "/bucket/app/" },
  },
  {
    rule: "a custom-image command of only whitespace",
    property: "config.userCommand",
    wire: "user_command",
    config: { ...GOOD, userImageUrl: "swr.example/org/img:1.0", userCommand: "  \t " },
  },
  {
    rule: "a host-path volume on a public pool",
    property: "config.volumes[0].hostPath",
    wire: "host_path",
    config: { ...GOOD, volumes: [{ hostPath: { srcPath: "/data", destPath: "/mnt/data" } }] },
  },
  { rule: "a built-in algorithm next to a code directory", property: "config.modelId", wire: "model_id", config: { ...GOOD, modelId: 1 } },
  {
    rule: "a description of 257 characters",
    property: "description",
    wire: "job_desc",
    config: GOOD,
    description: "d".repeat(257),
  },
  {
    rule: "a description of 200 emoji (400 UTF-16 units)",
    property: "description",
    wire: "job_desc",
    config: GOOD,
    description: "\u{1F600}".repeat(200),
  },
];

describe("check and the emulator agree on what the service refuses", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });

  for (const [i, c] of REFUSED.entries()) {
    it(`both refuse ${c.rule}`, async () => {
      const failures = validateInputs({
        jobName: `agree-${i}`,
        config: c.config,
        ...(c.description ? { description: c.description } : {}),
      });
      assert.ok(
        failures.some((f) => f.property === c.property),
        `check: ${JSON.stringify(failures)}`,
      );
      const error = await akskClient(emu)
        .createJob({ jobName: `agree-${i}`, ...(c.description ? { jobDesc: c.description } : {}), config: c.config })
        .catch((e: unknown) => e);
      assert.ok(ModelArtsApiError.isInstance(error) && error.httpStatus === 400, `emulator: ${String(error)}`);
      assert.match(error.message, new RegExp(c.wire), "the emulator names the same field");
    });
  }

  it("both accept the same config without the faults", async () => {
    assert.deepEqual(validateInputs({ jobName: "agree-ok", config: GOOD, description: "\u{1F600}".repeat(128) }), []);
    await akskClient(emu).createJob({ jobName: "agree-ok", jobDesc: "\u{1F600}".repeat(128), config: GOOD });
  });
});
