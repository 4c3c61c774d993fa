/**
 * Repeats a call through failures that say nothing about the job (429, 5xx, no answer: `isTransient`)
 * until a step's deadline, so that one unlucky call after the client's own retries does not end a
 * step that still has time. Anything else, and the last transient failure at the deadline, is thrown.
 *
 * Before the step has sent anything that changes a job (`beforeChange`), an endpoint that cannot be
 * ModelArts (refused, unresolved, TLS, an HTML answer) ends the step at once instead: giving up then
 * loses nothing, and the message names the setting to check. After such a call, the step keeps
 * trying until its deadline, and each failure says what keeps failing and until when.
 */
import { isDeadlineRefusal, isTransient, isUnreachable, nothingSent } from "../api/errors";
import { formatDuration } from "./duration";
import type { Clock, PollSchedule } from "./waiter";

export interface PersistOptions {
  /** Nothing that changes a job was sent yet in this step: an unreachable endpoint ends it at once. */
  beforeChange?: boolean;
  /** Where "no answer from … for 45 s; trying until 12:34:56" goes. */
  progress?: (line: string) => void;
}

export async function persistently<T>(
  call: () => Promise<T>,
  deadline: number,
  clock: Clock,
  poll: PollSchedule,
  options: PersistOptions = {},
): Promise<T> {
  let answered: unknown;
  let failingSince: number | undefined;
  for (let wait = poll.firstMs; ; wait = Math.min(wait * poll.factor, poll.maxMs)) {
    try {
      return await call();
    } catch (error) {
      // A call refused for want of time says nothing about the service: report its last answer.
      if (isDeadlineRefusal(error) && answered !== undefined) throw answered;
      if (options.beforeChange && isUnreachable(error)) throw nothingSent(error);
      answered = error;
      const left = deadline - clock.now();
      if (!isTransient(error) || left <= 0) throw error;
      failingSince ??= clock.now();
      if (isUnreachable(error)) options.progress?.(stillFailing(error, clock.now() - failingSince, deadline));
      await clock.sleep(Math.min(wait, left));
    }
  }
}

/** `no answer from https://… (ECONNREFUSED) for 45s; trying until 12:34:56 UTC` */
export function stillFailing(error: { target: string; reason: string }, forMs: number, deadline: number): string {
  const until = new Date(deadline).toISOString().slice(11, 19);
  return `no answer from ${error.target} (${error.reason}) for ${formatDuration(forMs)}; trying until ${until} UTC`;
}
