import { strict as assert } from "node:assert";
import { DEFAULT_PACES, scansWithin } from "../../../provider/shared/resource/poller";
import { checkAndCreate, emulatedProvider, jobInputs, type EmulatedProvider } from "./emulated";

describe("v2 waits on a shared, paced account (emulator, emulated time)", () => {
  let h: EmulatedProvider;
  beforeEach(async () => {
    h = await emulatedProvider({ emulator: { deleteDelayMs: 20_000 } });
  });
  afterEach(async () => h.emu.close());

  it("a 429 pauses the waits of every workspace of the account until Retry-After has passed, and their rows say so", async () => {
    const a = await checkAndCreate(h, jobInputs({ jobName: "paced-a", waitFor: "completed" }));
    const b = await checkAndCreate(h, jobInputs({ jobName: "paced-b", waitFor: "completed", workspaceId: "b".repeat(32) }));
    // The removal waits are on; the next search (of either workspace) is throttled for 8 s.
    await h.emu.control.addFaultScript({
      method: "POST",
      pathRegex: "training-job-searches",
      steps: ["none", "none", "none", "none", "none", "none", { kind: "429", retryAfterSeconds: 8 }],
    });
    h.emu.control.clearRequests();
    await Promise.all([h.provider.delete(a.id, a.outs), h.provider.delete(b.id, b.outs)]);

    const log = h.emu.control.requests();
    const throttled = log.find((r) => r.status === 429);
    assert.ok(throttled, "the 429 was sent");
    const inside = log.filter((r) => r.emulatorTime > throttled.emulatorTime && r.emulatorTime < throttled.emulatorTime + 8_000);
    assert.deepEqual(inside, [], "no request of the account inside the Retry-After");
    const rows = h.progress.filter((l) => /throttled by the service; next look in 8 s/.test(l));
    assert.ok(rows.some((l) => l.includes("paced-a")) && rows.some((l) => l.includes("paced-b")), rows.join("\n"));
    assert.equal(h.emu.control.v2Job(a.id), undefined);
    assert.equal(h.emu.control.v2Job(b.id), undefined);
  });

  it("looks once a tick while the job is listed, and confirms its absence with one GET", async () => {
    const a = await checkAndCreate(h, jobInputs({ jobName: "one-call", waitFor: "completed" }));
    h.emu.control.clearRequests();
    await h.provider.delete(a.id, a.outs);
    const log = h.emu.control.requests().map((r) => `${r.method} ${r.path.split("?")[0]!.replace(/^\/v2\/\w+/, "")}`);
    const searches = log.filter((l) => l.endsWith("/training-job-searches")).length;
    const gets = log.filter((l) => l.startsWith("GET ")).length;
    // The look-up (one GET), the DELETE, then one search a tick while the job is listed (its first page
    // shows it: no empty page to prove the end), one complete search that no longer lists it, one GET.
    assert.ok(searches <= scansWithin(20_000, DEFAULT_PACES.near) + 2, `${searches} searches: ${log.join(", ")}`);
    assert.ok(gets <= 2, `${gets} GETs: ${log.join(", ")}`);
  });
});
