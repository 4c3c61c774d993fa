/**
 * The longest wait a Node.js timer can hold (2^31-1 ms, about 24.8 days): a longer one is a
 * `RangeError` (AbortSignal.timeout) or fires at once (setTimeout), so no duration may exceed it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The limit in the words of the failures: `596h31m23s (2^31-1 ms, about 24.8 days, …)`. */
export const MAX_TIMER_TEXT = "596h31m23s (2^31-1 ms, about 24.8 days, the longest wait a Node.js timer can hold)";
