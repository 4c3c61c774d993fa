/**
 * The provider object that Pulumi serializes into the state of every TrainingJob. It holds no
 * logic and no configuration: each method loads the installed package's implementation when the
 * engine calls it (by package name from the project, else from the path recorded when the
 * resource was declared), so a fix to `delete` reaches stacks created by older versions and the
 * state stays small. `version` makes a new implementation visible in the state; `diff` ignores it.
 *
 * Keep this file free of imports: the closure serializer would capture them.
 */
/** The ModelArts training-job API a stub's resources use. */
export type ApiVersion = "v1" | "v2";
/** What a stub serves: a training-job API version, or the stack's identity (`stack-identity.ts`). */
export type StubKind = ApiVersion | "identity";

export interface StubProvider {
  readonly version: string;
  configure(req: unknown): Promise<void>;
  check(olds: unknown, news: unknown): Promise<unknown>;
  diff(id: string, olds: unknown, news: unknown): Promise<unknown>;
  create(inputs: unknown): Promise<unknown>;
  read(id: string, props: unknown): Promise<unknown>;
  update(id: string, olds: unknown, news: unknown): Promise<unknown>;
  delete(id: string, props: unknown): Promise<void>;
}

/**
 * Every method goes through `d`, and everything the methods need is data on the object (`m`, the
 * package's runtime module; `f`, the path recorded when the resource was declared; `a`, the API
 * version when it is not v1, or `identity`): the closure
 * serializer then captures no variables, which keeps the stored text small.
 */
export function makeStub(moduleName: string, fallbackPath: string, version: string, api: StubKind = "v1"): StubProvider {
  return {
    version,
    m: moduleName,
    f: fallbackPath,
    // v1 stubs carry no marker: the states written before v2 existed have none, and stay v1.
    ...(api === "v1" ? {} : { a: api }),
    d(method: string, args: unknown[]): Promise<never> {
      let runtime: { dispatch(stub: object, method: string, args: unknown[]): Promise<never> };
      try {
        runtime = require(this.m);
      } catch (error) {
        if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
        runtime = require(this.f);
      }
      return runtime.dispatch(this, method, args);
    },
    configure(q) {
      return this.d("configure", [q]);
    },
    check(o, n) {
      return this.d("check", [o, n]);
    },
    diff(i, o, n) {
      return this.d("diff", [i, o, n]);
    },
    create(n) {
      return this.d("create", [n]);
    },
    read(i, p) {
      return this.d("read", [i, p]);
    },
    update(i, o, n) {
      return this.d("update", [i, o, n]);
    },
    delete(i, p) {
      return this.d("delete", [i, p]);
    },
  } as StubProvider & { m: string; f: string; d(method: string, args: unknown[]): Promise<never> };
}
