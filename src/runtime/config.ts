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
 * The live driver spaces its clock reads by what it has seen: after each read it
 * estimates the cost of a poll so far and reads again about halfway to the end of
 * the slice — every few polls when polls are slow (a 1 ms poll must not overrun the
 * 2 ms slice by 64 ms), rarely when they are cheap (10,000 trivial polls then cost ~10
 * clock reads instead of ~150). These bound the gap between two reads, in polls.
 */
export const CLOCK_CHECK_FIRST = 16;
export const CLOCK_CHECK_MAX_GAP = 1_024;

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

/**
 * Source items (`ctx.addSource`) an actor takes before it lets Node take a turn. An
 * async iterable that answers from memory settles on microtasks, which run before
 * any timer or socket; without a bound an endless one would hold the event loop
 * forever. Same role as the runtime's poll budget; 256 keeps the hop (~1 µs) under
 * 1% of the items' own cost (a microtask hop each).
 */
export const SOURCE_ITEMS_PER_HOST_TURN = 256;

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

// --- scheduling (chapter 3): the multi-queue runtime, its policies and the sim driver ---

/**
 * Slots in a work-stealing worker's local ring. Tokio's number: big enough that a
 * worker rarely spills to the global queue, small enough that a steal-half moves a
 * bounded batch. On overflow half the ring moves to the global queue at once, so the
 * next 128 pushes are cheap again (rejected: spill one task per push — then a full
 * ring pays the global queue on every push).
 */
export const LOCAL_QUEUE_CAPACITY = 256;

/**
 * Consecutive polls a worker may take from its LIFO slot before it must go back to
 * its ring. The slot makes a just-woken task (a message's receiver) run while its data
 * is hot; the cap stops two tasks that wake each other from monopolising a worker.
 * Tokio's `MAX_LIFO_POLLS_PER_TICK`.
 */
export const LIFO_POLL_CAP = 3;

/**
 * Every this many ticks a work-stealing worker looks at the global queue before its
 * own ring, so work injected from outside is never starved by a busy local ring.
 * Tokio's default `global_queue_interval` (the book's chapter 7 shows 31 and 61).
 */
export const GLOBAL_QUEUE_INTERVAL = 61;

/**
 * Under the `aging` policy a task that has waited this long (ms) is taken before any
 * fresher higher-priority task. Bounds a low task's wait under a continuous stream of
 * high work; 100 ms is the book's idle back-off (E3.5) — long enough that high tasks
 * keep their edge, short enough that a human would not call it starvation.
 */
export const AGING_LIMIT_MS = 100;

/**
 * What a poll costs in the sim driver when it declares nothing (ms of virtual time).
 * One microsecond: the order of a trivial poll on a real executor. Zero would let a
 * worker poll an unbounded number of tasks without time passing, so a self-waking
 * future would freeze the virtual clock.
 */
export const SIM_DEFAULT_POLL_COST_MS = 0.001;

/** Tuning numbers every multi-queue runtime takes; tests shrink them to hit edge cases. */
export interface SchedulerConfig {
  localQueueCapacity: number;
  lifoPollCap: number;
  globalQueueInterval: number;
  agingLimitMs: number;
  simDefaultPollCostMs: number;
}

export const DEFAULT_SCHEDULER_CONFIG: Readonly<SchedulerConfig> = Object.freeze({
  localQueueCapacity: LOCAL_QUEUE_CAPACITY,
  lifoPollCap: LIFO_POLL_CAP,
  globalQueueInterval: GLOBAL_QUEUE_INTERVAL,
  agingLimitMs: AGING_LIMIT_MS,
  simDefaultPollCostMs: SIM_DEFAULT_POLL_COST_MS,
});
