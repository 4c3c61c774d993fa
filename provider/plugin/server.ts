/**
 * The `modelarts` plugin's gRPC binding: the engine's `ResourceProvider` service, each call
 * translated to and from plain values for `PluginProvider`. Unlike `@pulumi/pulumi/provider`'s
 * `main()`, it serves CheckConfig, DiffConfig and Configure (whose settings the provider needs) and
 * asks the engine for no secrets: the engine strips them from what it sends and marks again what
 * comes back from secret inputs.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import { ModelArtsError } from "../shared/api/errors";
import { isActionable } from "../shared/resource/failure";
import { reportDebug, withOperation } from "../shared/resource/progress";
import type { PluginProvider } from "./provider";

type Bag = Record<string, unknown>;

// The SDK's own copies: its generated service definitions are made with them.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const emptyproto = sdkRequire("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
const anyproto = sdkRequire("google-protobuf/google/protobuf/any_pb") as {
  Any: new () => { pack(bytes: Uint8Array, name: string): void };
};
const provproto = sdkRequire("@pulumi/pulumi/proto/provider_pb") as typeof provTypes;
const plugproto = sdkRequire("@pulumi/pulumi/proto/plugin_pb") as { PluginInfo: new () => { setVersion(v: string): void } };
const statusproto = sdkRequire("@pulumi/pulumi/proto/status_pb") as {
  Status: new () => { setCode(c: number): void; setMessage(m: string): void; addDetails(d: unknown): void; serializeBinary(): Uint8Array };
};
const provrpc = sdkRequire("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderService: grpcTypes.ServiceDefinition };

/** The engine's marks inside a struct (`@pulumi/pulumi/runtime/rpc`'s signature key and secret signature). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value without the engine's secret wrappers (the value inside each). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const bag = value as Bag;
    if (bag[SIG_KEY] === SECRET_SIG) return unwrapSecrets(bag["value"]);
    const out: Bag = {};
    for (const [k, v] of Object.entries(bag)) out[k] = unwrapSecrets(v);
    return out;
  }
  return value;
}

function plain(struct: structTypes.Struct | undefined): Bag {
  return struct ? (unwrapSecrets(struct.toJavaScript()) as Bag) : {};
}

function toStruct(value: Bag | undefined): structTypes.Struct {
  return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})) as Record<string, structTypes.JavaScriptValue>);
}

function failuresOf(failures: ReadonlyArray<{ property: string; reason: string }>): provTypes.CheckFailure[] {
  return failures.map((f) => {
    const failure = new provproto.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

/**
 * The gRPC error for a failed call. A partial state (a job created, then a failed wait) carries the
 * job's id and properties as `ErrorResourceInitFailed`, so that the engine records the job.
 */
export function grpcError(error: unknown): grpcTypes.ServiceError {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  const partial = error as { id?: unknown; properties?: Bag; reasons?: string[] };
  if (error instanceof Error && error.name === "PartialStateError" && typeof partial.id === "string") {
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(partial.id);
    detail.setProperties(toStruct(partial.properties));
    detail.setReasonsList(partial.reasons ?? [message]);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata }) as grpcTypes.ServiceError;
}

type Handler<Req, Res> = (call: { request: Req }, callback: (error: grpcTypes.ServiceError | null, response?: Res) => void) => void;

/** Runs a call; its failure is answered as a gRPC error, actionable ones without stack frames in the log. */
function unary<Req, Res>(urnOf: (req: Req) => string, run: (req: Req) => Promise<Res>, heartbeat = false): Handler<Req, Res> {
  return (call, callback) => {
    const req = call.request;
    withOperation(
      urnOf(req),
      async () => {
        try {
          return await run(req);
        } catch (error) {
          if (isActionable(error)) await reportDebug(error.stack ?? String(error));
          else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
          throw error;
        }
      },
      { heartbeat },
    ).then(
      (res) => callback(null, res),
      (error: unknown) => callback(grpcError(error)),
    );
  };
}

const noUrn = () => "";

/** The service implementation over `provider`; `schema` is GetSchema's answer, `version` GetPluginInfo's. */
export function serviceOf(
  provider: PluginProvider,
  schema: () => string,
  version: string,
  onCancel: () => void,
): grpcTypes.UntypedServiceImplementation {
  return {
    getPluginInfo: unary(noUrn, async () => {
      const info = new plugproto.PluginInfo();
      info.setVersion(version);
      return info;
    }),
    getSchema: unary(noUrn, async (req: provTypes.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new SchemaVersionError(`unsupported schema version ${req.getVersion()}`);
      const res = new provproto.GetSchemaResponse();
      res.setSchema(schema());
      return res;
    }),
    checkConfig: unary(noUrn, async (req: provTypes.CheckRequest) => {
      // Kept as sent (secret marks included): these inputs are what the provider's state stores.
      const olds = (req.getOlds()?.toJavaScript() ?? {}) as Bag;
      const news = (req.getNews()?.toJavaScript() ?? {}) as Bag;
      const { inputs, failures } = provider.checkConfig(olds, news);
      const res = new provproto.CheckResponse();
      res.setInputs(toStruct(inputs));
      res.setFailuresList(failuresOf(failures));
      return res;
    }),
    diffConfig: unary(noUrn, async (req: provTypes.DiffRequest) => {
      const { changes, diffs } = provider.diffConfig(plain(req.getOldInputs() ?? req.getOlds()), plain(req.getNews()));
      const res = new provproto.DiffResponse();
      res.setChanges(changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
      res.setDiffsList(diffs);
      return res;
    }),
    configure: unary(noUrn, async (req: provTypes.ConfigureRequest) => {
      const args = req.getArgs();
      if (args) provider.configure(plain(args));
      else {
        // An engine that sends only `modelarts:key` variables (values JSON-encoded when structured).
        const settings: Bag = {};
        req.getVariablesMap().forEach((value, key) => {
          const name = key.startsWith("modelarts:config:") ? key.slice("modelarts:config:".length) : key.replace(/^modelarts:/, "");
          settings[name] = value;
        });
        provider.configure(settings);
      }
      const res = new provproto.ConfigureResponse();
      res.setAcceptsecrets(false);
      res.setAcceptresources(false);
      res.setSupportspreview(false);
      return res;
    }),
    check: unary(
      (req: provTypes.CheckRequest) => req.getUrn(),
      async (req) => {
        const { inputs, failures } = await provider.check(req.getUrn(), plain(req.getOlds()), plain(req.getNews()));
        const res = new provproto.CheckResponse();
        res.setInputs(toStruct(inputs));
        res.setFailuresList(failuresOf(failures));
        return res;
      },
    ),
    diff: unary(
      (req: provTypes.DiffRequest) => req.getUrn(),
      async (req) => {
        const result = await provider.diff(req.getId(), req.getUrn(), plain(req.getOlds()), plain(req.getNews()));
        const res = new provproto.DiffResponse();
        res.setChanges(result.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        res.setReplacesList(result.replaces ?? []);
        res.setDeletebeforereplace(result.deleteBeforeReplace === true);
        return res;
      },
    ),
    create: unary(
      (req: provTypes.CreateRequest) => req.getUrn(),
      async (req) => {
        const { id, outs } = await provider.create(req.getUrn(), plain(req.getProperties()));
        const res = new provproto.CreateResponse();
        res.setId(id);
        res.setProperties(toStruct(outs));
        return res;
      },
      true,
    ),
    read: unary(
      (req: provTypes.ReadRequest) => req.getUrn(),
      async (req) => {
        const result = await provider.read(req.getId(), req.getUrn(), plain(req.getProperties()));
        const res = new provproto.ReadResponse();
        // No id: the job is gone, and the engine drops it from the state.
        res.setId(result.id ?? "");
        if (result.props) res.setProperties(toStruct(result.props));
        if (result.inputs) res.setInputs(toStruct(result.inputs));
        return res;
      },
    ),
    update: unary(
      (req: provTypes.UpdateRequest) => req.getUrn(),
      async (req) => {
        const { outs } = await provider.update(req.getId(), req.getUrn(), plain(req.getOlds()), plain(req.getNews()));
        const res = new provproto.UpdateResponse();
        res.setProperties(toStruct(outs));
        return res;
      },
      true,
    ),
    delete: unary(
      (req: provTypes.DeleteRequest) => req.getUrn(),
      async (req) => {
        await provider.delete(req.getId(), req.getUrn(), plain(req.getProperties()));
        return new emptyproto.Empty();
      },
      true,
    ),
    invoke: unary(noUrn, async (req: provTypes.InvokeRequest) => {
      const { outputs, failures } = await provider.invoke(req.getTok(), plain(req.getArgs()));
      const res = new provproto.InvokeResponse();
      if (outputs) res.setReturn(toStruct(outputs));
      if (failures) res.setFailuresList(failuresOf(failures));
      return res;
    }),
    cancel: unary(noUrn, async () => {
      onCancel();
      return new emptyproto.Empty();
    }),
    attach: unary(noUrn, async () => new emptyproto.Empty()),
  };
}

/** GetSchema was asked for a schema version this plugin does not have. */
export class SchemaVersionError extends ModelArtsError {
  override readonly name = "SchemaVersionError";
}

/**
 * Serves `provider` on 127.0.0.1 (a free port) and prints the port, which is how the engine learns
 * where the plugin listens. Resolves with the server once it listens.
 */
export async function serve(
  provider: PluginProvider,
  options: { schema: () => string; version: string; onCancel: () => void; write?: (line: string) => void },
): Promise<grpcTypes.Server> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService, serviceOf(provider, options.schema, options.version, options.onCancel));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  (options.write ?? ((line) => process.stdout.write(line)))(`${port}\n`);
  return server;
}
