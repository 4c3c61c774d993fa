/**
 * Repeats a call through failures that say nothing about the job (429, 5xx, no answer: `isTransient`)
 * until a step's deadline, so that one unlucky call after the client's own retries does not end a
 * step that still has time. Anything else, and the last transient failure at the deadline, is thrown.
 */
import { isDeadlineRefusal, isTransient } from "../api/errors";
import type { Clock, PollSchedule } from "./waiter";

export async function persistently<T>(call: () => Promise<T>, deadline: number, clock: Clock, poll: PollSchedule): Promise<T> {
  let answered: unknown;
  for (let wait = poll.firstMs; ; wait = Math.min(wait * poll.factor, poll.maxMs)) {
    try {
      return await call();
    } catch (error) {
      // A call refused for want of time says nothing about the service: report its last answer.
      if (isDeadlineRefusal(error) && answered !== undefined) throw answered;
      answered = error;
      const left = deadline - clock.now();
      if (!isTransient(error) || left <= 0) throw error;
      await clock.sleep(Math.min(wait, left));
    }
  }
}
