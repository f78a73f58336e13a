/**
 * The few numbers both sides of the pool agree on: result codes in a result batch,
 * the pinned bit of a slot's priority word, and the loop's batching knobs.
 *
 * A result batch is a flat array `[slot, task, code, value, …]` — flat so that
 * structured cloning copies one array instead of one object per task. `task` (the
 * pool handle's id) lets the submitter drop a result for a slot it already settled
 * another way (its worker died after sending) instead of freeing the slot twice.
 */
export const RESULT_OK = 0;
export const RESULT_ERROR = 1;
/** The worker popped a task the submitter had cancelled: the slot may be reused. */
export const RESULT_RELEASED = 2;
/** Entries per result in a batch. */
export const RESULT_STRIDE = 4;

/** Set in a slot's priority word for tasks pinned to one worker (never stolen). */
export const PINNED_BIT = 4;

/**
 * Results per message. 256 amortises a `postMessage` (~5–10 µs with its wake-up of
 * the main thread) to a few ns a task; much larger batches only delay the first results.
 */
export const RESULT_BATCH = 256;

/**
 * Longest a finished result waits in a batch, in ms — a bound on the latency
 * batching adds to a task that finished among slow ones.
 */
export const RESULT_FLUSH_MS = 1;

/**
 * A worker turn runs tasks for this long, then returns to its thread's event loop
 * (abort messages, async tasks' promises). Same reasoning as the live driver's time slice.
 */
export const TURN_MS = 4;
