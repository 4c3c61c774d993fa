/**
 * What every version's resource class shares: the `pulumi.Input` types of its arguments (derived
 * from the version's plain inputs interface, and checked against it at compile time), and the
 * properties it registers with the engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROGRESS_URN_KEY } from "./progress";
import { stackIdentitySeed } from "./stack-identity";

/** `pulumi.Input` all the way down, for plain data shapes. */
export type DeepInput<T> = T extends string | number | boolean
  ? pulumi.Input<T>
  : T extends Array<infer U>
    ? pulumi.Input<Array<DeepInput<U>>>
    : pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>;

/** The argument type of input `K` of the inputs interface `I`: its type, as a `pulumi.Input`. */
export type ArgOf<I, K extends keyof I> =
  NonNullable<I[K]> extends string | number | boolean ? pulumi.Input<NonNullable<I[K]>> : DeepInput<NonNullable<I[K]>>;

/**
 * `true` only while every argument's type is exactly its input's type as a `pulumi.Input` (see
 * {@link ArgOf}): `const agree: ArgTypesAgree<Args, Inputs> = true` fails to compile otherwise.
 */
export type ArgTypesAgree<Args, Inputs> = false extends {
  [K in keyof Args & keyof Inputs]-?: Same<NonNullable<Args[K]>, ArgOf<Inputs, K>>;
}[keyof Args & keyof Inputs]
  ? false
  : true;

/** The keys of `T` that may be left out. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `true` only while an args interface and its inputs interface agree key for key, optionality
 * included: `const agree: ArgsAgree<Args, Inputs> = true` fails to compile otherwise.
 */
export type ArgsAgree<Args, Inputs> = Same<keyof Args, keyof Inputs> extends true ? Same<OptionalKeys<Args>, OptionalKeys<Inputs>> : false;

/** The keys a read (`get`) passes: where to look for the job, as a declared job would have them. */
export const LOOKUP_KEYS = ["region", "projectId", "endpoint", "profile", "workspaceId"] as const;

/**
 * The properties a resource registers. A read sends only where to look (every output then comes from
 * the service, never from the program); a declared job sends its args plus the autonaming seed (the
 * stack identity's, which makes the job depend on it: `stack-identity.ts`) and its own URN (the provider is never told which resource a call is for: the URN lets progress show
 * on the job's row). Every output key is registered, unknown until the provider answers.
 */
export function registeredProps(
  name: string,
  type: string,
  argsOrState: object | undefined,
  opts: pulumi.CustomResourceOptions | undefined,
  outputKeys: readonly string[],
): Record<string, unknown> {
  let props: Record<string, unknown>;
  if (opts?.id !== undefined) {
    props = {};
    const state = (argsOrState ?? {}) as Record<string, unknown>;
    for (const key of LOOKUP_KEYS) if (state[key] !== undefined) props[key] = state[key];
  } else {
    props = {
      ...argsOrState,
      autonamePrefix: name,
      autonameSeed: stackIdentitySeed(),
      [PROGRESS_URN_KEY]: pulumi.createUrn(name, type, opts?.parent),
    };
  }
  for (const key of outputKeys) if (!(key in props)) props[key] = undefined;
  return props;
}
