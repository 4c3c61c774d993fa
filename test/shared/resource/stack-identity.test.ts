import { strict as assert } from "node:assert";
import { dispatch } from "../../../provider/runtime";
import { makeStub } from "../../../provider/shared/resource/stub";
import { StackIdentityProviderImpl } from "../../../provider/shared/resource/stack-identity";

type Created = { id: string; outs: { seed: string } };

describe("the stack identity's provider", () => {
  it("creates 128 random bits as 32 lower-case hex characters, a new value for every stack", async () => {
    const provider = new StackIdentityProviderImpl();
    const seeds = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { outs } = (await provider.create()) as Created;
      assert.match(outs.seed, /^[0-9a-f]{32}$/);
      seeds.add(outs.seed);
    }
    assert.equal(seeds.size, 50);
  });

  it("never changes the value once made: no diff, a refresh and an update keep it, and delete touches nothing", async () => {
    const provider = new StackIdentityProviderImpl();
    const { id, outs } = (await provider.create()) as Created;
    assert.deepEqual(await provider.diff(), { changes: false });
    assert.deepEqual(await provider.read(id, { ...outs }), { id, props: outs });
    assert.deepEqual(await provider.update(id, { ...outs }), { outs });
    await provider.delete();
  });

  it("is what the runtime serves for a stub marked identity, whatever the stack's configuration", async () => {
    const stub = makeStub("pulumi-modelarts/runtime", "/nowhere", "test", "identity");
    await dispatch(stub, "configure", [{ config: { get: () => undefined } }]);
    const checked = (await dispatch(stub, "check", [{}, { __provider: "serialized" }])) as { inputs: object; failures: unknown[] };
    assert.deepEqual(checked, { inputs: {}, failures: [] });
    const created = (await dispatch(stub, "create", [{}])) as Created;
    assert.match(created.outs.seed, /^[0-9a-f]{32}$/);
  });
});
