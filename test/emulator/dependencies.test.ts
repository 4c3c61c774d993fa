import { strict as assert } from "node:assert";
import {
  EmulatorDependencyError,
  FASTIFY_RANGE,
  INSTALL_COMMAND,
  assertEmulatorDependency,
  missingEmulatorDependency,
} from "../../emulator/dependencies";

function notFound(id: string): never {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
}

describe("emulator: its fastify dependency", () => {
  it("is found in the checkout, where fastify is a devDependency", () => {
    assert.equal(missingEmulatorDependency(), undefined);
    assert.doesNotThrow(() => assertEmulatorDependency());
  });

  it("missing, it fails with a typed error that names the install command", () => {
    assert.throws(
      () => assertEmulatorDependency(notFound),
      (e: unknown) =>
        e instanceof EmulatorDependencyError &&
        e.name === "EmulatorDependencyError" &&
        e.installCommand === INSTALL_COMMAND &&
        e.message.includes(`fastify ${FASTIFY_RANGE}`) &&
        e.message.endsWith(`install it with: ${INSTALL_COMMAND}`),
    );
  });

  it("of another major version or below the range, it fails naming the version found", () => {
    assert.match(
      missingEmulatorDependency(() => ({ version: "4.29.1" })) ?? "",
      /found fastify 4\.29\.1; install a fitting one with: npm install/,
    );
    assert.match(missingEmulatorDependency(() => ({ version: "5.5.0" })) ?? "", /found fastify 5\.5\.0/);
    assert.equal(
      missingEmulatorDependency(() => ({ version: "5.6.0" })),
      undefined,
    );
    assert.equal(
      missingEmulatorDependency(() => ({ version: "5.12.8" })),
      undefined,
    );
  });

  it("a failure other than a missing module is not mistaken for one", () => {
    const broken = () => {
      throw new SyntaxError("Unexpected token in JSON");
    };
    assert.throws(() => missingEmulatorDependency(broken), SyntaxError);
  });
});
