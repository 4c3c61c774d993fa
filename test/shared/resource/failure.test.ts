import { strict as assert } from "node:assert";
import { ConfigurationError, ModelArtsApiError } from "../../../provider/shared/api/errors";
import { isActionable, pendingEchoCount, shapeFailure } from "../../../provider/shared/resource/failure";
import { JobFailedError, PartialStateError } from "../../../provider/v1/resource/provider";
import { dispatch } from "../../../provider/runtime";

/** What the dynamic-provider host writes to stderr for a failed check, diff, read or delete. */
function hostEcho(e: Error): void {
  console.error(`${e}: ${e.stack}`);
}

/** Runs `body` and returns what reached stderr meanwhile. */
function stderrOf(body: () => void): string {
  const chunks: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    body();
  } finally {
    process.stderr.write = write;
  }
  return chunks.join("");
}

describe("failures the user can act on", () => {
  it("are the package's typed errors and the partial-state error, not bugs", () => {
    assert.equal(isActionable(new ConfigurationError("x")), true);
    assert.equal(isActionable(new JobFailedError("x")), true);
    assert.equal(isActionable(new ModelArtsApiError("x", { httpStatus: 400, operation: "op" })), true);
    assert.equal(isActionable(new PartialStateError("x", "1", {})), true);
    assert.equal(isActionable(new TypeError("x is undefined")), false);
    assert.equal(isActionable("a string"), false);
  });

  it("a failed check's host echo is dropped, so the message prints once, and other stderr lines pass", async () => {
    const error = new ConfigurationError("the project id is not set");
    assert.equal(await shapeFailure(error, "check"), error, "the error itself goes to the host, unchanged");
    const before = pendingEchoCount();
    const written = stderrOf(() => {
      hostEcho(error);
      console.error("an unrelated line");
      hostEcho(error);
    });
    assert.equal(pendingEchoCount(), before - 1);
    // Only the one echo that follows the rejection is dropped: a second identical text is not ours to hide.
    assert.equal(written, `an unrelated line\n${error}: ${error.stack}\n`);
  });

  it("a bug keeps the host's echo, frames included, for the bug report", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    await shapeFailure(bug, "delete");
    const written = stderrOf(() => hostEcho(bug));
    assert.match(written, /TypeError: cannot read properties of undefined: TypeError/);
    assert.match(written, /\n\s+at /);
  });

  it("create and update failures have no echo to drop: nothing waits for one", async () => {
    const before = pendingEchoCount();
    await shapeFailure(new PartialStateError("created but failed", "1", {}), "create");
    await shapeFailure(new JobFailedError("failed"), "update");
    assert.equal(pendingEchoCount(), before);
  });

  it("dispatch rejects a check without a project id with the ConfigurationError itself, and its echo is dropped", async () => {
    const stub = {};
    await dispatch(stub, "configure", [
      {
        config: {
          get: (k: string) => ({ "modelarts:region": "eu-de", "modelarts:accessKey": "AKX", "modelarts:secretKey": "SKsecret-x" })[k],
        },
      },
    ]);
    const error = await dispatch(stub, "check", [{}, { jobName: "j", config: { workerServerNum: 1 } }]).then(
      () => assert.fail("check should fail"),
      (e: Error) => e,
    );
    assert.equal(error.name, "ConfigurationError");
    assert.match(error.message, /modelarts:projectId/);
    const written = stderrOf(() => hostEcho(error));
    assert.equal(written, "");
  });
});
