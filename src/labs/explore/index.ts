/**
 * `lab explore`: the schedule explorer on five classic async bugs (each with its fixed
 * version), the dfs count check, and a program of your own (`--file`).
 */
import type { Chapter, Experiment } from "../types.js";
import { askCycle } from "./ask-cycle.js";
import { runBugCase, type BugCase } from "./bug-case.js";
import { runDfsCount } from "./dfs-count.js";
import { lostUpdate } from "./lost-update.js";
import { lostWakeup } from "./lost-wakeup.js";
import { sendCancel } from "./send-cancel.js";
import { tryLock } from "./try-lock.js";
import { runUserFile } from "./user-file.js";

export const BUG_CASES: readonly BugCase[] = [lostUpdate, tryLock, lostWakeup, askCycle, sendCancel];

function bugExperiment(bug: BugCase): Experiment {
  return {
    id: bug.id,
    ...(bug.book === undefined ? {} : { book: bug.book }),
    title: bug.title,
    summary: bug.summary,
    run: (options) => runBugCase(bug, options),
  };
}

export const exploreLab: Chapter = {
  id: "explore",
  title: "Schedule explorer: search the interleavings of a program for races, lost wake-ups and deadlocks",
  experiments: [
    ...BUG_CASES.map(bugExperiment),
    {
      id: "dfs-count",
      title: "dfs enumerates exactly the predicted interleavings",
      summary: "3 tasks × 3 steps: 1,680 schedules without reduction; fewer with a preemption bound",
      run: runDfsCount,
    },
    {
      id: "file",
      title: "explore your own program",
      summary: "--file my-program.ts: its default export is the program",
      default: false,
      run: runUserFile,
    },
  ],
  options: [
    { flags: "--strategy <names>", description: "random, pct, dfs or all (comma-separated)", default: "all" },
    { flags: "--schedules <n>", description: "schedules per search (buggy versions)", default: "1000" },
    { flags: "--fixed-schedules <n>", description: "schedules the fixed versions must pass", default: "10000" },
    {
      flags: "--replay <schedule>",
      description: "replay one schedule (as printed, e.g. 0.1.0) of the buggy program and show it",
    },
    {
      flags: "--file <module>",
      description: "with the 'file' experiment: a module whose default export is the program",
    },
  ],
};
