/**
 * The v2 TrainingJob provider's implementation, loaded by the serialized stub (its `a: "v2"`) from
 * the installed package. Every lifecycle method follows the contract written in docs/resources.md,
 * "v2.TrainingJob lifecycle": the same guarantees as v1 (ownership, partial state, absence
 * only from complete look-ups, every step within its timeout), over the v2 API's shapes.
 */
import { isNotFound, isTransient, ModelArtsApiError, ModelArtsError, ModelArtsTimeoutError } from "../../shared/api/errors";
import { deadlineIn, type Deadline } from "../../shared/api/retry";
import { isDerivedName, OWNER_ANNOTATION, ownerStampOf, suffixFrom, withAutoname } from "../../shared/resource/autoname";
import { containsUnknown, type CheckFailure } from "../../shared/resource/check";
import { formatDuration } from "../../shared/resource/duration";
import { NOT_FOUND_GRACE_MS, submitJob } from "../../shared/resource/ownership";
import { PartialStateError } from "../../shared/resource/partial-state";
import { persistently } from "../../shared/resource/persist";
import { normalise } from "../../shared/resource/values";
import { DEFAULT_LOG_TAIL, formatLogTails, type TaskLog } from "../../shared/resource/log-tail";
import { processPollers, type Pending, type Pollers, type Scope, type Verdict } from "../../shared/resource/poller";
import { checkSchedule, DEFAULT_POLL, realClock, type Clock, type PollSchedule } from "../../shared/resource/waiter";
import type { CallOptions, CreateJobRequest, Job, ModelArtsV2Api } from "../api/types";
import { catalogueSkipped } from "../../shared/resource/catalogue-cache";
import { V2CatalogueCache, checkAgainstCatalogue, namesCatalogueEntries, processCatalogues } from "./catalogue-check";
import { diffInputs } from "./diff";
import { phaseLabel } from "./phase";
import { algorithmOf, declaredView, differingPaths, specOf } from "./echo";
import { COMPUTED_KEYS, type CheckedInputs, type TrainingJobOutputs, type WaitFor } from "./inputs";
import { validateInputs, validateProfile } from "./validate";

export { PartialStateError } from "../../shared/resource/partial-state";

import {
  AdoptError,
  DeleteTimeoutError,
  GetError,
  JobFailedError,
  LOCATION_KEY,
  locationFor,
  locationOf,
  PROVIDER_KEY,
  recordedTarget,
  diffWithRelocation,
  targetOf,
  timeoutOf,
  READ_TIMEOUT_MS,
  type JobTarget,
  type ResolvedPlace,
} from "../../shared/resource/lifecycle";
export { AdoptError, DeleteTimeoutError, GetError, JobFailedError, type JobTarget } from "../../shared/resource/lifecycle";

type Bag = Record<string, unknown>;

/** Phases in which the service runs the job, and `terminate` is allowed (docs/api-v2.md §3). */
const ACTIVE_PHASES = new Set(["Creating", "Pending", "Running"]);
/** Phases that end a create's wait with a failure. */
const FAILED_PHASES = new Set(["Failed", "Abnormal", "Terminated"]);
/** Failures whose error carries the tail of the tasks' logs (a Terminated job was stopped, not broken). */
const LOGGED_PHASES = new Set(["Failed", "Abnormal"]);

export interface V2ProviderDeps {
  /** Returns the v2 API client for a target; throws a `ConfigurationError` naming what is missing. */
  clientFor(target: JobTarget): ModelArtsV2Api;
  /**
   * Where a target resolves to under the current configuration (endpoint, region, project), without
   * any call. @default the client's endpoint and project
   */
  locate?(target: JobTarget): ResolvedPlace;
  /** Reports progress (phase changes, elapsed time) where the Pulumi CLI shows it. */
  progress?: (line: string) => void;
  /** The names of the configured credentials profiles; throws a `ConfigurationError` if they are malformed. */
  profileNames?: () => readonly string[];
  clock?: Clock;
  /** Poll schedule for phase waits and for delete's removal wait. */
  poll?: PollSchedule;
  /** Suffix for autonaming (7 lower-case hex characters), derived from the seed by default. */
  randomSuffix?: (seed: string | undefined) => string;
  /** The pollers every wait goes through. @default the process's (`processPollers()`) */
  pollers?: Pollers;
  /** The catalogues `check` reads the flavour, engine and node count against. @default the process's (`processCatalogues()`) */
  catalogues?: V2CatalogueCache;
}

/** Properties the catalogue rules judge: a value `check` already refused is not judged again. */
const CATALOGUE_PROPERTIES = /^(spec\.resource\.(flavorId|nodeCount|poolId)|algorithm\.engine)/;

export interface CheckResult {
  inputs: Bag;
  failures: CheckFailure[];
}

export class TrainingJobV2ProviderImpl {
  private readonly clock: Clock;
  private readonly poll: PollSchedule;
  private readonly progress: (line: string) => void;
  private readonly randomSuffix: (seed: string | undefined) => string;
  private readonly pollers: Pollers;
  private readonly catalogues: V2CatalogueCache;

  constructor(private readonly deps: V2ProviderDeps) {
    this.pollers = deps.pollers ?? processPollers();
    this.catalogues = deps.catalogues ?? processCatalogues();
    this.clock = deps.clock ?? realClock;
    this.poll = checkSchedule(deps.poll ?? DEFAULT_POLL);
    this.progress = deps.progress ?? (() => undefined);
    this.randomSuffix = deps.randomSuffix ?? suffixFrom;
  }

  /** Autonames the job (as v1 does), validates every input, and checks that the provider can be configured. */
  async check(olds: Bag, news: Bag): Promise<CheckResult> {
    const inputs = withAutoname(olds, news, this.randomSuffix);
    delete inputs[PROVIDER_KEY];
    const failures = validateInputs(inputs);
    const profileFailures = validateProfile(inputs["profile"], this.deps.profileNames ?? (() => []));
    failures.push(...profileFailures);
    const target = targetOf(inputs);
    if (profileFailures.length === 0 && !containsUnknown(target)) {
      const client = this.deps.clientFor(target);
      if (namesCatalogueEntries(inputs) && !failures.some((f) => CATALOGUE_PROPERTIES.test(f.property)))
        failures.push(...(await this.catalogueFailures(client, inputs)));
    }
    return { inputs, failures };
  }

  /** The flavour, node count and engine against the region's catalogue; nothing (and a note) when it cannot be read. */
  private async catalogueFailures(client: ModelArtsV2Api, inputs: Bag): Promise<CheckFailure[]> {
    const read = await this.catalogues.of(client, () => this.clock.now());
    if ("unavailable" in read) {
      this.progress(catalogueSkipped(read.unavailable, "flavour, engine and node count"));
      return [];
    }
    return checkAgainstCatalogue(inputs, read.catalogue);
  }

  /** The inputs' diff, plus a replacement when the configuration now points away from where the job lives. */
  async diff(_id: string, olds: Bag, news: Bag) {
    return diffWithRelocation(diffInputs(olds, news), olds, news, (target) => this.place(target), this.progress);
  }

  async create(news: Bag): Promise<{ id: string; outs: Bag }> {
    const target = targetOf(news);
    const client = this.deps.clientFor(target);
    // Where the job lives, recorded before anything is sent: every later call goes there.
    const inputs: Bag = {
      ...news,
      [LOCATION_KEY]: locationFor(this.place(target, client), target, (news["workspaceId"] as string) ?? "0"),
    };
    const checked = inputs as unknown as CheckedInputs;
    const deadline = this.deadline(timeoutOf(checked, "create"));
    if (checked.adoptJobId) return this.adopt(client, checked, inputs, deadline);

    const stamp = ownerStampOf(checked);
    const request = createRequest(checked, stamp);
    const workspaceId = checked.workspaceId ?? "0";
    const { job: accepted } = await submitJob<Job, Job>({
      jobName: checked.jobName,
      workspaceId,
      projectId: client.projectId,
      derivedName: isDerivedName(checked, this.randomSuffix),
      ...(stamp !== undefined ? { stamp } : {}),
      deadline: this.clock.now() + deadline.remainingMs(),
      clock: this.clock,
      poll: this.poll,
      progress: this.progress,
      hooks: {
        configNoun: "configuration",
        identify: (found) => ({ jobId: found.id, createTime: found.createTime }),
        stampOf: (found) => found.annotations?.[OWNER_ANNOTATION],
        findByName: (d) => this.findByName(client, checked.jobName, workspaceId, { deadline: d }),
        post: (d) => client.createJob(request, { deadline: d }),
        // A search item is the whole Job object: the comparison needs no other call.
        compare: async (found) => ({ differing: configDiffers(request, found), job: found }),
      },
    });
    let outs = outputsOf(inputs, accepted);
    this.progress(`training job "${checked.jobName}" accepted as job ${accepted.id} (${phaseOf(accepted)})`);
    try {
      const waitFor: WaitFor = checked.waitFor ?? "accepted";
      if (waitFor !== "accepted") outs = outputsOf(inputs, await this.waitForPhase(client, accepted, waitFor, deadline));
      return { id: accepted.id, outs };
    } catch (error) {
      throw partial(error, accepted.id, outs, inputs[PROVIDER_KEY]);
    }
  }

  /**
   * Reads the job as the service has it. On a refresh `props` are the stored outputs; for
   * `TrainingJob.get` they are only where to look. A refresh of a job that is provably gone (GET
   * answers not-found and a complete search does not list it) returns no id; a `get` fails instead.
   */
  async read(id: string, props: Bag): Promise<{ id?: string; props?: Bag; inputs?: Bag }> {
    const client = this.deps.clientFor(recordedTarget(props));
    const stored = props["jobId"] === id ? (props as unknown as TrainingJobOutputs) : undefined;
    const workspaceId = typeof props["workspaceId"] === "string" ? (props["workspaceId"] as string) : "0";
    const deadline = this.deadline(READ_TIMEOUT_MS);
    const look = () => this.findJob(client, id, stored?.jobName, workspaceId, { deadline });
    const job = stored ? await this.findListed(look, stored.createTime, this.clock.now() + NOT_FOUND_GRACE_MS) : await look();
    if (!job && !stored) throw new GetError(`v2.TrainingJob.get: no training job with id ${id} exists in project ${client.projectId}`);
    if (!job) return {};
    let base: Bag;
    if (stored) {
      base = { ...props };
      base["algorithm"] = declaredView(stored.algorithm, job.algorithm);
      base["spec"] = declaredView(stored.spec, job.spec);
      if (job.description !== "" || stored.description !== undefined) base["description"] = job.description;
    } else {
      base = { ...targetOf(props), workspaceId: job.workspaceId, algorithm: algorithmOf(job), spec: specOf(job) };
      if (job.kind && job.kind !== "job") base["kind"] = job.kind;
      if (job.description !== "") base["description"] = job.description;
    }
    delete base[PROVIDER_KEY];
    // A state written before jobs recorded their location: where the configuration points now is where it was found.
    if (!locationOf(base))
      base[LOCATION_KEY] = locationFor(this.place(targetOf(props), client), targetOf(props), job.workspaceId ?? workspaceId);
    const outs = outputsOf(base, job);
    const inputs: Bag = { ...outs };
    for (const key of COMPUTED_KEYS) delete inputs[key];
    return { id, props: outs, inputs };
  }

  /**
   * The description is the only member a v2 job changes in place; the rest of an update is state
   * only. The computed outputs are read afresh from the service.
   */
  async update(id: string, olds: Bag, news: Bag): Promise<{ outs: Bag }> {
    const before = olds as unknown as TrainingJobOutputs;
    const after = news as unknown as CheckedInputs;
    const client = this.deps.clientFor(recordedTarget(olds));
    const deadline = this.deadline(timeoutOf(after, "update"));
    const description = after.description ?? "";
    if (description !== (before.description ?? "")) {
      await persistently(
        () => client.updateDescription(id, description, { deadline }),
        this.clock.now() + deadline.remainingMs(),
        this.clock,
        this.poll,
      );
      this.progress(`training job ${id}: description updated`);
    }
    const declared: Bag = {
      ...news,
      jobName: before.jobName ?? after.jobName,
      [LOCATION_KEY]: locationOf(olds) ?? locationFor(this.place(targetOf(news)), targetOf(news), after.workspaceId ?? "0"),
    };
    // The computed outputs as the service reports them now (phase, duration), not as the last step saw them.
    const workspaceId = before.workspaceId ?? "0";
    const job = await persistently(
      () => this.findJob(client, id, before.jobName, workspaceId, { deadline }),
      this.clock.now() + deadline.remainingMs(),
      this.clock,
      this.poll,
    );
    if (job) return { outs: outputsOf(declared, job) };
    const outs: Bag = { ...declared };
    delete outs[PROVIDER_KEY];
    for (const key of COMPUTED_KEYS) if (olds[key] !== undefined) outs[key] = olds[key];
    outs["jobId"] = id;
    return { outs };
  }

  /**
   * Terminates a job that still runs (when `stopBeforeDelete`), sends DELETE (202), then waits until
   * the job is provably gone: absent from a complete search and not found by GET. All within
   * `timeouts.delete`; "not found" at any point is success.
   */
  async delete(id: string, props: Bag): Promise<void> {
    const outs = props as unknown as TrainingJobOutputs;
    const client = this.deps.clientFor(recordedTarget(props));
    const timeoutMs = timeoutOf(outs, "delete");
    const started = this.clock.now();
    const deadline = this.deadline(timeoutMs);
    const bounded: CallOptions = { deadline };
    const workspaceId = outs.workspaceId ?? "0";
    const what = `training job ${id} ("${outs.jobName}")`;
    const persist = <T>(call: () => Promise<T>, beforeChange = false) =>
      persistently(call, started + timeoutMs, this.clock, this.poll, { beforeChange, progress: this.progress });
    const look = (beforeChange = false) => persist(() => this.findJob(client, id, outs.jobName, workspaceId, bounded), beforeChange);

    // Nothing is sent yet: an endpoint that is not ModelArts ends the delete at once, naming the setting.
    const job = await this.findListed(() => look(true), outs.createTime, started + timeoutMs);
    if (!job) {
      this.progress(`${what} is already gone`);
      return;
    }
    if (outs.stopBeforeDelete !== false && (ACTIVE_PHASES.has(job.phase) || job.phase === "Terminating")) {
      if (!(await this.terminateAndWait(client, job, what, deadline))) return;
    }
    for (let wait = this.poll.firstMs; ; wait = Math.min(wait * this.poll.factor, this.poll.maxMs)) {
      try {
        await persist(() => client.deleteJob(id, bounded));
        break;
      } catch (error) {
        // "Not found" from DELETE is confirmed by a complete look-up: a job still there is waited out below.
        if (isNotFound(error)) {
          if (!(await look())) return;
          break;
        }
        // 409 (ModelArts.2796, 2878): the job runs or is changing phase. Terminate it if it runs (the
        // service will not delete it otherwise), else give it a moment, and send DELETE again.
        if (!(ModelArtsApiError.isInstance(error) && error.httpStatus === 409) || deadline.remainingMs() <= 0) throw error;
        const current = await look();
        if (!current) return;
        if (ACTIVE_PHASES.has(current.phase)) {
          this.progress(`${what}: the service refused to delete a running job (${firstLine(error)}); terminating it first`);
          if (!(await this.terminateAndWait(client, current, what, deadline))) return;
        } else {
          await this.clock.sleep(Math.min(wait, Math.max(deadline.remainingMs(), 0)));
        }
      }
    }
    this.progress(`${what}: delete requested; waiting for the service to remove it`);
    await this.watch<undefined>(
      client,
      { id, name: outs.jobName, workspaceId },
      {
        deadline,
        what: `${what} to be removed`,
        decide: (current) => (current ? { done: false, status: phaseOf(current) } : { done: true, value: undefined }),
        confirmAbsent: true,
      },
    ).catch((error: unknown) => {
      if (ModelArtsError.isInstance(error) && error.name === "ModelArtsTimeoutError") {
        const last = error as ModelArtsTimeoutError;
        const seen =
          last.lastFailure !== undefined
            ? "The delete request was accepted, but the service did not answer the last look-up, so whether the job is gone is unknown"
            : "The delete request was accepted but the job is still there";
        throw new DeleteTimeoutError(
          `${error.message}. ${seen}; it stays in the stack. ` +
            `Raise timeouts.delete (now ${formatDuration(timeoutMs)}) or run \`pulumi destroy\` again later.`,
        );
      }
      throw error;
    });
    this.progress(`${what} removed after ${formatDuration(this.clock.now() - started)}`);
  }

  /** Adopts an existing job by id instead of creating one; the declared algorithm and spec must match it. */
  private async adopt(client: ModelArtsV2Api, checked: CheckedInputs, inputs: Bag, deadline: Deadline): Promise<{ id: string; outs: Bag }> {
    const id = checked.adoptJobId!;
    const workspaceId = checked.workspaceId ?? "0";
    const job = await this.findJob(client, id, undefined, workspaceId, { deadline });
    if (!job) throw new AdoptError(`adoptJobId: no training job with id ${id} exists in project ${client.projectId}`);
    const mismatches: string[] = [];
    if (job.workspaceId !== workspaceId)
      mismatches.push(`workspaceId: "${workspaceId}" declared, the job is in workspace "${job.workspaceId}"`);
    if (!checked.jobNameAutonamed && checked.jobName && checked.jobName !== job.name)
      mismatches.push(`jobName: "${checked.jobName}" declared, the job is named "${job.name}"`);
    if ((checked.kind ?? "job") !== job.kind) mismatches.push(`kind: "${checked.kind ?? "job"}" declared, the job's is "${job.kind}"`);
    const differing = configDiffers(createRequest({ ...checked, jobName: job.name }), job);
    if (differing.length > 0) mismatches.push(`${differing.join(", ")} differ`);
    if (mismatches.length > 0) {
      throw new AdoptError(
        `the declaration does not match the adopted job ${id} ("${job.name}"): ${mismatches.join("; ")}. ` +
          `Declare the job's settings to adopt it (v2 jobs cannot change them; a changed declaration would replace the job).`,
      );
    }
    this.progress(`training job ${id} ("${job.name}") adopted`);
    return { id, outs: outputsOf({ ...inputs, jobName: job.name }, job) };
  }

  /** Waits until the job reaches what `waitFor` asks; Failed, Abnormal and Terminated reject with the service's message. */
  private async waitForPhase(client: ModelArtsV2Api, accepted: Job, waitFor: WaitFor, deadline: Deadline): Promise<Job> {
    const started = this.clock.now();
    const what = `training job ${accepted.id} ("${accepted.name}") to be ${waitFor}`;
    const job = await this.watch<Job>(
      client,
      { id: accepted.id, name: accepted.name, workspaceId: accepted.workspaceId },
      {
        deadline,
        what,
        pace: waitFor === "completed" ? "long" : "near",
        decide: (job) => {
          if (!job) {
            // A job accepted moments ago may not be listed yet (read-after-create lag).
            if (this.clock.now() - started < NOT_FOUND_GRACE_MS) return { done: false };
            throw new JobFailedError(`training job ${accepted.id} ("${accepted.name}") disappeared while waiting for it to be ${waitFor}`);
          }
          if (FAILED_PHASES.has(job.phase)) return { done: true, value: job };
          const done = waitFor === "running" ? job.phase === "Running" || job.phase === "Completed" : job.phase === "Completed";
          return done ? { done: true, value: job } : { done: false, status: phaseOf(job) };
        },
      },
    );
    if (!FAILED_PHASES.has(job.phase)) return job;
    const logs = LOGGED_PHASES.has(job.phase) ? await this.logTails(client, job, deadline) : [];
    throw new JobFailedError([failureMessage(job), formatLogTails(logs)].filter((p) => p !== "").join("\n"));
  }

  /**
   * The logs of a failed job's tasks (those with a message first), as far as the service gives
   * them within the step's deadline; a log that cannot be read says why instead.
   */
  private async logTails(client: ModelArtsV2Api, job: Job, deadline: Deadline): Promise<TaskLog[]> {
    const withMessage = (job.taskStatuses ?? []).filter((t) => t.message).map((t) => t.task);
    const tasks = [...new Set([...withMessage, ...(job.tasks ?? [])])].slice(0, DEFAULT_LOG_TAIL.tasks);
    const logs: TaskLog[] = [];
    for (const task of tasks) {
      if (deadline.remainingMs() <= 0) break;
      try {
        logs.push({ task, text: (await client.logPreview(job.id, task, { deadline })).content });
      } catch (error) {
        logs.push({ task, unavailable: firstLine(error) });
      }
    }
    return logs;
  }

  /**
   * Terminates a job and waits until it has left Terminating (and every running phase). Returns
   * false when the job turned out to be gone.
   */
  private async terminateAndWait(client: ModelArtsV2Api, job: Job, what: string, deadline: Deadline): Promise<boolean> {
    if (ACTIVE_PHASES.has(job.phase)) {
      this.progress(`${what}: terminating it (${phaseOf(job)}) before deleting`);
      try {
        await persistently(
          () => client.terminateJob(job.id, { deadline }),
          this.clock.now() + deadline.remainingMs(),
          this.clock,
          this.poll,
        );
      } catch (error) {
        if (isNotFound(error)) return (await this.findJob(client, job.id, job.name, job.workspaceId, { deadline })) !== undefined;
        // 409 (ModelArts.2796, 2878): it left a terminable phase meanwhile; the wait below settles it.
        if (!(ModelArtsApiError.isInstance(error) && error.httpStatus === 409)) throw error;
      }
    }
    return this.watch<boolean>(
      client,
      { id: job.id, name: job.name, workspaceId: job.workspaceId },
      {
        deadline,
        what: `${what} to stop`,
        decide: (current) => {
          if (!current) return { done: true, value: false };
          if (ACTIVE_PHASES.has(current.phase) || current.phase === "Terminating") return { done: false, status: phaseOf(current) };
          return { done: true, value: true };
        },
        confirmAbsent: true,
      },
    );
  }

  /**
   * The one place where this provider waits on the service: the shared poller
   * (`provider/shared/resource/poller.ts`) looks the job up with every other wait of its scope
   * (endpoint, project, workspace) until `decide` says done, within `deadline`. With
   * `confirmAbsent`, a job the complete search does not list counts as absent only once GET also
   * answers not-found; a job GET still finds is decided on as GET reports it.
   */
  private async watch<R>(
    client: ModelArtsV2Api,
    job: { id: string; name?: string; workspaceId: string },
    options: {
      decide: (job: Job | undefined) => Verdict<R>;
      deadline: Deadline;
      what: string;
      pace?: "near" | "long";
      confirmAbsent?: boolean;
    },
  ): Promise<R> {
    const scope: Scope<Job> = {
      key: JSON.stringify(["v2", clientKey(client), client.endpoint, client.projectId, job.workspaceId]),
      scan: (pending, { deadline }) => this.scan(client, pending, job.workspaceId, deadline, true),
      ...(client.pace ? { pace: client.pace } : {}),
    };
    const pending: Pending = { id: job.id, ...(job.name ? { name: job.name } : {}) };
    const ABSENT = Symbol("absent");
    for (;;) {
      const verdict = await this.pollers.watch<Job, R | typeof ABSENT>(scope, pending, {
        deadline: options.deadline,
        what: options.what,
        progress: this.progress,
        pace: options.pace ?? "near",
        tolerate: isTransient,
        decide: (found) => {
          if (!found && options.confirmAbsent) return { done: true, value: ABSENT };
          const v = options.decide(found);
          return v.done ? v : { done: false, status: v.status ?? (found ? phaseOf(found) : "not listed") };
        },
      });
      if (verdict !== ABSENT) return verdict;
      // Not listed by a complete search: gone only if GET agrees (the search may lag, or filter oddly).
      const current = await persistently(
        () => this.getUnlessGone(client, job.id, options.deadline),
        this.clock.now() + options.deadline.remainingMs(),
        this.clock,
        this.poll,
      );
      const v = options.decide(current);
      if (v.done) return v.value;
      if (options.deadline.remainingMs() <= 0) {
        throw new ModelArtsTimeoutError(
          `timed out waiting for ${options.what}; last seen by GET although the search no longer lists it`,
          options.what,
          current ? current.phase : undefined,
        );
      }
      this.progress(`${options.what}: not listed any more, but GET still finds it (${current ? phaseOf(current) : "?"}); waiting on`);
    }
  }

  /**
   * One complete search for jobs of one workspace, narrowed by name when every name is known: a map
   * by id. With `presence`, the search stops once every pending job was seen (one call a tick while
   * they are all on the first page); a job it does not list was then searched for completely.
   */
  private async scan(
    client: ModelArtsV2Api,
    pending: readonly Pending[],
    workspaceId: string,
    deadline: Deadline | undefined,
    presence = false,
  ): Promise<Map<string, Job>> {
    const names = [...new Set(pending.map((p) => p.name))];
    const byName = names.length === 1 && names[0] !== undefined && names[0] !== "";
    const wanted = new Set(pending.map((p) => p.id));
    const jobs = await client.searchAllJobs(
      { workspaceId, ...(byName ? { filters: [{ key: "name", operator: "like", value: [names[0]!] }] } : {}) },
      deadline ? { deadline } : {},
      presence ? { enough: (seen) => [...wanted].every((id) => seen.has(id)) } : {},
    );
    const found = new Map<string, Job>();
    for (const j of jobs) if (wanted.has(j.id)) found.set(j.id, j);
    return found;
  }

  /** GET by id: the job, or undefined when the service answers not-found. */
  private async getUnlessGone(client: ModelArtsV2Api, id: string, deadline: Deadline | undefined): Promise<Job | undefined> {
    try {
      return await client.getJob(id, deadline ? { deadline } : {});
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Finds a job by id: GET first (exact, any workspace); a not-found is confirmed by a complete
   * search of the job's workspace before the job counts as absent (GET may lag behind the create).
   */
  private async findJob(
    client: ModelArtsV2Api,
    id: string,
    jobName: string | undefined,
    workspaceId: string,
    options: CallOptions,
  ): Promise<Job | undefined> {
    const job = await this.getUnlessGone(client, id, options.deadline);
    if (job) return job;
    return (await this.scan(client, [{ id, ...(jobName ? { name: jobName } : {}) }], workspaceId, options.deadline)).get(id);
  }

  /** Jobs of exactly this name in the workspace (a complete search); the newest when the service shows several. */
  private async findByName(client: ModelArtsV2Api, name: string, workspaceId: string, options: CallOptions): Promise<Job | undefined> {
    const jobs = await client.searchAllJobs({ workspaceId, filters: [{ key: "name", operator: "like", value: [name] }] }, options);
    const exact = jobs.filter((j) => j.name === name && (j.workspaceId ?? "0") === workspaceId);
    return exact.sort((a, b) => b.createTime - a.createTime)[0];
  }

  /**
   * Looks up a job this stack recorded, allowing for the read-after-create lag: a job created less
   * than NOT_FOUND_GRACE_MS ago that is not found is looked for again until then (or `until`).
   */
  private async findListed(look: () => Promise<Job | undefined>, createTime: string | undefined, until: number): Promise<Job | undefined> {
    const listable = Math.min(Date.parse(createTime ?? "") + NOT_FOUND_GRACE_MS, until);
    let job = await look();
    for (let wait = this.poll.firstMs; !job && this.clock.now() < listable; wait = Math.min(wait * this.poll.factor, this.poll.maxMs)) {
      await this.clock.sleep(Math.min(wait, listable - this.clock.now()));
      job = await look();
    }
    return job;
  }

  /** Where a target resolves to now, under the provider configuration (`client`: the target's, when at hand). */
  private place(target: JobTarget, client?: { projectId: string; endpoint?: string }): ResolvedPlace {
    if (this.deps.locate) return this.deps.locate(target);
    client ??= this.deps.clientFor(target);
    return { endpoint: client.endpoint ?? "", projectId: client.projectId };
  }

  /** The end of a step that may take `timeoutMs`, on the provider's clock. */
  private deadline(timeoutMs: number): Deadline {
    return deadlineIn(timeoutMs, () => this.clock.now());
  }
}

/**
 * The create body: the job's metadata from the top-level inputs, `algorithm` and `spec` as declared,
 * and the owner stamp (when given) among the annotations; the stamp is never part of the inputs.
 */
export function createRequest(checked: CheckedInputs, stamp?: string): CreateJobRequest {
  const metadata: CreateJobRequest["metadata"] = { name: checked.jobName };
  if (checked.description !== undefined) metadata.description = checked.description;
  if (checked.workspaceId !== undefined) metadata.workspaceId = checked.workspaceId;
  if (checked.annotations !== undefined || stamp !== undefined)
    metadata.annotations = { ...checked.annotations, ...(stamp !== undefined ? { [OWNER_ANNOTATION]: stamp } : {}) };
  return {
    ...(checked.kind !== undefined ? { kind: checked.kind } : {}),
    metadata,
    algorithm: normalise(checked.algorithm) as CreateJobRequest["algorithm"],
    spec: normalise(checked.spec) as NonNullable<CreateJobRequest["spec"]>,
  };
}

/** The property paths where a job differs from the create body (the service's echoes are no difference). */
export function configDiffers(request: CreateJobRequest, job: Job): string[] {
  return [
    ...((request.kind ?? "job") !== job.kind ? ["kind"] : []),
    ...differingPaths(request.algorithm, job.algorithm, "algorithm"),
    ...differingPaths(request.spec ?? {}, job.spec, "spec"),
  ];
}

/** `Running` or `Abnormal (CreateFailed)`: the level-1 phase, with the level-2 one when it says more. */
function phaseOf(job: Job): string {
  return phaseLabel(job.phase, job.secondaryPhase);
}

/** The service's own account of a failure: the phases and every task's message. */
export function failureMessage(job: Job): string {
  const messages = (job.taskStatuses ?? [])
    .filter((t) => t.message)
    .map((t) => `${t.task}: ${t.message}${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ""}`);
  const unique = [...new Set(messages)];
  return (
    `training job ${job.id} ("${job.name}") ended in ${phaseOf(job)}` +
    (unique.length > 0 ? `: ${unique.join("; ")}` : ": the service gave no message")
  );
}

function partial(error: unknown, id: string, outs: Bag, provider: unknown): PartialStateError {
  const text = error instanceof Error ? error.message : String(error);
  // A failure's log tail (lines after the first) goes last, after what to do.
  const [reason, ...logLines] = text.split("\n");
  const properties: Bag = { ...outs };
  if (provider !== undefined) properties[PROVIDER_KEY] = provider;
  return new PartialStateError(
    `training job ${id} was created but did not reach the requested state: ${reason}. ` +
      `It is recorded in the stack: fix the cause and run \`pulumi up\` again, or \`pulumi destroy\` to remove it.` +
      (logLines.length > 0 ? `\n${logLines.join("\n")}` : ""),
    id,
    properties,
  );
}

function isoTime(ms: number | undefined): string {
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : "";
}

/** Inputs (minus `__provider`) plus the computed outputs from the job as the service reports it. */
function outputsOf(inputs: Bag, job: Job): Bag {
  const outs: Bag = { ...inputs };
  delete outs[PROVIDER_KEY];
  outs["jobId"] = job.id;
  outs["jobName"] = job.name || (inputs["jobName"] as string);
  outs["phase"] = job.phase;
  outs["secondaryPhase"] = job.secondaryPhase ?? "";
  outs["createTime"] = isoTime(job.createTime);
  outs["startTime"] = isoTime(job.startTime);
  outs["duration"] = job.duration ?? 0;
  outs["tasks"] = [...(job.tasks ?? [])];
  const flavorName = job.spec?.resource?.flavorName;
  if (typeof flavorName === "string" && flavorName !== "") outs["flavorName"] = flavorName;
  else delete outs["flavorName"];
  return outs;
}

const clientKeys = new WeakMap<object, number>();
let clientCount = 0;
/** One number per client object: two clients (two credentials) may see different jobs, so they never share a scope. */
function clientKey(client: object): number {
  let key = clientKeys.get(client);
  if (key === undefined) clientKeys.set(client, (key = ++clientCount));
  return key;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}
