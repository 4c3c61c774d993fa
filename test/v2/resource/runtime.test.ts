import { strict as assert } from "node:assert";
import { dispatch } from "../../../provider/runtime";
import { makeStub } from "../../../provider/shared/resource/stub";

const CONFIG = {
  get: (key: string) =>
    ({
      "modelarts:endpoint": "http://127.0.0.1:1",
      "modelarts:projectId": "0123456789abcdef0123456789abcdef",
      "modelarts:accessKey": "AKRUNTIMETEST0000001",
      "modelarts:secretKey": "SK-runtime-test",
    })[key],
};

type Checked = { failures: Array<{ property: string }> };

describe("the runtime dispatches by the stub's API version", () => {
  it("serves a stub marked v2 with the v2 provider, and a stub without a mark (every state written before v2) with v1's", async () => {
    const v2 = makeStub("pulumi-modelarts/runtime", "/nowhere", "test", "v2");
    const v1 = makeStub("pulumi-modelarts/runtime", "/nowhere", "test");
    assert.equal((v2 as unknown as { a?: string }).a, "v2");
    assert.equal((v1 as unknown as { a?: string }).a, undefined);
    await dispatch(v2, "configure", [{ config: CONFIG }]);
    await dispatch(v1, "configure", [{ config: CONFIG }]);
    const inputs = { jobName: "x" };
    const fromV2 = (await dispatch(v2, "check", [{}, inputs])) as Checked;
    const fromV1 = (await dispatch(v1, "check", [{}, inputs])) as Checked;
    assert.deepEqual(
      fromV2.failures.map((f) => f.property),
      ["algorithm", "spec"],
    );
    assert.deepEqual(
      fromV1.failures.map((f) => f.property),
      ["config"],
    );
  });
});
