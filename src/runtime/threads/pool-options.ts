/**
 * What a user says to a {@link ThreadPool}: how to build it, what a task is, how to
 * submit one, and the counters it reports. Plain data, no behaviour — kept apart so
 * the pool's file is only the submitter's machinery.
 */
/** A task, described: `module` exports `name(arg, ctx)`. `arg` must be structured-clonable. */
export interface TaskDescriptor {
  module: string | URL;
  name: string;
  arg?: unknown;
}

export interface SubmitOptions {
  priority?: "high" | "low";
  /** Pin to this worker: it runs there and is never stolen (the book's `spawn_pinned_by_idx`). */
  worker?: number;
  /** Cancels the task (queued: removed; running: its `ctx.signal` fires). */
  signal?: AbortSignal;
}

export interface ThreadPoolOptions {
  /** Worker threads (default: available cores). */
  workers?: number;
  /** Task-table slots: tasks queued or running at once; more wait in a backlog (default {@link DEFAULT_CAPACITY}). */
  capacity?: number;
  /** Seeds each worker's victim choice (worker i uses seed + i). */
  seed?: number;
  /** Runs on the submitting thread when worker `index` comes online (its `threadId` and name too) — the book's
   * `on_thread_start`. */
  onWorkerStart?: (index: number, threadId: number, name: string) => void;
  /** Runs when worker `index` stops, with its exit code — `on_thread_stop`. */
  onWorkerStop?: (index: number, exitCode: number, name: string) => void;
  /** Worker thread name prefix: worker i is `${name}-${i}` (the Worker's `name`, and the hooks') — `thread_name`. */
  name?: string;
  /** Per-worker stack size in MiB — `thread_stack_size`. */
  stackSizeMb?: number;
}

export interface WorkerStats {
  tasksRun: number;
  /** Task ids this worker took from others' deques. */
  steals: number;
  /** Times it parked (waited on its futex word). */
  parks: number;
  /** Spare copies of ids it popped (not its to run): left only by a worker death (hand.ts); else a deque bug. */
  duplicates: number;
}

/**
 * Slots in the shared task table. 16,384 × (32 B words + 8 B number + 256 B payload)
 * ≈ 4.8 MiB: enough that 2–8 workers never starve between result batches, small
 * enough to allocate per pool.
 */
export const DEFAULT_CAPACITY = 16_384;
