/**
 * What the chapter-7 experiments share: the task module the pool's workers import
 * (`tasks.ts` — closures cannot cross threads), a pool whose workers are all running
 * before the first timed spawn, the book's second, and a clock every thread shares.
 *
 * Invariant: `startedPool` resolves only once every worker has started and loaded the
 * task module, so no timed run pays for thread start-up or an import.
 */
import { availableParallelism } from "node:os";
import { ThreadPool, type TaskDescriptor } from "../../index.js";
import type { Stamped } from "./tasks.js";
import { FIB_N } from "../ch1/work.js";

import type { LabOptions } from "../types.js";
import { bookMs } from "../book-time.js";

export const cores = availableParallelism();

const TASKS = new URL(import.meta.url.endsWith(".ts") ? "./tasks.ts" : "./tasks.js", import.meta.url);
export const task = (name: string, arg?: unknown): TaskDescriptor => ({ module: TASKS, name, arg });

/** The book's second, scaled (`--time-scale`, default 0.01 → 10 ms), never below 5 ms so thread start-up cannot swamp
 * it. */
export function bookSecond(opts: LabOptions): number {
  return bookMs(opts, 1, 5);
}

export const wallNow = (): number => performance.timeOrigin + performance.now();

/** A pool whose workers are all running (the book's runtime threads exist before the first spawn). */
export async function startedPool(
  options: ConstructorParameters<typeof ThreadPool>[0] & { workers: number },
): Promise<ThreadPool> {
  let started = 0;
  let ready!: () => void;
  const online = new Promise<void>((resolve) => (ready = resolve));
  const user = options.onWorkerStart;
  const pool = new ThreadPool({
    ...options,
    onWorkerStart: (i, threadId, name) => {
      user?.(i, threadId, name);
      if (++started === options.workers) ready();
    },
  });
  // Load the task module on every worker, so no timed run pays for an import. Submitted
  // before waiting for the start hooks: an idle pool does not keep the process alive
  // (thread-pool.ts, invariant 5), so waiting on the hooks alone would let Node exit
  // while the workers were still starting; outstanding tasks keep it alive.
  const warm = Promise.all(
    Array.from({ length: options.workers }, (_, i) => pool.spawnPinnedByIdx(task("work", { n: FIB_N, reps: 1 }), i)),
  );
  await Promise.all([online, warm]);
  return pool;
}

export function sortLines(lines: Stamped[], t0: number): string[] {
  return lines.sort((a, b) => a[0] - b[0]).map(([at, line]) => `${(at - t0).toFixed(0).padStart(5)} ms  ${line}`);
}

export const KEYS = [1, 2, 3, 4, 5];

/** A counter map as the book prints it: `{1: 3, 2: 5}`. */
export const show = (counts: Record<number, number>): string =>
  `{${Object.entries(counts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")}}`;
