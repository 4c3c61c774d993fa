import { strict as assert } from "node:assert";
import { errorFromResponse, errorFromTransport, httpStatusText, isNameConflict } from "../../../provider/shared/api/error-factory";
import { AuthenticationError, ModelArtsApiError, ModelArtsTimeoutError, isNotFound } from "../../../provider/shared/api/errors";

const P = "0123456789abcdef0123456789abcdef";

describe("error factory", () => {
  it("names HTTP statuses as the reference's table does", () => {
    assert.equal(httpStatusText(400), "400 BadRequest");
    assert.equal(httpStatusText(429), "429 TooManyRequests");
    assert.equal(httpStatusText(504), "504 ServerTimeout");
    assert.equal(httpStatusText(599), "599");
  });

  it("maps a duplicate name (0103 or 2751) to an actionable message", () => {
    for (const code of ["ModelArts.0103", "ModelArts.2751"]) {
      const e = errorFromResponse(
        { httpStatus: 400, body: { is_success: false, error_code: code, error_message: "Job name:x is existed" }, requestId: "r-1" },
        { operation: 'create training job "x"', projectId: P, jobName: "x" },
      );
      assert.ok(e instanceof ModelArtsApiError && !(e instanceof AuthenticationError));
      assert.equal(
        e.message,
        `${code}: a training job named "x" already exists in project ${P}; choose another name or delete that job; service says: "Job name:x is existed" (HTTP 400 BadRequest, while trying to create training job "x", request id r-1)`,
      );
      assert.ok(isNameConflict(e));
    }
  });

  it("keys on (status, code): 401 and 403 are authentication errors, so are auth codes at 400", () => {
    const ctx = { operation: "list training jobs", projectId: P, auth: "aksk" as const };
    assert.ok(
      errorFromResponse({ httpStatus: 401, body: { error_code: "ModelArts.0208", error_msg: "check failed" } }, ctx) instanceof
        AuthenticationError,
    );
    assert.ok(errorFromResponse({ httpStatus: 403, body: undefined }, ctx) instanceof AuthenticationError);
    assert.ok(errorFromResponse({ httpStatus: 400, body: { error_code: "ModelArts.0210" } }, ctx) instanceof AuthenticationError);
    assert.ok(!(errorFromResponse({ httpStatus: 400, body: { error_code: "ModelArts.2775" } }, ctx) instanceof AuthenticationError));
  });

  it("tells token users that their token cannot be renewed", () => {
    const e = errorFromResponse(
      { httpStatus: 401, body: { error_code: "ModelArts.0202", error_message: "token expired" } },
      { operation: "list training jobs", auth: "token" },
    );
    assert.match(
      e.message,
      /^ModelArts\.0202: the token has expired; obtain a new project-scoped IAM token and set modelarts:token \(OS_AUTH_TOKEN\)/,
    );
  });

  it("reads the service message from error_message, error_msg or a Keystone error object", () => {
    const ctx = { operation: "x" };
    assert.equal(errorFromResponse({ httpStatus: 500, body: { error_msg: "alias" } }, ctx).serviceMessage, "alias");
    assert.equal(
      errorFromResponse(
        { httpStatus: 401, body: { error: { code: 401, message: "The username or password is wrong." } } },
        { ...ctx, iam: true },
      ).serviceMessage,
      "The username or password is wrong.",
    );
  });

  it("recognises not-found answers in the 400-2775 and 404 styles", () => {
    const ctx = { operation: "read version 1 of training job 9", jobId: "9", versionId: "1", projectId: P };
    assert.ok(isNotFound(errorFromResponse({ httpStatus: 400, body: { error_code: "ModelArts.2775" } }, ctx)));
    assert.ok(isNotFound(errorFromResponse({ httpStatus: 404, body: { error_code: "ModelArts.0015" } }, ctx)));
    assert.ok(!isNotFound(errorFromResponse({ httpStatus: 404, body: { error_code: "ModelArts.4204" } }, ctx)));
  });

  it("builds timeout and network errors with attempts and elapsed time", () => {
    const ctx = { operation: "delete training job 10" };
    const t = errorFromTransport({ kind: "timeout" }, ctx, { attempts: 3, elapsedMs: 1234, timeoutMs: 300, target: "https://h" });
    assert.ok(t instanceof ModelArtsTimeoutError);
    assert.equal(t.operation, "delete training job 10");
    assert.match(t.message, /within 300 ms per attempt \(3 attempts, 1234 ms in all\)/);
    const n = errorFromTransport({ kind: "network", code: "ECONNRESET" }, ctx, {
      attempts: 1,
      elapsedMs: 5,
      timeoutMs: 300,
      target: "https://h",
    });
    assert.ok(ModelArtsApiError.isInstance(n));
    assert.equal(n.httpStatus, 0);
    assert.match(n.message, /lost the connection to https:\/\/h \(ECONNRESET\) \(1 attempt, 5 ms in all\)/);
  });
});
