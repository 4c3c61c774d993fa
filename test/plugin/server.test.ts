/**
 * The plugin's gRPC binding, driven by a real gRPC client (no engine): what the engine learns from
 * GetPluginInfo, GetSchema, CheckConfig and Configure, and how a partial state travels.
 */
import { strict as assert } from "node:assert";
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import { PartialStateError } from "../../provider/shared/resource/partial-state";
import { IDENTITY_KEY, PluginProvider } from "../../provider/plugin/provider";
import { grpcError, serve, unwrapSecrets } from "../../provider/plugin/server";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
const provproto = sdkRequire("@pulumi/pulumi/proto/provider_pb") as typeof provTypes;
const provrpc = sdkRequire("@pulumi/pulumi/proto/provider_grpc_pb") as {
  ResourceProviderClient: new (address: string, credentials: grpcTypes.ChannelCredentials) => grpcTypes.Client & Record<string, Unary>;
};
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const statusproto = sdkRequire("@pulumi/pulumi/proto/status_pb") as {
  Status: { deserializeBinary(b: Uint8Array): { getDetailsList(): Array<{ getTypeUrl(): string; getValue_asU8(): Uint8Array }> } };
};

/** A generated client's unary method. */
type Unary = (request: unknown, callback: (error: Error | null, response: unknown) => void) => void;

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };

describe("plugin gRPC binding", () => {
  let server: grpcTypes.Server;
  let client: grpcTypes.Client & Record<string, Unary>;
  let cancelled = 0;
  before(async () => {
    let port = "";
    server = await serve(new PluginProvider({ newIdentity: () => "fresh" }), {
      schema: () => '{"name":"modelarts"}',
      version: "9.8.7",
      onCancel: () => cancelled++,
      write: (line) => (port = line.trim()),
    });
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  after(() => {
    client.close();
    server.forceShutdown();
  });

  const call = <T>(method: string, request: unknown) =>
    new Promise<T>((resolve, reject) => client[method]!(request, (e, r) => (e ? reject(e) : resolve(r as T))));

  it("answers the plugin's version and schema", async () => {
    const info = await call<{ getVersion(): string }>(
      "getPluginInfo",
      new (sdkRequire("google-protobuf/google/protobuf/empty_pb").Empty)(),
    );
    assert.equal(info.getVersion(), "9.8.7");
    const request = new provproto.GetSchemaRequest();
    const schema = await call<provTypes.GetSchemaResponse>("getSchema", request);
    assert.equal(schema.getSchema(), '{"name":"modelarts"}');
  });

  it("CheckConfig keeps a secret marked and adds the identity; Configure asks the engine for no secrets", async () => {
    const check = new provproto.CheckRequest();
    check.setOlds(structproto.Struct.fromJavaScript({}));
    check.setNews(structproto.Struct.fromJavaScript({ secretKey: SECRET, region: "eu-de" }));
    const checked = await call<provTypes.CheckResponse>("checkConfig", check);
    assert.deepEqual(checked.getInputs()!.toJavaScript(), { secretKey: SECRET, region: "eu-de", [IDENTITY_KEY]: "fresh" });
    const configure = new provproto.ConfigureRequest();
    configure.setArgs(structproto.Struct.fromJavaScript({ region: "eu-de" }));
    const configured = await call<provTypes.ConfigureResponse>("configure", configure);
    assert.equal(configured.getAcceptsecrets(), false);
    assert.equal(configured.getSupportspreview(), false);
  });

  it("passes Cancel on", async () => {
    await call("cancel", new (sdkRequire("google-protobuf/google/protobuf/empty_pb").Empty)());
    assert.equal(cancelled, 1);
  });

  it("a partial state travels as ErrorResourceInitFailed with the job's id and properties", () => {
    const error = grpcError(new PartialStateError("created but not running", "job-1", { jobId: "job-1", phase: "Pending" }));
    const [bin] = error.metadata.get("grpc-status-details-bin") as Buffer[];
    const [detail] = statusproto.Status.deserializeBinary(bin!).getDetailsList();
    assert.equal(detail!.getTypeUrl(), "type.googleapis.com/pulumirpc.ErrorResourceInitFailed");
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail!.getValue_asU8());
    assert.equal(failed.getId(), "job-1");
    assert.deepEqual(failed.getProperties()!.toJavaScript(), { jobId: "job-1", phase: "Pending" });
  });

  it("unwraps the engine's secret marks at any depth", () => {
    assert.deepEqual(unwrapSecrets({ a: [SECRET, { b: SECRET }] }), { a: ["s3cr3t", { b: "s3cr3t" }] });
  });
});
