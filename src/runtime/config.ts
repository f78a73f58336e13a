/**
 * Tuning numbers, named, with the reason beside each. Every runtime takes overrides
 * (`new LiveRuntime({ pollBudget: 4 })`) so tests can shrink them to hit edge cases.
 */

/**
 * The live driver's turn ends after this many polls, or after
 * {@link TIME_SLICE_MS}, whichever comes first; then it hands the thread back to
 * Node's event loop (timers, sockets) and continues in a `setImmediate`.
 * A count alone is the wrong unit: 1,000 trivial polls take ~20 µs — hopping to the
 * event loop that often costs more than the polls (~4 µs a hop) — while 1,000 polls
 * that each print a line take long enough to delay a timer visibly.
 */
export const POLL_BUDGET_PER_TURN = 65_536;

/** Longest a live-driver turn may run before yielding to the event loop, in ms. */
export const TIME_SLICE_MS = 2;

/**
 * How often (in polls) a turn reads the clock to check {@link TIME_SLICE_MS}.
 * `performance.now()` costs ~30 ns; once per 64 polls keeps that under 1 ns a poll.
 */
export const CLOCK_CHECK_EVERY = 64;

/**
 * Node timers fire by the event loop's cached millisecond clock, which may lag
 * `performance.now()` — so a timer can come back up to ~1 ms "early". Entries due
 * within this tolerance fire with it, instead of re-arming for a sub-millisecond wait
 * Node would round up to a whole extra millisecond anyway.
 */
export const TIMER_TOLERANCE_MS = 1;

/** Initial capacity of a run queue ring (grows by doubling; a power of two). */
export const RUN_QUEUE_INITIAL_CAPACITY = 256;

/**
 * Starting size of an actor's mailbox ring (a power of two; grows by doubling).
 * Small on purpose: an idle actor should cost well under 1 KiB (the actors bench's
 * 100,000-actor case), and a busy one grows its ring once to its working size.
 */
export const MAILBOX_INITIAL_CAPACITY = 4;

/**
 * Messages an actor handles per poll before it gives the worker back (waking
 * itself to continue). Draining many per poll is what makes `tell` cheap — one
 * task switch per batch instead of per message — while the bound keeps one
 * flooded actor from starving every other task of the runtime.
 */
export const ACTOR_MESSAGES_PER_POLL = 1024;

/** How long an `ask` waits for its reply by default (spawned's 5 s). */
export const ASK_TIMEOUT_MS = 5_000;

/**
 * Bytes a `PollStream` buffers from a socket before pausing it (I/O, chapter 4).
 * Large enough that a normal HTTP request never pauses; small enough that a client
 * flooding a server that does not read is slowed by TCP instead of filling memory.
 * Node's own readable high-water mark is 16 KiB; 64 KiB is four socket reads.
 */
export const READ_BUFFER_LIMIT = 64 * 1024;

/** Largest HTTP head the server buffers before answering 431 (Node's default is 16 KiB too). */
export const MAX_HTTP_HEAD = 16 * 1024;

/** Largest HTTP body read into memory before answering 413: the toy server buffers whole bodies. */
export const MAX_HTTP_BODY = 8 * 1024 * 1024;
