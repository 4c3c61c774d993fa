import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..", "..");
/** The seed the mocked engine gives the stack identity. */
const SEED = "00112233445566778899aabbccddeeff";
const INDEX = path.join(REPO, "dist", "provider", "index.js");

/** Runs a program against the SDK's mocks in a child process, with the compiled package loaded twice. */
function runMocked(body: string): Record<string, unknown> {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    const registered = [];
    pulumi.runtime.setMocks({
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, id: args.id, inputs: args.inputs });
        if (args.type.endsWith(":StackIdentity")) return { id: "identity", state: { seed: ${JSON.stringify(SEED)} } };
        return { id: args.id || "425b7087-83de-49ed-9e40-5bb642be956f", state: args.inputs };
      },
      call: () => ({}),
    }, "project", "stack", false);
    const first = require(${JSON.stringify(INDEX)});
    for (const key of Object.keys(require.cache)) if (key.startsWith(${JSON.stringify(path.join(REPO, "dist"))})) delete require.cache[key];
    const second = require(${JSON.stringify(INDEX)});
    const result = {};
    const resources = [];
    ${body}
    pulumi.all(resources.map((r) => r.urn)).apply(() => process.stdout.write(JSON.stringify({ ...result, registered })));
  `;
  const child = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

const ARGS = `{ jobName: "declared", algorithm: { id: "3f5d6706-7b67-408d-8ba0-ec08048c45ed" }, spec: { resource: { flavorId: "modelarts.vm.cpu.8u" } } }`;

describe("the v2.TrainingJob class", function () {
  this.timeout(60_000);

  it("is exported as v2.TrainingJob, with the type token of module modelarts/v2, apart from v1's", () => {
    const result = runMocked(`
      const job = new first.v2.TrainingJob("declared", ${ARGS});
      resources.push(job);
      result.distinct = first.v2.TrainingJob !== first.TrainingJob;
      result.v1SeesIt = first.TrainingJob.isInstance(job);
    `);
    const registered = result["registered"] as Array<{ type: string; inputs: Record<string, unknown> }>;
    assert.deepEqual(
      registered.map((r) => r.type),
      ["pulumi-nodejs:dynamic/modelarts:StackIdentity", "pulumi-nodejs:dynamic/modelarts/v2:TrainingJob"],
    );
    assert.equal(result["distinct"], true);
    assert.equal(result["v1SeesIt"], false);
    const inputs = registered[1]!.inputs;
    assert.equal(inputs["autonamePrefix"], "declared");
    assert.equal(inputs["autonameSeed"], SEED, "the autoname seed is the stack identity's");
    assert.equal(inputs["progressUrn"], "urn:pulumi:stack::project::pulumi-nodejs:dynamic/modelarts/v2:TrainingJob::declared");
    assert.match(String(inputs["__provider"]), /a: "v2"|"a":"v2"|a:"v2"/, "the serialized stub carries the API version");
  });

  it("recognises its instances with isInstance, even across two copies of the package, and nothing else", () => {
    const result = runMocked(`
      const job = new first.v2.TrainingJob("declared", ${ARGS});
      const read = first.v2.TrainingJob.get("read", "425b7087-83de-49ed-9e40-5bb642be956f");
      const v1 = new first.TrainingJob("old", { jobName: "old", config: { workerServerNum: 1 } });
      resources.push(job, read, v1);
      result.declared = second.v2.TrainingJob.isInstance(job);
      result.read = second.v2.TrainingJob.isInstance(read);
      result.others = [v1, {}, null, undefined, { __pulumiType: "x" }].map((o) => first.v2.TrainingJob.isInstance(o));
    `);
    assert.equal(result["declared"], true);
    assert.equal(result["read"], true);
    assert.deepEqual(result["others"], [false, false, false, false, false]);
  });

  it("declares one stack identity per program, whichever copy of the package and API version declares jobs, and every job's seed is its", () => {
    const result = runMocked(`
      resources.push(new first.v2.TrainingJob("a", ${ARGS}), new second.v2.TrainingJob("b", ${ARGS}));
      resources.push(new first.TrainingJob("c", { config: { workerServerNum: 1 } }), new second.TrainingJob("d", { config: { workerServerNum: 1 } }));
    `);
    const registered = result["registered"] as Array<{ type: string; name: string; inputs: Record<string, unknown> }>;
    const identities = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/modelarts:StackIdentity");
    assert.deepEqual(
      identities.map((r) => r.name),
      ["modelarts-stack-identity"],
    );
    const jobs = registered.filter((r) => r.type.endsWith(":TrainingJob"));
    assert.equal(jobs.length, 4);
    for (const job of jobs) assert.equal(job.inputs["autonameSeed"], SEED, `${job.name} is seeded by the identity`);
  });

  it("get reads by id and sends only where to look, never a declared algorithm or spec", () => {
    const result = runMocked(`
      resources.push(first.v2.TrainingJob.get("read", "425b7087-83de-49ed-9e40-5bb642be956f", { profile: "eu", workspaceId: "0" }));
    `);
    const registered = result["registered"] as Array<{ id?: string; inputs: Record<string, unknown> }>;
    assert.equal(registered.length, 1);
    assert.equal(registered[0]!.id, "425b7087-83de-49ed-9e40-5bb642be956f");
    assert.deepEqual(Object.keys(registered[0]!.inputs).sort(), ["__provider", "profile", "workspaceId"]);
    assert.equal(registered.length, 1, "a read declares no stack identity");
  });
});
