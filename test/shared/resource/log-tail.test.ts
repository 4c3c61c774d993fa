import { strict as assert } from "node:assert";
import { registerSecret } from "../../../provider/shared/api/errors";
import { formatLogTails, tailOf } from "../../../provider/shared/resource/log-tail";

describe("log tail of a failed job", () => {
  it("keeps the last lines, skipping blank ones", () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n") + "\n\n";
    assert.deepEqual(tailOf(text, 3, 4096), ["line 47", "line 48", "line 49"]);
  });

  it("cuts from the front to stay within the byte budget", () => {
    const text = ["a".repeat(3000), "b".repeat(3000), "c".repeat(100)].join("\n");
    assert.deepEqual(
      tailOf(text, 20, 4096).map((l) => l[0]),
      ["b", "c"],
    );
    assert.deepEqual(tailOf("x".repeat(5000), 20, 4096), [], "a single line above the budget is left out whole");
  });

  it("redacts registered secrets and credential-shaped text", () => {
    registerSecret("log-tail-secret-value-42");
    const lines = tailOf("connecting with log-tail-secret-value-42\npassword=hunter2hunter2\n", 20, 4096);
    assert.deepEqual(lines, ["connecting with ***", "password=***"]);
  });

  it("shares the byte budget across tasks and says why a log was unavailable", () => {
    const big = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(300, ".")).join("\n");
    const text = formatLogTails(
      [
        { task: "worker-0", text: big },
        { task: "worker-1", text: big },
        { task: "worker-2", unavailable: "HTTP 500" },
      ],
      { lines: 20, bytes: 4096, tasks: 3 },
    );
    assert.ok(Buffer.byteLength(text) < 4096 + 200, `bounded: ${Buffer.byteLength(text)} bytes`);
    assert.match(text, /^last 13 log lines of worker-0:\n/);
    assert.doesNotMatch(text, /of worker-1/, "the budget was spent on worker-0");
    assert.match(text, /\nlog of worker-2: unavailable \(HTTP 500\)$/);
    assert.equal(
      formatLogTails([{ task: "worker-0", unavailable: "ModelArts.2818: not generated" }]),
      "log of worker-0: unavailable (ModelArts.2818: not generated)",
    );
    assert.equal(formatLogTails([{ task: "worker-0", text: "\n\n" }]), "");
  });
});
