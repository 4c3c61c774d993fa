import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..", "..");
const INDEX = path.join(REPO, "dist", "provider", "index.js");

/**
 * Runs a program against the SDK's mocks in a child process (the mocks are global state), with the
 * compiled package loaded twice, as when a program and a library each bring their own copy.
 */
function runMocked(body: string): Record<string, unknown> {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    const registered = [];
    pulumi.runtime.setMocks({
      newResource: (args) => { registered.push({ name: args.name, id: args.id, inputs: args.inputs }); return { id: args.id || "1", state: args.inputs }; },
      call: () => ({}),
    }, "project", "stack", false);
    const first = require(${JSON.stringify(INDEX)});
    for (const key of Object.keys(require.cache)) if (key.startsWith(${JSON.stringify(path.join(REPO, "dist"))})) delete require.cache[key];
    const second = require(${JSON.stringify(INDEX)});
    const result = {};
    const resources = [];
    ${body}
    // Prints once the engine (the mocks) has answered for every resource.
    pulumi.all(resources.map((r) => r.urn)).apply(() => process.stdout.write(JSON.stringify({ ...result, registered })));
  `;
  const child = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

describe("the TrainingJob class", function () {
  this.timeout(60_000);

  it("recognises its instances with isInstance, even across two copies of the package, and nothing else", () => {
    const result = runMocked(`
      const job = new first.TrainingJob("declared", { jobName: "declared", config: { workerServerNum: 1 } });
      const read = first.TrainingJob.get("read", "123");
      const other = new pulumi.ComponentResource("modelarts:index:Other", "other");
      resources.push(job, read, other);
      result.twoCopies = first.TrainingJob !== second.TrainingJob;
      result.instanceOfOtherCopy = job instanceof second.TrainingJob;
      result.declared = second.TrainingJob.isInstance(job);
      result.read = second.TrainingJob.isInstance(read);
      result.others = [other, {}, null, undefined, "TrainingJob", { __pulumiType: "x" }].map((o) => first.TrainingJob.isInstance(o));
    `);
    assert.equal(result["twoCopies"], true);
    assert.equal(result["instanceOfOtherCopy"], false, "the test needs two distinct classes");
    assert.equal(result["declared"], true);
    assert.equal(result["read"], true);
    assert.deepEqual(result["others"], [false, false, false, false, false, false]);
  });

  it("get reads by id and sends only where to look, never a declared config", () => {
    const result = runMocked(`
      resources.push(first.TrainingJob.get("read", "4567", { profile: "eu", projectId: "fedcba9876543210fedcba9876543210" }));
    `);
    const registered = result["registered"] as Array<{ name: string; id?: string; inputs: Record<string, unknown> }>;
    assert.equal(registered.length, 1);
    assert.equal(registered[0]!.id, "4567");
    const keys = Object.keys(registered[0]!.inputs).sort();
    assert.deepEqual(keys, ["__provider", "profile", "projectId"]);
  });
});
