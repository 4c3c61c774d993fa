/**
 * The stack's identity: a random 128-bit value made once, by the first `pulumi up` that declares a
 * TrainingJob, and kept in the stack's state from then on (docs/ownership.md).
 * It is what no other stack can have: two stacks named `dev` in two backends, or a renamed stack and
 * the new stack of its old name, each hold their own. Every declared TrainingJob (v1 or v2) takes
 * its `autonameSeed` from it, and so depends on it: the identity is in the state before any job's
 * create is sent, and the next `up` after an interruption derives the same names again.
 *
 * The provider is tiny and hosting-agnostic: create returns the value, nothing reads the service,
 * delete forgets it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_KEY } from "./lifecycle";
import { packageStub } from "./package-stub";

/** The type token the engine records: `pulumi-nodejs:dynamic/modelarts:StackIdentity`. */
export const STACK_IDENTITY_TYPE = "pulumi-nodejs:dynamic/modelarts:StackIdentity";
/** The identity resource's name in every stack. */
export const STACK_IDENTITY_NAME = "modelarts-stack-identity";

type Bag = Record<string, unknown>;

/** The identity's provider implementation (what the runtime dispatches to for stubs marked `a: "identity"`). */
export class StackIdentityProviderImpl {
  /** Nothing to validate: the resource has no inputs. */
  async check(_olds: Bag, news: Bag): Promise<{ inputs: Bag; failures: [] }> {
    const inputs: Bag = { ...news };
    delete inputs[PROVIDER_KEY];
    return { inputs, failures: [] };
  }
  /** Never changes: a new identity would make every autonamed job another stack's. */
  async diff(): Promise<{ changes: false }> {
    return { changes: false };
  }
  /** The identity: 32 lower-case hex characters (128 random bits). */
  async create(): Promise<{ id: string; outs: Bag }> {
    return { id: randomUUID(), outs: { seed: randomBytes(16).toString("hex") } };
  }
  /** The state is the only place the identity lives: a refresh keeps it. */
  async read(id: string, props: Bag): Promise<{ id: string; props: Bag }> {
    return { id, props: { ...props } };
  }
  async update(_id: string, olds: Bag): Promise<{ outs: Bag }> {
    return { outs: { seed: olds["seed"] } };
  }
  /** Nothing exists outside the state. */
  async delete(): Promise<void> {}
}

/** A stack's identity resource. Made by {@link stackIdentitySeed}; declare it yourself only in tests. */
export class StackIdentity extends pulumi.dynamic.Resource {
  /** 32 lower-case hex characters, made once per stack. Not a credential: the service only ever receives hashes of it. */
  declare public readonly seed: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      packageStub("identity") as unknown as pulumi.dynamic.ResourceProvider,
      name,
      { seed: undefined },
      opts,
      "modelarts",
      "StackIdentity",
    );
  }
}

/** Shared by every copy of this package that a program loads: one identity per stack run. */
interface Registry {
  byStack: WeakMap<object, StackIdentity>;
  byName: Map<string, StackIdentity>;
}
const REGISTRY = Symbol.for("pulumi-modelarts/stack-identity");

/**
 * The seed of this stack's identity, declaring the identity resource (parent-less) the first time a
 * program run asks for it. An inline program run again in the same process gets a new stack
 * resource, and so declares the identity again for that run.
 */
export function stackIdentitySeed(): pulumi.Output<string> {
  const global = globalThis as { [REGISTRY]?: Registry };
  const registry = (global[REGISTRY] ??= { byStack: new WeakMap(), byName: new Map() });
  const root = pulumi.runtime.getStackResource();
  const key = `${pulumi.getProject()}/${pulumi.getStack()}`;
  let identity = root !== undefined ? registry.byStack.get(root) : registry.byName.get(key);
  if (identity === undefined) {
    identity = new StackIdentity(STACK_IDENTITY_NAME);
    if (root !== undefined) registry.byStack.set(root, identity);
    else registry.byName.set(key, identity);
  }
  return identity.seed;
}
