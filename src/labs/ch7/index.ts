/**
 * Chapter 7 — Customising Tokio. The book's knobs, on this project's runtimes: the
 * thread pool (worker count, names, start/stop hooks, stack size, pinning, shutdown),
 * the live executor (poll budget per turn) and the work-stealing scheduler (global-queue
 * interval, on the sim driver so the effect is exact). One file per experiment; tasks
 * that run on worker threads live in tasks.ts.
 */
import type { Chapter } from "../types.js";
import { configExperiment } from "./config.js";
import { twoRuntimesExperiment } from "./two-runtimes.js";
import { pinnedExperiment } from "./pinned.js";
import { unsafeCounterExperiment } from "./unsafe-counter.js";
import { shutdownExperiment } from "./shutdown.js";
import { ctrlCExperiment } from "./ctrl-c.js";

export const ch7: Chapter = {
  id: "ch7",
  title: "Customising Tokio: pool knobs, two runtimes, pinned tasks with thread-local state, graceful shutdown",
  options: [
    {
      flags: "--until-signal",
      description: "shutdown: keep working until SIGINT or SIGTERM arrives (default: interrupt itself halfway)",
    },
  ],
  experiments: [
    {
      id: "config",
      book: "E7.1",
      title: "A configured runtime: workers, names, hooks, poll budget, global-queue interval",
      summary: "the builder's knobs shown by their effect",
      run: configExperiment,
    },
    {
      id: "two-runtimes",
      book: "E7.2",
      title: "Two runtimes side by side: high (2 workers) and low (1)",
      summary: "no stealing across pools",
      run: twoRuntimesExperiment,
    },
    {
      id: "pinned",
      book: "E7.3",
      title: "A local pool: tasks pinned to a worker keep per-thread state",
      summary: "spawnPinned / spawnPinnedByIdx and a thread-local COUNTER",
      run: pinnedExperiment,
    },
    {
      id: "unsafe-counter",
      book: "E7.4",
      title: "A thread-local HashMap updated with no lock by 50,000 pinned tasks",
      summary: "no await inside the update → exact counts; an await inside → lost updates",
      run: unsafeCounterExperiment,
    },
    {
      id: "ctrl-c",
      book: "E7.5",
      title: "ctrl-c for real: the book's three-ctrl-c loop, and the blocked main thread that dies without cleanup",
      summary:
        "real SIGINTs to a child: handled ×3; killed when blocked before the " +
        "handler; delayed when the handler came first",
      run: ctrlCExperiment,
    },
    {
      id: "shutdown",
      book: "E7.5, E7.6",
      title: "Graceful shutdown on SIGINT / SIGTERM with state extracted from every thread",
      summary: "stop accepting, finish in-flight within a deadline, clean up, exit 130 / 143",
      run: shutdownExperiment,
    },
  ],
};
