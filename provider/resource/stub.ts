/**
 * The provider object that Pulumi serializes into the state of every TrainingJob. It holds no
 * logic and no configuration: each method loads the installed package's implementation when the
 * engine calls it (by package name from the project, else from the path recorded when the
 * resource was declared), so a fix to `delete` reaches stacks created by older versions and the
 * state stays small. `version` makes a new implementation visible in the state; `diff` ignores it.
 *
 * Keep this file free of imports: the closure serializer would capture them.
 */
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

export function makeStub(moduleName: string, fallbackPath: string, version: string): StubProvider {
  function load(): { dispatch(stub: object, method: string, args: unknown[]): Promise<never> } {
    try {
      return require(moduleName);
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
      return require(fallbackPath);
    }
  }
  return {
    version,
    async configure(req) {
      return load().dispatch(this, "configure", [req]);
    },
    async check(olds, news) {
      return load().dispatch(this, "check", [olds, news]);
    },
    async diff(id, olds, news) {
      return load().dispatch(this, "diff", [id, olds, news]);
    },
    async create(inputs) {
      return load().dispatch(this, "create", [inputs]);
    },
    async read(id, props) {
      return load().dispatch(this, "read", [id, props]);
    },
    async update(id, olds, news) {
      return load().dispatch(this, "update", [id, olds, news]);
    },
    async delete(id, props) {
      return load().dispatch(this, "delete", [id, props]);
    },
  };
}
