/**
 * The TrainingJob provider's implementation. The serialized stub (`stub.ts`) loads this module from
 * the installed package when the engine calls it, so a fix here reaches stacks created by older
 * versions. Every lifecycle method follows the contract written in docs/resources.md, "Lifecycle semantics".
 */
import { isNotFound, isTransient, ModelArtsApiError, ModelArtsError, ModelArtsTimeoutError } from "../../shared/api/errors";
import { deadlineIn, type Deadline } from "../../shared/api/retry";
import { isTerminal, statusClass, statusName } from "../api/status";
import {
  JOB_CONFIG_KEYS,
  type CallOptions,
  type JobConfig,
  type JobSummary,
  type ListJobsQuery,
  type ModelArtsApi,
  type VersionDetails,
} from "../api/types";
import { DEFAULT_LOG_TAIL, formatLogTails, type TaskLog } from "../../shared/resource/log-tail";
import { catalogueSkipped } from "../../shared/resource/catalogue-cache";
import { V1CatalogueCache, checkAgainstV1Catalogue, namesV1CatalogueEntries, processV1Catalogues } from "./catalogue-check";
import { deepEqual, diffInputs, normalise } from "./diff";
import { echoOf, withoutAddedEchoes } from "./echo";
import { formatDuration } from "../../shared/resource/duration";
import type { CheckedInputs, TrainingJobConfig, TrainingJobOutputs, WaitFor } from "./inputs";
import { containsUnknown, JOB_NAME_PATTERN, validateInputs, validateProfile, type CheckFailure } from "./validate";
import { NOT_FOUND_GRACE_MS, submitJob } from "./ownership";
import { persistently } from "../../shared/resource/persist";
import { checkSchedule, DEFAULT_POLL, pollUntil, realClock, type Clock, type PollSchedule } from "../../shared/resource/waiter";
import { Pollers, processPollers, type Pending, type Scope } from "../../shared/resource/poller";

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
import { isDerivedName, suffixFrom, withAutoname } from "../../shared/resource/autoname";
import { PartialStateError } from "../../shared/resource/partial-state";
export { autoname } from "../../shared/resource/autoname";
export { PartialStateError } from "../../shared/resource/partial-state";

type Bag = Record<string, unknown>;

export interface ProviderDeps {
  /** Returns the API client for a target; throws a `ConfigurationError` naming what is missing. */
  clientFor(target: JobTarget): ModelArtsApi;
  /**
   * Where a target resolves to under the current configuration (endpoint, region, project), without
   * any call. @default the client's project (and endpoint, when it tells one)
   */
  locate?(target: JobTarget): ResolvedPlace;
  /** Reports progress (status changes, elapsed time) where the Pulumi CLI shows it. */
  progress?: (line: string) => void;
  /** The names of the configured credentials profiles; throws a `ConfigurationError` if they are malformed. */
  profileNames?: () => readonly string[];
  clock?: Clock;
  /** Poll schedule for retries of failed calls, for the waits not shared, and (given) the shared waits' pace. */
  poll?: PollSchedule;
  /**
   * The shared pollers that answer every wait of a scope with one list scan a tick. By default the
   * process-wide ones, or (with `clock` given) the provider's own on that clock.
   */
  pollers?: Pollers;
  /**
   * Suffix for autonaming, 7 lower-case hex characters. By default derived from the seed (the
   * project, stack and resource name), so that preview and update agree on the name; random
   * without a seed.
   */
  randomSuffix?: (seed: string | undefined) => string;
  /** The catalogues `check` reads the flavour, engine and worker count against. @default the process's (`processV1Catalogues()`) */
  catalogues?: V1CatalogueCache;
}

/** Properties the catalogue rules judge: a value `check` already refused is not judged again. */
const V1_CATALOGUE_PROPERTIES = /^config\.(specId|flavor|poolId|workerServerNum|engineId)/;

export interface CheckResult {
  inputs: Bag;
  failures: CheckFailure[];
}

export class TrainingJobProviderImpl {
  private readonly clock: Clock;
  private readonly poll: PollSchedule;
  private readonly progress: (line: string) => void;
  private readonly randomSuffix: (seed: string | undefined) => string;
  private readonly pollers: Pollers;
  private readonly catalogues: V1CatalogueCache;

  constructor(private readonly deps: ProviderDeps) {
    this.clock = deps.clock ?? realClock;
    this.catalogues = deps.catalogues ?? processV1Catalogues();
    this.poll = checkSchedule(deps.poll ?? DEFAULT_POLL);
    this.pollers =
      deps.pollers ??
      (deps.clock || deps.poll ? new Pollers(this.clock, deps.poll ? { near: deps.poll, long: deps.poll } : {}) : processPollers());
    this.progress = deps.progress ?? (() => undefined);
    this.randomSuffix = deps.randomSuffix ?? suffixFrom;
  }

  /** Autonames the job, validates every input, and checks that the provider can be configured. */
  async check(olds: Bag, news: Bag): Promise<CheckResult> {
    const inputs = withAutoname(olds, news, this.randomSuffix);
    delete inputs[PROVIDER_KEY];
    const failures = validateInputs(inputs);
    const profileFailures = validateProfile(inputs["profile"], this.deps.profileNames ?? (() => []));
    failures.push(...profileFailures);
    const target = targetOf(inputs);
    if (profileFailures.length === 0 && !containsUnknown(target)) {
      const client = this.deps.clientFor(target);
      if (namesV1CatalogueEntries(inputs) && !failures.some((f) => V1_CATALOGUE_PROPERTIES.test(f.property))) {
        const read = await this.catalogues.of(client, () => this.clock.now());
        if ("unavailable" in read) this.progress(catalogueSkipped(read.unavailable, "flavour, engine and worker count"));
        else failures.push(...checkAgainstV1Catalogue(inputs, read.catalogue));
      }
    }
    return { inputs, failures };
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

    const { job: accepted } = await submitJob({
      client,
      request: {
        jobName: checked.jobName,
        ...(checked.description !== undefined ? { jobDesc: checked.description } : {}),
        ...(checked.workspaceId !== undefined ? { workspaceId: checked.workspaceId } : {}),
        config: toApiConfig(checked.config),
      },
      derivedName: isDerivedName(checked, this.randomSuffix),
      deadline: this.clock.now() + deadline.remainingMs(),
      clock: this.clock,
      poll: this.poll,
      progress: this.progress,
    });
    let outs = outputsOf(inputs, {
      jobId: accepted.jobId,
      jobName: accepted.jobName || checked.jobName,
      versionId: accepted.versionId,
      versionName: accepted.versionName,
      status: accepted.status,
      createTime: accepted.createTime,
      duration: 0,
      versionCount: 1,
      ...(accepted.resourceId ? { resourceId: accepted.resourceId } : {}),
    });
    this.progress(`training job "${checked.jobName}" accepted as job ${accepted.jobId} (${statusName(accepted.status)})`);
    try {
      const details = await this.waitForVersion(client, outs, checked.waitFor ?? "submitted", deadline);
      outs = mergeDetails(outs, details);
      return { id: accepted.jobId, outs };
    } catch (error) {
      throw this.partial(error, accepted.jobId, outs, inputs[PROVIDER_KEY], "create");
    }
  }

  /**
   * Reads the job as the service has it. On a refresh `props` are the stored outputs; for
   * `TrainingJob.get` they are only where to look (region, projectId, endpoint, profile), and every
   * output and input is built from the service. Returns the inputs too, so that the state's inputs
   * are the job as it is and the next diff is a true one. Reads never change or adopt anything.
   */
  async read(id: string, props: Bag): Promise<{ id?: string; props?: Bag; inputs?: Bag }> {
    const client = this.deps.clientFor(recordedTarget(props));
    // Stored outputs always carry the job id; the props of a `get` never do.
    const stored = props["jobId"] === id ? (props as unknown as TrainingJobOutputs) : undefined;
    const workspaceId = typeof props["workspaceId"] === "string" ? (props["workspaceId"] as string) : undefined;
    const deadline = this.deadline(READ_TIMEOUT_MS);
    const look = () => this.findJob(client, id, stored?.jobName, workspaceId, { deadline });
    // A stored job that the list does not show yet may be one made moments ago (read-after-create lag).
    const job = stored ? await this.findListed(look, stored.createTime, this.clock.now() + NOT_FOUND_GRACE_MS) : await look();
    // No id tells a refresh that the job is gone; a `get` must fail instead (the host would record an empty job).
    if (!job && !stored) throw new GetError(`TrainingJob.get: no training job with id ${id} exists in project ${client.projectId}`);
    if (!job) return {};
    let details: VersionDetails | undefined;
    try {
      // A job whose versions were all deleted is listed without one: there are no details to read.
      if (job.versionId !== "") details = await client.getVersion(id, job.versionId, { deadline });
    } catch (error) {
      // A refresh keeps the stored config when the version vanished in between; a `get` has none to keep.
      if (!stored || !isNotFound(error)) throw error;
    }
    const base: Bag = stored ? { ...props } : { ...targetOf(props), ...(workspaceId !== undefined ? { workspaceId } : {}) };
    delete base[PROVIDER_KEY];
    // A state written before jobs recorded their location: where the configuration points now is where it was found.
    if (!locationOf(base)) base[LOCATION_KEY] = locationFor(this.place(targetOf(props), client), targetOf(props), workspaceId ?? "0");
    const summary = mergeSummary({ ...base, jobId: id, versionName: stored?.versionName ?? "" }, job);
    const outs = mergeDetails(summary, details);
    outs["config"] = stored ? (details ? driftConfig(stored.config, details) : stored.config) : configFromDetails(details!);
    const description = job.jobDesc || undefined;
    if (description !== undefined || stored?.description !== undefined) outs["description"] = job.jobDesc ?? stored?.description;
    else delete outs["description"];
    const inputs: Bag = { ...outs };
    for (const key of COMPUTED_KEYS) delete inputs[key];
    return { id, props: outs, inputs };
  }

  async update(id: string, olds: Bag, news: Bag): Promise<{ outs: Bag }> {
    const before = olds as unknown as TrainingJobOutputs;
    const after = news as unknown as CheckedInputs;
    const client = this.deps.clientFor(recordedTarget(olds));
    const deadline = this.deadline(timeoutOf(after, "update"));
    const bounded: CallOptions = { deadline };
    // The job stays where it lives (a state written before locations records the configuration's place now).
    const kept: Bag = {
      ...news,
      [LOCATION_KEY]: locationOf(olds) ?? locationFor(this.place(targetOf(news)), targetOf(news), after.workspaceId ?? "0"),
    };
    // What the service has accepted so far: on a failure, the state records exactly that.
    let applied: Bag | undefined;
    let outs = outputsOf(kept, computedOf(before));
    try {
      const newDesc = after.description ?? "";
      if (newDesc !== (before.description ?? "")) {
        await client.updateDescription(id, newDesc, bounded);
        applied = { ...olds, description: after.description };
        this.progress(`training job ${id}: description updated`);
      }
      if (!deepEqual(before.config, after.config)) {
        const current = await this.findJob(client, id, before.jobName, before.workspaceId, bounded);
        const currentVersion = current?.versionId ?? before.versionId;
        if (current && statusClass(current.status) === "in-progress") {
          this.progress(`training job ${id}: stopping version ${currentVersion} before creating a new version`);
          await this.stopAndWait(client, id, currentVersion, deadline, before);
        }
        const versionConfig: JobConfig = toApiConfig(after.config);
        delete versionConfig.volumes;
        const created = await client.createVersion(
          id,
          {
            ...(after.description !== undefined ? { jobDesc: after.description } : {}),
            config: { ...versionConfig, preVersionId: currentVersion },
          },
          bounded,
        );
        outs = outputsOf(kept, {
          ...computedOf(before),
          versionId: created.versionId,
          versionName: created.versionName,
          status: created.status,
          duration: 0,
          versionCount: (current?.versionCount ?? before.versionCount) + 1,
        });
        applied = outs;
        this.progress(`training job ${id}: version ${created.versionName} (${created.versionId}) created`);
        const details = await this.waitForVersion(client, outs, after.waitFor ?? "submitted", deadline);
        outs = mergeDetails(outs, details);
      } else if (before.versionId) {
        // The status and duration as the service reports them now, not as the last step saw them.
        const versionId = before.versionId;
        const details = await persistently(
          () => client.getVersion(id, versionId, bounded),
          this.clock.now() + deadline.remainingMs(),
          this.clock,
          this.poll,
        );
        outs = mergeDetails(outs, details);
      }
      return { outs };
    } catch (error) {
      // Nothing accepted: a plain failure, and the engine keeps the previous state.
      if (applied === undefined) throw error;
      throw this.partial(error, id, applied, news[PROVIDER_KEY], "update");
    }
  }

  async delete(id: string, props: Bag): Promise<void> {
    const outs = props as unknown as TrainingJobOutputs;
    const client = this.deps.clientFor(recordedTarget(props));
    const timeoutMs = timeoutOf(outs, "delete");
    const started = this.clock.now();
    const deadline = this.deadline(timeoutMs);
    const bounded: CallOptions = { deadline };
    const remaining = () => deadline.remainingMs();
    const what = `training job ${id} ("${outs.jobName}")`;
    // Every call of the delete persists through transient failures until timeouts.delete.
    const persist = <T>(call: () => Promise<T>, beforeChange = false) =>
      persistently(call, started + timeoutMs, this.clock, this.poll, { beforeChange, progress: this.progress });

    // The look-up shares the scope's scans: the deletes of a destroy look for their jobs together.
    const job = await this.findListed(
      // Nothing is sent yet: an endpoint that is not ModelArts ends the delete at once, naming the setting.
      () => persist(() => this.lookUp(client, id, outs.jobName, outs.workspaceId, deadline), true),
      outs.createTime,
      started + timeoutMs,
    );
    if (!job) {
      this.progress(`${what} is already gone`);
      return;
    }
    if (outs.stopBeforeDelete !== false && statusClass(job.status) === "in-progress") {
      this.progress(`${what}: stopping version ${job.versionId} (${statusName(job.status)}) before deleting`);
      await this.stopAndWait(client, id, job.versionId, deadline, outs);
    }
    for (let wait = this.poll.firstMs; ; wait = Math.min(wait * this.poll.factor, this.poll.maxMs)) {
      try {
        await persist(() => client.deleteJob(id, bounded));
        break;
      } catch (error) {
        // "Not found" from DELETE is confirmed by a complete look-up: a job still listed is waited out below.
        if (isNotFound(error)) {
          if (!(await persist(() => this.lookUp(client, id, outs.jobName, outs.workspaceId, deadline)))) return;
          break;
        }
        // 409 (ModelArts.2796, 2878): the job is running or changing state. Stop it if it runs (the
        // service will not delete it otherwise), else give it a moment, and send DELETE again.
        if (!(ModelArtsApiError.isInstance(error) && error.httpStatus === 409) || remaining() <= 0) throw error;
        const current = await persist(() => this.lookUp(client, id, outs.jobName, outs.workspaceId, deadline));
        if (!current) return;
        if (statusClass(current.status) === "in-progress" && current.status !== 9) {
          this.progress(`${what}: the service refused to delete a running job; stopping version ${current.versionId} first`);
          await this.stopAndWait(client, id, current.versionId, deadline, outs);
        } else {
          await this.clock.sleep(Math.min(wait, Math.max(remaining(), 0)));
        }
      }
    }
    this.progress(`${what}: delete requested; waiting for the service to remove it`);
    const priorDeleteFailed = job.status === 6;
    await this.pollers
      .watch<JobSummary, void>(this.scopeOf(client, outs.workspaceId), pendingOf(id, outs.jobName), {
        decide: (current) => {
          if (!current) return { done: true, value: undefined };
          if (current.status === 6 && !priorDeleteFailed) {
            throw new DeleteFailedError(
              `${what} ended in ${describeStatus(6)}: the service could not delete it. It stays in the stack; ` +
                `check the job in the ModelArts console, then run \`pulumi destroy\` again (or \`pulumi state delete\` if you removed it by hand).`,
            );
          }
          return { done: false, status: describeStatus(current.status) };
        },
        deadline,
        what: `${what} to be removed`,
        progress: this.progress,
        tolerate: isTransient,
        pace: "near",
      })
      .catch((error: unknown) => {
        if (ModelArtsError.isInstance(error) && error.name === "ModelArtsTimeoutError") {
          // Say what the last poll saw: a job still listed, or no answer at all (then it may be gone).
          const last = error as ModelArtsTimeoutError;
          const seen =
            last.lastFailure !== undefined
              ? "The delete request was accepted, but the service did not answer the last look-up, so whether the job is gone is unknown"
              : last.lastStatus !== undefined
                ? `The delete request was accepted but the job is still listed with status ${typeof last.lastStatus === "number" ? describeStatus(last.lastStatus) : last.lastStatus}`
                : "The delete request was accepted but the job's removal was not confirmed";
          throw new DeleteTimeoutError(
            `${error.message}. ${seen}; it stays in the stack. ` +
              `Raise timeouts.delete (now ${formatDuration(timeoutMs)}) or run \`pulumi destroy\` again later.`,
          );
        }
        throw error;
      });
    this.progress(`${what} removed after ${formatDuration(this.clock.now() - started)}`);
  }

  /** Adopts an existing job instead of creating one; the declared config must match it. */
  private async adopt(client: ModelArtsApi, checked: CheckedInputs, inputs: Bag, deadline: Deadline): Promise<{ id: string; outs: Bag }> {
    const id = checked.adoptJobId!;
    const job = await this.findJob(client, id, checked.jobNameAutonamed ? undefined : checked.jobName, checked.workspaceId, { deadline });
    if (!job) {
      throw new AdoptError(
        `adoptJobId: no training job with id ${id} exists in workspace "${checked.workspaceId ?? "0"}" of project ${client.projectId}`,
      );
    }
    if (!checked.jobNameAutonamed && checked.jobName && checked.jobName !== job.jobName) {
      throw new AdoptError(`jobName: "${checked.jobName}" does not match the adopted job ${id}, which is named "${job.jobName}"`);
    }
    const details = await client.getVersion(id, job.versionId, { deadline });
    const actual = driftConfig(checked.config, details);
    const differing = Object.keys(normalise(checked.config) as Bag).filter(
      (k) => !deepEqual((checked.config as unknown as Bag)[k], (actual as unknown as Bag)[k]),
    );
    if (differing.length > 0) {
      throw new AdoptError(
        `config does not match the adopted job ${id} ("${job.jobName}"): ${differing.map((k) => `config.${k}`).join(", ")} differ. ` +
          `Declare the job's current settings to adopt it; change them afterwards to create a new version.`,
      );
    }
    const outs = mergeDetails(
      mergeSummary(outputsOf({ ...inputs, jobName: job.jobName }, { ...computedOf(undefined), jobId: id, jobName: job.jobName }), job),
      details,
    );
    this.progress(`training job ${id} ("${job.jobName}") adopted`);
    return { id, outs };
  }

  /**
   * Looks up a job this stack recorded, allowing for the read-after-create lag: a job created less
   * than NOT_FOUND_GRACE_MS ago that the list does not show is looked for again until then (or
   * `until`, the step's deadline), since its absence proves nothing before that.
   */
  private async findListed(
    look: () => Promise<JobSummary | undefined>,
    createTime: string | undefined,
    until: number,
  ): Promise<JobSummary | undefined> {
    // An unreadable create time (NaN) allows no grace: the first complete look-up decides.
    const listable = Math.min(Date.parse(createTime ?? "") + NOT_FOUND_GRACE_MS, until);
    let job = await look();
    for (let wait = this.poll.firstMs; !job && this.clock.now() < listable; wait = Math.min(wait * this.poll.factor, this.poll.maxMs)) {
      await this.clock.sleep(Math.min(wait, listable - this.clock.now()));
      job = await look();
    }
    return job;
  }

  /**
   * Finds a job by exact id in its workspace (the list shows one workspace only: searching another
   * would conclude absence wrongly), searching by name to keep pages small when the name is known.
   */
  private async findJob(
    client: ModelArtsApi,
    id: string,
    jobName: string | undefined,
    workspaceId: string | undefined,
    options: CallOptions = {},
  ): Promise<JobSummary | undefined> {
    const scope = { perPage: 1000, workspaceId: workspaceId || "0" };
    const query = jobName && JOB_NAME_PATTERN.test(jobName) ? { ...scope, searchContent: jobName } : scope;
    const jobs = await client.listAllJobs(query, options);
    return jobs.find((j) => j.jobId === id);
  }

  /** The last lines of a failed version's first workers' logs, within the step's deadline; a log that cannot be read says why. */
  private async logTails(client: ModelArtsApi, jobId: string, versionId: string, deadline: Deadline): Promise<TaskLog[]> {
    let files: string[];
    try {
      files = await client.logFileNames(jobId, versionId, { deadline });
    } catch (error) {
      return [{ task: "the job", unavailable: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "" }];
    }
    const logs: TaskLog[] = [];
    for (const logFile of files.slice(0, DEFAULT_LOG_TAIL.tasks)) {
      if (deadline.remainingMs() <= 0) break;
      try {
        logs.push({
          task: logFile,
          text: (await client.logs(jobId, versionId, { logFile, lines: DEFAULT_LOG_TAIL.lines }, { deadline })).content,
        });
      } catch (error) {
        logs.push({ task: logFile, unavailable: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "" });
      }
    }
    return logs;
  }

  /**
   * Waits until the version reaches what `waitFor` asks; failure statuses reject. The list reports
   * each job's latest version with its status, so the scope's shared scans watch it (one scan for
   * every job waiting in the workspace); the version's details are read once the list shows it
   * settled, and that read decides. When the list cannot tell (the job not listed yet, or a newer
   * version), the version itself is polled.
   */
  private async waitForVersion(client: ModelArtsApi, outs: Bag, waitFor: WaitFor, deadline: Deadline): Promise<VersionDetails | undefined> {
    const jobId = outs["jobId"] as string;
    const versionId = outs["versionId"] as string;
    const jobName = outs["jobName"] as string;
    const started = this.clock.now();
    const what = `training job ${jobId} ("${jobName}") version ${versionId} to be ${waitFor}`;
    const reached = (status: number) => {
      const cls = statusClass(status);
      return (
        cls === "failed" ||
        (cls === "stopped" && waitFor !== "submitted") ||
        waitFor === "submitted" ||
        (waitFor === "running" && (status === 8 || cls === "succeeded")) ||
        (waitFor === "completed" && cls === "succeeded")
      );
    };
    if (waitFor !== "submitted") {
      await this.pollers.watch<JobSummary, void>(
        this.scopeOf(client, outs["workspaceId"] as string | undefined),
        pendingOf(jobId, jobName),
        {
          decide: (job) => {
            // Not listed yet (read-after-create lag), or listed with another latest version: ask the version.
            if (!job) return this.clock.now() - started < NOT_FOUND_GRACE_MS ? { done: false } : { done: true, value: undefined };
            if (job.versionId !== versionId || reached(job.status)) return { done: true, value: undefined };
            return { done: false, status: describeStatus(job.status) };
          },
          deadline,
          what,
          progress: this.progress,
          tolerate: isTransient,
          pace: waitFor === "completed" ? "long" : "near",
        },
      );
    }
    return pollUntil<VersionDetails | undefined>(
      async () => {
        let details: VersionDetails;
        try {
          details = await client.getVersion(jobId, versionId, { deadline });
        } catch (error) {
          if (isNotFound(error) && this.clock.now() - started < NOT_FOUND_GRACE_MS) return { done: false, value: undefined };
          throw error;
        }
        const cls = statusClass(details.status);
        if (cls === "failed" || (cls === "stopped" && waitFor !== "submitted")) {
          const head = `training job ${jobId} ("${jobName}") version ${details.versionName} ended in ${describeStatus(details.status)}`;
          const logs = cls === "failed" ? formatLogTails(await this.logTails(client, jobId, versionId, deadline)) : "";
          throw new JobFailedError(logs === "" ? head : `${head}\n${logs}`);
        }
        return { done: reached(details.status), value: details, status: details.status };
      },
      {
        schedule: this.poll,
        timeoutMs: Math.max(deadline.remainingMs(), 1),
        clock: this.clock,
        what,
        progress: this.progress,
        describe: describeStatus,
        tolerate: isTransient,
        probeFirst: true,
      },
    );
  }

  /**
   * Stops a version and waits until it no longer runs. "Not found" counts as stopped. The wait
   * shares the scope's list scans (the list shows the latest version's status); for an older
   * version, the version itself is polled.
   */
  private async stopAndWait(
    client: ModelArtsApi,
    jobId: string,
    versionId: string,
    deadline: Deadline,
    where: { jobName?: string; workspaceId?: string },
  ): Promise<void> {
    try {
      await persistently(
        () => client.stopVersion(jobId, versionId, { deadline }),
        this.clock.now() + deadline.remainingMs(),
        this.clock,
        this.poll,
      );
    } catch (error) {
      if (isNotFound(error)) return;
      // 409: the version already left a stoppable state (ModelArts.2796, docs/api-v1.md §5.3); the wait below settles it.
      if (!(ModelArtsApiError.isInstance(error) && error.httpStatus === 409)) throw error;
    }
    const what = `training job ${jobId} version ${versionId} to stop`;
    const listed = await this.pollers.watch<JobSummary, "stopped" | "ask">(
      this.scopeOf(client, where.workspaceId),
      pendingOf(jobId, where.jobName),
      {
        decide: (job) => {
          // A job no complete scan lists is gone, so its version does not run.
          if (!job) return { done: true, value: "stopped" };
          if (job.versionId !== versionId) return { done: true, value: "ask" };
          return isTerminal(job.status) ? { done: true, value: "stopped" } : { done: false, status: describeStatus(job.status) };
        },
        deadline,
        what,
        progress: this.progress,
        tolerate: isTransient,
        pace: "near",
      },
    );
    if (listed === "stopped") return;
    await pollUntil(
      async () => {
        try {
          const details = await client.getVersion(jobId, versionId, { deadline });
          return { done: isTerminal(details.status), value: undefined, status: details.status };
        } catch (error) {
          if (isNotFound(error)) return { done: true, value: undefined };
          throw error;
        }
      },
      {
        schedule: this.poll,
        timeoutMs: Math.max(deadline.remainingMs(), 1),
        clock: this.clock,
        what,
        progress: this.progress,
        describe: describeStatus,
        tolerate: isTransient,
      },
    );
  }

  /**
   * Looks a job up through the scope's shared scans (a complete look-up, as `findJob`): the look-ups
   * of a destroy's deletes, made together, share one scan.
   */
  private lookUp(client: ModelArtsApi, id: string, jobName: string | undefined, workspaceId: string | undefined, deadline: Deadline) {
    return this.pollers.watch<JobSummary, JobSummary | undefined>(this.scopeOf(client, workspaceId), pendingOf(id, jobName), {
      decide: (job) => ({ done: true, value: job }),
      deadline,
      what: `training job ${id} to be looked up`,
      // Failures go to the caller, which persists through transient ones as it does for every call.
      tolerate: () => false,
      firstMs: LOOKUP_GATHER_MS,
    });
  }

  /** The scope of a workspace as seen by `client`: waits on it share their scans. */
  private scopeOf(client: ModelArtsApi, workspaceId: string | undefined): Scope<JobSummary> {
    const workspace = workspaceId || "0";
    const key = JSON.stringify(["v1", clientIdentity(client), client.projectId, workspace]);
    return {
      key,
      scan: async (pending, { deadline }) => {
        const ids = new Set(pending.map((p) => p.id));
        const names = [...new Set(pending.map((p) => p.name))];
        const scope: Omit<ListJobsQuery, "page"> = { perPage: 1000, workspaceId: workspace };
        // The cheapest complete look: for one job name, the list narrowed by search_content (one call
        // for up to 1000 matches); for several, one scan of the whole workspace (one call per 1000
        // jobs), unless the workspace is known to need more pages than there are names to search.
        const searchable = names.every((n): n is string => n !== undefined && JOB_NAME_PATTERN.test(n));
        const pages = Math.max(1, Math.ceil((workspaceSizes.get(key) ?? 0) / 1000));
        const queries = searchable && names.length < pages + 1 ? names.map((name) => ({ ...scope, searchContent: name })) : [scope];
        const found = new Map<string, JobSummary>();
        for (const query of queries) {
          const jobs = await client.listAllJobs(query, { deadline });
          if (query.searchContent === undefined) workspaceSizes.set(key, jobs.length);
          for (const job of jobs) if (ids.has(job.jobId)) found.set(job.jobId, job);
        }
        return found;
      },
      ...(client.pace ? { pace: client.pace } : {}),
    };
  }

  /** Where a target resolves to now, under the provider configuration (`client`: the target's, when at hand). */
  private place(target: JobTarget, client?: { projectId: string; endpoint?: string }): ResolvedPlace {
    if (this.deps.locate) return this.deps.locate(target);
    client ??= this.deps.clientFor(target) as ModelArtsApi & { endpoint?: string };
    return { endpoint: client.endpoint ?? "", projectId: client.projectId };
  }

  /** The end of a step that may take `timeoutMs`, on the provider's clock. */
  private deadline(timeoutMs: number): Deadline {
    return deadlineIn(timeoutMs, () => this.clock.now());
  }

  private partial(error: unknown, id: string, outs: Bag, provider: unknown, step: "create" | "update"): PartialStateError {
    const text = error instanceof Error ? error.message : String(error);
    // A failure's log tail (lines after the first) goes last, after what to do.
    const [reason, ...logLines] = text.split("\n");
    const properties: Bag = { ...outs };
    if (provider !== undefined) properties[PROVIDER_KEY] = provider;
    const message =
      step === "create"
        ? `training job ${id} was created but did not reach the requested state: ${reason}. ` +
          `It is recorded in the stack: fix the cause and run \`pulumi up\` again, or \`pulumi destroy\` to remove it.`
        : `training job ${id} was only partly updated: ${reason}. ` +
          `The stack records what the service accepted: fix the cause and run \`pulumi up\` again.`;
    return new PartialStateError(logLines.length > 0 ? `${message}\n${logLines.join("\n")}` : message, id, properties);
  }
}

export class DeleteFailedError extends ModelArtsError {
  override readonly name = "DeleteFailedError";
}

/** How long a look-up waits for others to share its scan: the deletes of a destroy arrive together. */
export const LOOKUP_GATHER_MS = 50;

/** Jobs in each scope's workspace at its last full scan (a scan picks its queries by it). */
const workspaceSizes = new Map<string, number>();

function pendingOf(id: string, jobName: string | undefined): Pending {
  return jobName ? { id, name: jobName } : { id };
}

const clientIds = new WeakMap<object, number>();
let clientCount = 0;

/** Names what a client sees (endpoint, project, credentials: no secret); an object without a name, by its identity. */
function clientIdentity(client: ModelArtsApi): string {
  let named: string | undefined;
  try {
    named = String(client);
  } catch {
    named = undefined;
  }
  if (named !== undefined && named !== "[object Object]") return named;
  if (!clientIds.has(client)) clientIds.set(client, ++clientCount);
  return `client #${clientIds.get(client)!}`;
}

export function describeStatus(status: number): string {
  return `${statusName(status)} (${status})`;
}

/** The resource's config is the API's config (minus `createVersion`); undefined members dropped. */
function toApiConfig(config: TrainingJobConfig): JobConfig {
  return normalise(config) as JobConfig;
}

interface Computed {
  jobId: string;
  jobName: string;
  versionId: string;
  versionName: string;
  status: number;
  createTime: number | string;
  duration: number;
  versionCount: number;
  resourceId?: string;
}

function computedOf(outs: TrainingJobOutputs | undefined): Computed {
  return {
    jobId: outs?.jobId ?? "",
    jobName: outs?.jobName ?? "",
    versionId: outs?.versionId ?? "",
    versionName: outs?.versionName ?? "",
    status: outs?.status ?? 0,
    createTime: outs?.createTime ?? 0,
    duration: outs?.duration ?? 0,
    versionCount: outs?.versionCount ?? 0,
    ...(outs?.resourceId ? { resourceId: outs.resourceId } : {}),
  };
}

/** Inputs (minus `__provider`) plus the computed outputs. */
function outputsOf(inputs: Bag, computed: Computed): Bag {
  const outs: Bag = { ...inputs };
  delete outs[PROVIDER_KEY];
  outs["jobId"] = computed.jobId;
  outs["jobName"] = computed.jobName;
  outs["versionId"] = computed.versionId;
  outs["versionName"] = computed.versionName;
  outs["status"] = computed.status;
  outs["statusName"] = statusName(computed.status);
  outs["createTime"] = isoTime(computed.createTime);
  outs["duration"] = computed.duration;
  outs["versionCount"] = computed.versionCount;
  if (computed.resourceId) outs["resourceId"] = computed.resourceId;
  else delete outs["resourceId"];
  return outs;
}

function isoTime(value: number | string): string {
  if (typeof value === "string" && !/^\d+$/.test(value)) return value;
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : "";
}

function mergeSummary(outs: Bag, job: JobSummary): Bag {
  return {
    ...outs,
    jobName: job.jobName,
    versionId: job.versionId,
    status: job.status,
    statusName: statusName(job.status),
    createTime: isoTime(job.createTime),
    duration: job.duration,
    versionCount: job.versionCount,
  };
}

function mergeDetails(outs: Bag, details: VersionDetails | undefined): Bag {
  if (!details) return outs;
  const merged: Bag = {
    ...outs,
    versionId: details.versionId,
    versionName: details.versionName,
    status: details.status,
    statusName: statusName(details.status),
    duration: details.duration,
  };
  if (details.resourceId) merged["resourceId"] = details.resourceId;
  return merged;
}

/** Outputs that the service computes: never inputs. */
const COMPUTED_KEYS = [
  "jobId",
  "versionId",
  "versionName",
  "status",
  "statusName",
  "createTime",
  "duration",
  "versionCount",
  "resourceId",
  "location",
];

/** A job's whole config as the service reports it, for a job read without a declared config. */
export function configFromDetails(details: VersionDetails): TrainingJobConfig {
  const declared: Bag = {};
  for (const key of JOB_CONFIG_KEYS) {
    const value = details[key];
    // The service echoes unset fields as empty values: they were never part of the job's config.
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    declared[key] = value;
  }
  return withoutAddedEchoes(driftConfig(declared as unknown as TrainingJobConfig, details), details);
}

/**
 * The declared config with the values the service reports for the keys the user set (docs/api-v1.md §9.16: only
 * diff fields the user set, and never treat a missing echo as drift).
 */
export function driftConfig(declared: TrainingJobConfig, details: VersionDetails): TrainingJobConfig {
  const out: Bag = { ...declared };
  for (const key of JOB_CONFIG_KEYS) {
    if (declared[key] === undefined) continue;
    const live = details[key];
    if (live === undefined || live === null) continue;
    // The client already normalises the echo (strings for parameter values, no null members).
    out[key] = echoOf(key, declared[key], live);
  }
  return out as unknown as TrainingJobConfig;
}
