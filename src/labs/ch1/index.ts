/**
 * Chapter 1, "Introduction to Async": processes, threads and async, each doing
 * what it is good at. The experiments live in ./ch1/ (one file each, plus the
 * child-process and worker-thread scripts they start); this file lists them.
 *
 * Everything runs for real: child processes are `node` processes with their own
 * PIDs, threads are `worker_threads` (the project's pool, or workers sharing a
 * `SharedArrayBuffer`), async is this project's futures on a `LiveRuntime`.
 */
import { fileWatcherBlocks, runFileWatcher } from "./file-watcher.js";
import { fibBlocks, runFibThreads } from "./fib-threads.js";
import { httpBlocks, runHttp } from "./http-requests.js";
import { outOfOrderBlocks, runOutOfOrder } from "./out-of-order.js";
import { processBlocks, runEcho, runKill } from "./process-interaction.js";
import { runCondvar, runCounters, sharedMemoryBlocks } from "./shared-memory.js";
import { runStress, stressBlocks } from "./stress.js";
import { runTenTasks } from "./ten-tasks.js";
import { tenTasksBlocks } from "./ten-tasks-report.js";
import type { Chapter, Experiment } from "../types.js";

const stress: Experiment = {
  id: "stress",
  book: "E1.1",
  title: "Eight threads computing fibonacci(4000): the CPU saturates",
  summary: "CPU time / wall time, idle vs 8 busy threads (book: 7% → 99.95%)",
  async run(opts) {
    return { blocks: stressBlocks(await runStress(opts)) };
  },
};

const tenTasks: Experiment = {
  id: "tasks",
  book: "E1.5, E1.6",
  title: "Ten tasks: sequential, 2 processes, 2 threads, async — sleeping vs computing",
  summary: "async helps waiting, not computing; processes and threads should help both (measured)",
  async run(opts) {
    return { blocks: tenTasksBlocks(await runTenTasks(opts), opts) };
  },
};

const http: Experiment = {
  id: "http",
  book: "E1.2–E1.4",
  title: "Four HTTP requests with 140 ms latency: awaited in turn vs joined",
  summary: "join: concurrency on one thread (book: 656 ms vs 137 ms, 4.7×)",
  async run() {
    return { blocks: httpBlocks(await runHttp()) };
  },
};

const fibThreads: Experiment = {
  id: "fib-threads",
  book: "E1.9",
  title: "fibonacci on 1 thread vs 4 threads (book: 39.67 s vs 42.60 s), and on the one-thread runtime",
  summary: "4× the work on 4 threads in ~the same time with a core each; futures on one thread take 4×",
  async run(opts) {
    return { blocks: fibBlocks(await runFibThreads(opts)) };
  },
};

const processes: Experiment = {
  id: "processes",
  book: "E1.7, E1.8",
  title: "Talking to a child process: SIGTERM, stdin/stdout",
  summary: "a looping child killed with SIGTERM; a child echoing stdin",
  async run(opts) {
    return { blocks: processBlocks(await runKill(opts), await runEcho()) };
  },
};

const sharedMemory: Experiment = {
  id: "threads",
  book: "E1.10",
  title: "Threads sharing memory: a mutex and a condvar on Atomics",
  summary: "updater/listener on a condvar; a counter with and without the mutex",
  async run(opts) {
    return { blocks: sharedMemoryBlocks(await runCondvar(opts), await runCounters()) };
  },
};

const fileWatcher: Experiment = {
  id: "file-watcher",
  book: "E1.11",
  title: "A file watcher: a task polls mtime and signals a watch channel; main prints the file",
  summary: "polling every 100 ms (scaled): each edit printed, detection latency measured",
  async run(opts) {
    return { blocks: fileWatcherBlocks(await runFileWatcher(opts)) };
  },
};

const outOfOrder: Experiment = {
  id: "out-of-order",
  book: "E1.12",
  title: "Out-of-order completion: a 5 s request joined with a 1 s login check",
  summary: "the later-started, shorter wait prints first; total ≈ the longer wait (book ≈5 s, not 6)",
  async run(opts) {
    return { blocks: outOfOrderBlocks(await runOutOfOrder(opts)) };
  },
};

export const ch1: Chapter = {
  id: "ch1",
  title: "Introduction to Async",
  experiments: [stress, http, tenTasks, fibThreads, processes, sharedMemory, fileWatcher, outOfOrder],
};
