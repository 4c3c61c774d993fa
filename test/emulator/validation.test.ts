import { strict as assert } from "node:assert";
import { createJob, jobBody, useEmulator, without } from "./helpers";

describe("emulator: create validation", () => {
  const { emu, call } = useEmulator();
  const base = jobBody("valid").config;

  async function rejects(body: unknown, code: string, field: RegExp, status = 400): Promise<void> {
    const res = await call()("POST", "/training-jobs", body);
    assert.equal(res.status, status, res.text);
    assert.equal(res.json.is_success, false);
    assert.equal(res.json.error_code, code, res.text);
    assert.match(res.json.error_message as string, field);
  }
  async function accepts(body: unknown): Promise<void> {
    const res = await call()("POST", "/training-jobs", body);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.is_success, true);
  }

  it("accepts the minimal valid body", async () => {
    await accepts(jobBody("valid"));
  });

  it("rejects a body that is not JSON with ModelArts.2787 and an empty body with ModelArts.4202", async () => {
    await rejects('{"job_name": "x",', "ModelArts.2787", /JSON/);
    await rejects("", "ModelArts.4202", /empty/);
  });

  it("checks job_name: required, 1 to 64 characters, letters, digits, _ and -", async () => {
    await rejects({ config: base }, "ModelArts.0101", /job_name/);
    await rejects(jobBody(""), "ModelArts.0101", /job_name/);
    await rejects(jobBody("x".repeat(65)), "ModelArts.0101", /job_name/);
    await rejects(jobBody("has space"), "ModelArts.0101", /job_name/);
    await rejects(jobBody("dot.name"), "ModelArts.0101", /job_name/);
    await accepts(jobBody("A_z-09".padEnd(64, "x")));
  });

  it("checks job_desc: at most 256 characters", async () => {
    await rejects({ ...jobBody("d"), job_desc: "d".repeat(257) }, "ModelArts.0101", /job_desc/);
    await accepts({ ...jobBody("d"), job_desc: "d".repeat(256) });
  });

  it("counts job_desc in UTF-16 units, as the service (Java) does, so 128 emoji fit and 129 do not", async () => {
    await accepts({ ...jobBody("emoji"), job_desc: "\u{1F600}".repeat(128) });
    await rejects(
      { ...jobBody("emoji-long"), job_desc: "\u{1F600}".repeat(129) },
      "ModelArts.0101",
      /job_desc: must be at most 256 characters, got 258/,
    );
  });

  it("requires config and worker_server_num of at least 1", async () => {
    await rejects({ job_name: "c" }, "ModelArts.0101", /config/);
    await rejects(jobBody("c", { worker_server_num: undefined }), "ModelArts.0101", /worker_server_num/);
    await rejects(jobBody("c", { worker_server_num: 0 }), "ModelArts.0101", /worker_server_num/);
    await rejects(jobBody("c", { worker_server_num: "many" }), "ModelArts.0101", /worker_server_num/);
  });

  it("coerces numeric strings for integer fields as the service's mapper does", async () => {
    await accepts(jobBody("coerced", { worker_server_num: "2", spec_id: "1", engine_id: "1" }));
  });

  describe("flavour", () => {
    it("wants exactly one of spec_id and pool_id", async () => {
      await rejects(jobBody("f", { pool_id: "pool9928813f" }), "ModelArts.0101", /spec_id.*pool_id/);
      await rejects({ ...jobBody("f"), config: without(base, "spec_id") }, "ModelArts.0101", /spec_id/);
      await accepts({ ...jobBody("pool-job"), config: { ...without(base, "spec_id"), pool_id: "pool9928813f" } });
    });

    it("answers ModelArts.2781 for an unknown spec and 404 ModelArts.2890 for an unknown pool", async () => {
      await rejects(jobBody("f", { spec_id: 999 }), "ModelArts.2781", /999/);
      await rejects({ ...jobBody("f"), config: { ...without(base, "spec_id"), pool_id: "pool-none" } }, "ModelArts.2890", /pool_id/, 404);
    });

    it("answers ModelArts.2793 when worker_server_num is above the flavour's max_num", async () => {
      await rejects(jobBody("f", { worker_server_num: 3 }), "ModelArts.2793", /worker_server_num/);
      await accepts(jobBody("two-nodes", { worker_server_num: 2 }));
    });

    it("refuses a flavour with no_resource true with ModelArts.3976", async () => {
      await rejects(jobBody("f", { spec_id: 5 }), "ModelArts.3976", /v100/);
    });
  });

  describe("code", () => {
    it("accepts model_id alone and rejects an unknown model_id", async () => {
      await accepts({ ...jobBody("algo"), config: { ...without(base, "app_url", "boot_file_url", "engine_id"), model_id: 1 } });
      await rejects(
        { ...jobBody("c"), config: { ...without(base, "app_url", "boot_file_url"), model_id: 77 } },
        "ModelArts.0101",
        /model_id/,
      );
    });

    it("rejects model_id next to app_url unless lenient", async () => {
      await rejects(jobBody("c", { model_id: 1 }), "ModelArts.0101", /model_id/);
      emu().control.setBehaviour({ lenient: true });
      await accepts(jobBody("sample-like", { model_id: 1, pool_id: "pool9928813f" }));
    });

    it("wants app_url and boot_file_url together, the boot file inside the code directory", async () => {
      await rejects({ ...jobBody("c"), config: without(base, "boot_file_url") }, "ModelArts.0101", /boot_file_url/);
      await rejects({ ...jobBody("c"), config: without(base, "app_url") }, "ModelArts.0101", /app_url/);
      await rejects(jobBody("c", { boot_file_url: "/other/train.py" }), "ModelArts.2758", /boot_file_url/);
      await rejects(jobBody("c", { boot_file_url: base.app_url }), "ModelArts.2758", /boot_file_url/);
    });

    it("answers ModelArts.2780 for an unknown engine", async () => {
      await rejects(jobBody("c", { engine_id: 4242 }), "ModelArts.2780", /engine_id/);
    });

    it("answers ModelArts.2791 for a path that is not an OBS path", async () => {
      await rejects(jobBody("c", { app_url: "bucket/app/", boot_file_url: "bucket/app/train.py" }), "ModelArts.2791", /app_url/);
      await rejects(jobBody("c", { train_url: "/bucket/out dir/" }), "ModelArts.2791", /train_url/);
    });
  });

  describe("data", () => {
    it("wants exactly one data source", async () => {
      await rejects({ ...jobBody("d"), config: without(base, "data_url") }, "ModelArts.0101", /data_url/);
      await rejects(jobBody("d", { dataset_id: "ds1", dataset_version_id: "v1" }), "ModelArts.0101", /mutually exclusive/);
      await rejects(jobBody("d", { data_source: [{ type: "obs", data_url: "/b/d/" }] }), "ModelArts.0101", /data_source/);
    });

    it("wants dataset_id and dataset_version_id together", async () => {
      const noUrl = without(base, "data_url");
      await rejects({ ...jobBody("d"), config: { ...noUrl, dataset_id: "ds1" } }, "ModelArts.0101", /dataset_version_id/);
      await rejects({ ...jobBody("d"), config: { ...noUrl, dataset_version_id: "v1" } }, "ModelArts.0101", /dataset_id/);
      await accepts({ ...jobBody("dataset-job"), config: { ...noUrl, dataset_id: "ds1", dataset_version_id: "v1" } });
    });

    it("checks data_source items: either an OBS item or a dataset item with dataset_version", async () => {
      const noUrl = without(base, "data_url");
      const withSource = (items: unknown) => ({ ...jobBody("ds"), config: { ...noUrl, data_source: items } });
      await rejects(withSource([]), "ModelArts.0101", /data_source/);
      await rejects(withSource([{ type: "dataset", dataset_id: "d" }]), "ModelArts.0101", /data_source\[0\]\.dataset_version/);
      await rejects(withSource([{ dataset_id: "d", dataset_version: "v", data_url: "/b/" }]), "ModelArts.0101", /data_source\[0\]/);
      await rejects(withSource([{ type: "obs" }]), "ModelArts.0101", /data_source\[0\]\.data_url/);
      await accepts(
        withSource([
          { type: "obs", data_url: "/b/data/" },
          { type: "dataset", dataset_id: "d", dataset_version: "v" },
        ]),
      );
    });
  });

  describe("custom image", () => {
    it("answers ModelArts.2806 when user_image_url comes without user_command or the reverse", async () => {
      const image = { user_image_url: "swr.example/org/img:1.0" };
      await rejects(jobBody("i", image), "ModelArts.2806", /user_command/);
      await rejects(jobBody("i", { user_command: "bash run.sh" }), "ModelArts.2806", /user_image_url/);
      await rejects(jobBody("i", { ...image, user_command: " \t " }), "ModelArts.2806", /user_command/);
      await accepts({
        ...jobBody("image-job"),
        config: { ...without(base, "app_url", "boot_file_url", "engine_id"), ...image, user_command: "bash run.sh" },
      });
    });
  });

  describe("other fields", () => {
    it("checks parameter items and volumes", async () => {
      await rejects(jobBody("o", { parameter: [{ label: 7 }] }), "ModelArts.0101", /parameter\[0\]\.label/);
      await rejects(jobBody("o", { parameter: [{ value: { x: 1 } }] }), "ModelArts.0101", /parameter\[0\]\.value/);
      await rejects(jobBody("o", { volumes: [{ host_path: { src_path: "/a", dest_path: "/b" } }] }), "ModelArts.0101", /host_path/);
      await rejects(jobBody("o", { volumes: [{ nfs: { id: "x", src_path: "1.2.3.4:/" } }] }), "ModelArts.0101", /dest_path/);
      await accepts(jobBody("nfs-job", { volumes: [{ nfs: { id: "sfs1", src_path: "192.168.8.150:/", dest_path: "/home/work/nas" } }] }));
    });
  });

  describe("order", () => {
    it("reports the name before the description, the flavour, the code and the data", async () => {
      await rejects(
        { job_name: "bad name", job_desc: "d".repeat(300), config: { worker_server_num: 9, spec_id: 999 } },
        "ModelArts.0101",
        /job_name/,
      );
      await rejects(
        { job_name: "ok", job_desc: "d".repeat(300), config: { worker_server_num: 9, spec_id: 999 } },
        "ModelArts.0101",
        /job_desc/,
      );
    });

    it("reports the flavour before the code, the code before the data, the data before the custom image", async () => {
      await rejects({ job_name: "o", config: { worker_server_num: 1, spec_id: 999, engine_id: 4242 } }, "ModelArts.2781", /spec_id/);
      await rejects(
        { job_name: "o", config: { worker_server_num: 1, spec_id: 1, engine_id: 4242, app_url: "/b/a/", boot_file_url: "/b/a/t.py" } },
        "ModelArts.2780",
        /engine_id/,
      );
      await rejects(
        { job_name: "o", config: { worker_server_num: 1, spec_id: 1, app_url: "/b/a/", user_command: "x" } },
        "ModelArts.0101",
        /boot_file_url/,
      );
      await rejects({ job_name: "o", config: { ...without(base, "data_url"), user_command: "x" } }, "ModelArts.0101", /data_url/);
    });

    it("checks name uniqueness after every other rule", async () => {
      await createJob(call(), "taken");
      await rejects(jobBody("taken", { spec_id: 999 }), "ModelArts.2781", /999/);
      await rejects(jobBody("taken"), "ModelArts.0103", /taken/);
    });
  });
});
