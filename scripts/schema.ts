// Generates the `modelarts` plugin's Pulumi schema (schema.json) from the TypeScript shapes: the
// resources' inputs and outputs (provider/v*/resource/inputs.ts and the API types they use), the
// functions' arguments and results (provider/v*/resource/functions.ts), the provider's settings
// (provider/shared/api/config.ts), with their TSDoc as descriptions, string-literal unions as enums
// and the credentials as secrets. The resource classes' TSDoc describes the resources.
//
//   npm run --silent schema            -> writes schema.json
//   npm run --silent schema -- --check -> fails when schema.json differs from what would be written
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** One property's schema. */
interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description?: string;
  secret?: boolean;
}

interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

interface EnumTypeSpec {
  type: "string";
  description?: string;
  enum: Array<{ value: string }>;
}

/** Raised when a shape has no faithful schema (an `any`, a union of objects): the source must change, not the schema. */
export class SchemaShapeError extends Error {
  override readonly name = "SchemaShapeError";
}

const PACKAGE = "modelarts";
/** The Go SDK's module path: a local name (the SDK is used from its folder through a replace directive, never fetched). */
const GO_MODULE = "pulumi-modelarts.local/sdk/go";

/** Settings whose values are secrets (provider/shared/api/config.ts's SECRET_SETTINGS). */
const SECRET_SETTINGS = new Set(["secretKey", "securityToken", "password", "token"]);

/** Where a resource's or function's shapes are declared, relative to the repository root. */
interface Sources {
  v1Inputs: string;
  v2Inputs: string;
  v1Functions: string;
  v2Functions: string;
  v1Class: string;
  v2Class: string;
  config: string;
}

const SOURCES: Sources = {
  v1Inputs: "provider/v1/resource/inputs.ts",
  v2Inputs: "provider/v2/resource/inputs.ts",
  v1Functions: "provider/v1/resource/functions.ts",
  v2Functions: "provider/v2/resource/functions.ts",
  v1Class: "provider/v1/training-job.ts",
  v2Class: "provider/v2/training-job.ts",
  config: "provider/shared/api/config.ts",
};

class Generator {
  readonly types: Record<string, ObjectTypeSpec | EnumTypeSpec> = {};
  private readonly checker: ts.TypeChecker;

  constructor(private readonly program: ts.Program) {
    this.checker = program.getTypeChecker();
  }

  /** A named declaration (interface or type alias) of a source file, as a type. */
  declared(file: string, name: string): ts.Type {
    const source = this.program.getSourceFile(file);
    if (!source) throw new SchemaShapeError(`${file} is not part of the program`);
    const moduleSymbol = this.checker.getSymbolAtLocation(source);
    const symbol = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
    if (!symbol) throw new SchemaShapeError(`${file} exports no ${name}`);
    return this.checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol);
  }

  /** The TSDoc of an exported declaration (a class, an interface). */
  docOf(file: string, name: string): string | undefined {
    const source = this.program.getSourceFile(file);
    const moduleSymbol = source && this.checker.getSymbolAtLocation(source);
    const symbol = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
    return symbol ? this.describe(symbol) : undefined;
  }

  /** A symbol's TSDoc: its text, then its `@default` (the `@example`s are TypeScript, so left out). */
  describe(symbol: ts.Symbol): string | undefined {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
    const defaults = symbol
      .getJsDocTags(this.checker)
      .filter((t) => t.name === "default")
      .map((t) => ts.displayPartsToString(t.text).trim());
    const parts = [text, ...defaults.map((d) => `Default: ${d}.`)].filter((p) => p !== "");
    return parts.length > 0 ? parts.join("\n\n") : undefined;
  }

  /** The properties of an object type, with the names that are required. */
  properties(
    type: ts.Type,
    module: string,
    owner: string,
    omit: ReadonlySet<string> = new Set(),
  ): Pick<ObjectTypeSpec, "properties" | "required"> {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const symbol of this.checker.getPropertiesOfType(type)) {
      if (omit.has(symbol.name)) continue;
      const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
      if (!declaration) throw new SchemaShapeError(`${owner}.${symbol.name} has no declaration`);
      // The declared type node keeps an alias's name (`WaitFor`), which an optional property's type loses.
      const propType =
        ts.isPropertySignature(declaration) && declaration.type
          ? this.checker.getTypeFromTypeNode(declaration.type)
          : this.checker.getTypeOfSymbolAtLocation(symbol, declaration);
      const spec = this.spec(propType, module, `${owner}${capitalise(symbol.name)}`, `${owner}.${symbol.name}`);
      const description = this.describe(symbol);
      properties[symbol.name] = description ? { ...spec, description } : spec;
      if (!(symbol.flags & ts.SymbolFlags.Optional)) required.push(symbol.name);
    }
    return required.length > 0 ? { properties, required } : { properties };
  }

  /**
   * A type's schema. Named interfaces and aliases become types of the module (`modelarts:v2:Spec`);
   * anonymous objects are named after where they appear (`SpecLogExportPath`).
   */
  spec(type: ts.Type, module: string, suggested: string, where: string): PropertySpec {
    const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) : [type];
    if (parts.length === 0) throw new SchemaShapeError(`${where} has no type`);
    if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (parts.every((t) => t.isStringLiteral())) {
      const name = type.aliasSymbol?.name ?? suggested;
      return { $ref: this.enumRef(module, name, parts as ts.StringLiteralType[], type.aliasSymbol) };
    }
    if (parts.length > 1) {
      // `string | number` settings: written as text in every language.
      if (parts.every((t) => t.flags & (ts.TypeFlags.String | ts.TypeFlags.Number))) return { type: "string" };
      throw new SchemaShapeError(`${where}: a union of ${parts.map((t) => this.checker.typeToString(t)).join(" | ")} has no schema`);
    }
    const single = parts[0]!;
    if (single.flags & ts.TypeFlags.String) return { type: "string" };
    if (single.flags & ts.TypeFlags.Number) return { type: "number" };
    if (single.flags & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (single.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))
      throw new SchemaShapeError(`${where} is ${this.checker.typeToString(single)}`);
    if (this.checker.isArrayType(single)) {
      const element = this.checker.getTypeArguments(single as ts.TypeReference)[0];
      if (!element) throw new SchemaShapeError(`${where} is an array of nothing`);
      return { type: "array", items: this.spec(element, module, singular(suggested), `${where}[]`) };
    }
    if (single.flags & ts.TypeFlags.Object) {
      const index = this.checker.getIndexInfoOfType(single, ts.IndexKind.String);
      if (index && this.checker.getPropertiesOfType(single).length === 0) {
        return { type: "object", additionalProperties: this.spec(index.type, module, `${suggested}Value`, `${where}[key]`) };
      }
      const name = (single.aliasSymbol ?? type.aliasSymbol)?.name ?? namedInterface(single) ?? suggested;
      return { $ref: this.objectRef(module, name, single) };
    }
    throw new SchemaShapeError(`${where} is ${this.checker.typeToString(single)}, which has no schema`);
  }

  private enumRef(module: string, name: string, literals: ts.StringLiteralType[], alias: ts.Symbol | undefined): string {
    const token = `${PACKAGE}:${module}:${name}`;
    if (!this.types[token]) {
      const description = alias ? this.describe(alias) : undefined;
      this.types[token] = {
        type: "string",
        ...(description ? { description } : {}),
        enum: literals.map((l) => ({ value: l.value })),
      };
    }
    return `#/types/${token}`;
  }

  private objectRef(module: string, name: string, type: ts.Type): string {
    const token = `${PACKAGE}:${module}:${name}`;
    if (!this.types[token]) {
      const symbol = type.aliasSymbol ?? type.getSymbol();
      const description = symbol && symbol.name !== "__type" ? this.describe(symbol) : undefined;
      // Registered before its members, so that a type that refers to itself ends.
      const spec: ObjectTypeSpec = { type: "object", ...(description ? { description } : {}), properties: {} };
      this.types[token] = spec;
      Object.assign(spec, this.properties(type, module, name));
    }
    return `#/types/${token}`;
  }
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function singular(name: string): string {
  return name.endsWith("ies") ? `${name.slice(0, -3)}y` : name.endsWith("s") ? name.slice(0, -1) : name;
}

/** The name of a declared interface (not of an anonymous object literal type). */
function namedInterface(type: ts.Type): string | undefined {
  const symbol = type.getSymbol();
  if (!symbol || symbol.name === "__type" || symbol.name === "__object") return undefined;
  return symbol.flags & ts.SymbolFlags.Interface ? symbol.name : undefined;
}

function withDescription<T extends object>(spec: T, description: string | undefined): T {
  return description ? { description, ...spec } : spec;
}

/** The generated schema, as an object. */
export function generateSchema(root: string): Record<string, unknown> {
  const files = Object.values(SOURCES).map((f) => path.join(root, f));
  const program = ts.createProgram(files, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    skipLibCheck: true,
    types: [],
  });
  const g = new Generator(program);
  const file = (key: keyof Sources) => path.join(root, SOURCES[key]);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

  // The provider's settings: the same keys as the `modelarts:*` stack configuration.
  const settings = g.properties(g.declared(file("config"), "ModelArtsSettings"), "index", "Settings");
  for (const [key, spec] of Object.entries(settings.properties)) if (SECRET_SETTINGS.has(key)) spec.secret = true;
  const profile = g.properties(g.declared(file("config"), "ModelArtsSettings"), "index", "Profile");
  for (const [key, spec] of Object.entries(profile.properties)) if (SECRET_SETTINGS.has(key)) spec.secret = true;
  g.types["modelarts:index:Profile"] = {
    type: "object",
    description: "A named credentials profile: the same settings as the provider's own, for another account or project.",
    properties: profile.properties,
  };
  const configVariables: Record<string, PropertySpec> = {
    ...settings.properties,
    profiles: {
      type: "object",
      additionalProperties: { $ref: "#/types/modelarts:index:Profile" },
      description: "Named credentials profiles (`modelarts:profiles.<name>.<setting>`); a job's `profile` input chooses one.",
    },
  };

  const resources: Record<string, unknown> = {};
  for (const module of ["v2", "v1"] as const) {
    const inputsFile = file(module === "v2" ? "v2Inputs" : "v1Inputs");
    const inputs = g.properties(g.declared(inputsFile, "TrainingJobInputs"), module, "TrainingJob");
    const computed = g.properties(g.declared(inputsFile, "TrainingJobComputed"), module, "TrainingJob");
    const properties = { ...inputs.properties, ...computed.properties };
    const required = [...new Set([...(inputs.required ?? []), ...(computed.required ?? [])])];
    resources[`${PACKAGE}:${module}:TrainingJob`] = withDescription(
      {
        properties,
        required,
        inputProperties: inputs.properties,
        requiredInputs: inputs.required ?? [],
      },
      g.docOf(file(module === "v2" ? "v2Class" : "v1Class"), "TrainingJob"),
    );
  }

  const functions: Record<string, unknown> = {};
  const fn = (module: "v1" | "v2", name: string, args: string, result: string) => {
    const source = file(module === "v2" ? "v2Functions" : "v1Functions");
    const ins = g.properties(g.declared(source, args), module, capitalise(name) + "Args");
    const outs = g.properties(g.declared(source, result), module, capitalise(name) + "Result");
    functions[`${PACKAGE}:${module}:${name}`] = withDescription(
      {
        inputs: { properties: ins.properties, ...(ins.required ? { required: ins.required } : {}) },
        outputs: { properties: outs.properties, ...(outs.required ? { required: outs.required } : {}) },
      },
      g.docOf(source, name),
    );
  };
  fn("v2", "getFlavors", "GetFlavorsArgs", "GetFlavorsResult");
  fn("v2", "getEngines", "GetEnginesArgs", "GetEnginesResult");
  fn("v2", "getTrainingJob", "GetTrainingJobArgs", "GetTrainingJobResult");
  fn("v1", "getTrainingJob", "GetTrainingJobArgs", "GetTrainingJobResult");

  const sortedTypes: Record<string, unknown> = {};
  for (const key of Object.keys(g.types).sort()) sortedTypes[key] = g.types[key];

  return {
    name: PACKAGE,
    displayName: "ModelArts",
    version: pkg.version,
    description: "ModelArts training jobs (Huawei Cloud and Open Telekom Cloud), new-version (v2) and old-version (v1) APIs.",
    keywords: ["pulumi", "modelarts", "huaweicloud", "opentelekomcloud", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    // The Python and Go SDKs are generated as packable projects (pyproject.toml, go.mod) whose version is this one.
    meta: { supportPack: true },
    language: {
      python: { packageName: "pulumi_modelarts", respectSchemaVersion: true, pyproject: { enabled: true } },
      go: {
        importBasePath: `${GO_MODULE}/modelarts`,
        modulePath: GO_MODULE,
        respectSchemaVersion: true,
        generateExtraInputTypes: true,
      },
    },
    config: { variables: configVariables },
    provider: {
      description: "The modelarts provider: one account and project (and its named profiles), as in the `modelarts:*` stack configuration.",
      inputProperties: configVariables,
    },
    types: sortedTypes,
    resources,
    functions,
  };
}

/** The schema as written to schema.json. */
export function schemaText(root: string): string {
  return `${JSON.stringify(generateSchema(root), null, 2)}\n`;
}

function main(): void {
  const root = path.resolve(__dirname, "..", "..");
  const target = path.join(root, "schema.json");
  const text = schemaText(root);
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current !== text) {
      process.stderr.write("schema.json is out of date: run `npm run schema`\n");
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(target, text);
  process.stdout.write(`${target}\n`);
}

if (require.main === module) main();
