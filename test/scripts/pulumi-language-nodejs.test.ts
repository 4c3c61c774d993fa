import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";

import { ensurePulumi } from "../../scripts/ensure-pulumi";

// The generated gRPC stubs @pulumi/pulumi ships (CommonJS, untyped exports).
const services = require("@pulumi/pulumi/proto/language_grpc_pb") as {
  LanguageRuntimeClient: new (address: string, credentials: grpc.ChannelCredentials) => LanguageClient;
};
const messages = require("@pulumi/pulumi/proto/language_pb") as Record<string, new () => Message>;
const pluginMessages = require("@pulumi/pulumi/proto/plugin_pb") as Record<string, new () => Message>;

/** The jspb message surface the tests use (setters return the message). */
type Message = Record<string, (...args: unknown[]) => unknown>;

interface RunPluginOutput {
  hasStdout(): boolean;
  getStdout_asU8(): Uint8Array;
  hasStderr(): boolean;
  getStderr_asU8(): Uint8Array;
  hasExitcode(): boolean;
  getExitcode(): number;
}

interface LanguageClient {
  runPlugin(req: Message): grpc.ClientReadableStream<RunPluginOutput>;
  installDependencies(req: Message): grpc.ClientReadableStream<{ getStdout_asU8(): Uint8Array }>;
  link(req: Message, cb: (err: grpc.ServiceError | null, res: { getImportInstructions(): string }) => void): void;
  close(): void;
}

function programInfo(root: string): Message {
  const info = new messages.ProgramInfo!();
  info.setRootDirectory!(root);
  info.setProgramDirectory!(root);
  info.setEntryPoint!(".");
  return info;
}

/** Everything a RunPlugin call streamed back, or the error that ended it. */
function runPlugin(client: LanguageClient, dir: string, args: string[], env: string[]) {
  const req = new messages.RunPluginRequest!();
  req.setPwd!(dir);
  req.setInfo!(programInfo(dir));
  req.setArgsList!(args);
  req.setEnvList!(env);
  return new Promise<{ stdout: string; stderr: string; exitCode?: number; error?: grpc.ServiceError }>((resolve) => {
    let stdout = "";
    let stderr = "";
    let exitCode: number | undefined;
    const stream = client.runPlugin(req);
    stream.on("data", (msg: RunPluginOutput) => {
      if (msg.hasStdout()) stdout += Buffer.from(msg.getStdout_asU8()).toString();
      if (msg.hasStderr()) stderr += Buffer.from(msg.getStderr_asU8()).toString();
      if (msg.hasExitcode()) exitCode = msg.getExitcode();
    });
    stream.on("error", (error: grpc.ServiceError) => resolve({ stdout, stderr, exitCode, error }));
    stream.on("end", () => resolve({ stdout, stderr, exitCode }));
  });
}

describe("scripts/pulumi-language-nodejs (the compact Node.js language host) over gRPC", function () {
  this.timeout(30 * 60 * 1000);
  let host: ChildProcess | undefined;
  let client: LanguageClient;
  let tmp = "";

  before(async function () {
    const binDir = await ensurePulumi({ log: (line) => process.stderr.write(`      ensure-pulumi: ${line}\n`) });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nodejs-host-test-"));
    // Started as the YAML language host starts it: the old -name=value flags first.
    const child = spawn(path.join(binDir, "pulumi-language-nodejs"), [`-root=${tmp}`, "-typescript=true"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    host = child;
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const line = /^(\d+)\n/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.on("exit", (code) => reject(new Error(`the host exited with ${code} before printing its port`)));
    });
    client = new services.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    host?.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function pluginDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(tmp, "plugin-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it("RunPlugin runs package.json's bin with the engine's arguments and environment, streams its output and reports its exit code", async () => {
    const dir = pluginDir({
      "package.json": JSON.stringify({ name: "demo", bin: { demo: "cli.js" } }),
      "cli.js":
        "process.stdout.write('args ' + JSON.stringify(process.argv.slice(2)));process.stderr.write('env ' + process.env.DEMO_X);process.exit(3);",
    });
    const res = await runPlugin(client, dir, ["127.0.0.1:1234", "--flag"], ["DEMO_X=seen"]);
    assert.equal(res.error, undefined, res.error?.message);
    assert.equal(res.stdout, 'args ["127.0.0.1:1234","--flag"]');
    assert.equal(res.stderr, "env seen");
    assert.equal(res.exitCode, 3);
  });

  it("RunPlugin runs index.js when package.json names no entry, and a clean exit sends no exit code", async () => {
    const dir = pluginDir({ "index.js": "console.log('from index ' + process.cwd());" });
    const res = await runPlugin(client, dir, [], []);
    assert.equal(res.error, undefined, res.error?.message);
    assert.equal(res.stdout, `from index ${fs.realpathSync(dir)}\n`);
    assert.equal(res.exitCode, undefined);
  });

  it("RunPlugin names the missing entry point", async () => {
    const dir = pluginDir({ "package.json": JSON.stringify({ name: "empty", main: "lib/main.js" }) });
    const res = await runPlugin(client, dir, [], []);
    assert.match(res.error?.details ?? "", /no entry point: .*lib\/main\.js does not exist/);
  });

  it("InstallDependencies of a plugin folder without package.json installs nothing, not the enclosing package's dependencies", async () => {
    const outer = fs.mkdtempSync(path.join(tmp, "checkout-"));
    fs.writeFileSync(path.join(outer, "package.json"), JSON.stringify({ name: "outer", dependencies: { "left-pad": "1.3.0" } }));
    const dir = path.join(outer, "plugin");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "index.js"), "");
    const req = new messages.InstallDependenciesRequest!();
    req.setDirectory!(dir);
    req.setInfo!(programInfo(dir));
    req.setIsPlugin!(true);
    const stdout = await new Promise<string>((resolve, reject) => {
      let out = "";
      const stream = client.installDependencies(req);
      stream.on("data", (msg) => (out += Buffer.from(msg.getStdout_asU8()).toString()));
      stream.on("error", reject);
      stream.on("end", () => resolve(out));
    });
    assert.match(stdout, /no dependencies to install/);
    assert.deepEqual(fs.readdirSync(outer).sort(), ["package.json", "plugin"]);
  });

  it("Link adds the SDK folder to package.json as a file: dependency and says how to import it", async () => {
    const project = fs.mkdtempSync(path.join(tmp, "project-"));
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "proj", dependencies: { "@pulumi/pulumi": "^3.0.0" } }));
    fs.mkdirSync(path.join(project, "sdks", "modelarts"), { recursive: true });
    fs.writeFileSync(path.join(project, "sdks", "modelarts", "package.json"), JSON.stringify({ name: "@pulumi/modelarts" }));
    const pkg = new pluginMessages.PackageDependency!();
    pkg.setName!("modelarts");
    pkg.setKind!("resource");
    const dep = new (messages.LinkRequest as unknown as { LinkDependency: new () => Message }).LinkDependency();
    dep.setPackage!(pkg);
    dep.setPath!(path.join("sdks", "modelarts"));
    const req = new messages.LinkRequest!();
    req.setInfo!(programInfo(project));
    req.setPackagesList!([dep]);
    const instructions = await new Promise<string>((resolve, reject) =>
      client.link(req, (err, res) => (err ? reject(err) : resolve(res.getImportInstructions()))),
    );
    const written = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")) as {
      name: string;
      dependencies: Record<string, string>;
    };
    assert.deepEqual(written, { name: "proj", dependencies: { "@pulumi/pulumi": "^3.0.0", "@pulumi/modelarts": "file:sdks/modelarts" } });
    assert.match(instructions, /import \* as modelarts from "@pulumi\/modelarts"/);
  });
});
