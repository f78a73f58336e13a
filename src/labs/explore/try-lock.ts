/**
 * Bug 2: check-then-act around a try-lock (E2.6). A hand-made flag stands for the
 * lock: a task checks that it is free, then — after an await — takes it. Two tasks
 * that both check before either takes are both "inside". The fix takes the lock in
 * the same step as the check (`Mutex.tryLock`), so no await can come in between.
 */
import { Mutex, co, sleep, yieldNow, type ExploreProgram } from "../../index.js";
import type { BugCase } from "./bug-case.js";

const TASKS = 2;
const TRIES = 3;

const buggy: ExploreProgram = (rt, cx) => {
  let held = false;
  let inside = 0;
  cx.invariant(() => inside <= 1);
  for (let t = 0; t < TASKS; t++) {
    rt.spawn(
      co(function* () {
        for (let i = 0; i < TRIES; i++) {
          if (held) {
            yield* yieldNow();
            continue;
          }
          yield* yieldNow(); // between the check and the act: the window
          held = true;
          inside++;
          yield* sleep(5); // I/O in the critical section
          inside--;
          held = false;
        }
      }),
      { name: `worker-${t}` },
    );
  }
};

const fixed: ExploreProgram = (rt, cx) => {
  const lock = new Mutex(null);
  let inside = 0;
  cx.invariant(() => inside <= 1);
  for (let t = 0; t < TASKS; t++) {
    rt.spawn(
      co(function* () {
        for (let i = 0; i < TRIES; i++) {
          const guard = lock.tryLock();
          if (guard === null) {
            yield* yieldNow();
            continue;
          }
          yield* yieldNow();
          inside++;
          yield* sleep(5);
          inside--;
          guard.release();
        }
      }),
      { name: `worker-${t}` },
    );
  }
};

export const tryLock: BugCase = {
  id: "try-lock",
  book: "E2.6",
  title: "check-then-act around a try-lock",
  summary:
    "check the flag, await, set it: two tasks in the critical section (fixed: tryLock tests and takes in one step)",
  depth: 2,
  buggy,
  fixed,
  notice: [
    "The invariant 'at most one task inside' is checked after every poll; " +
      "the explorer reports the first poll that breaks it.",
    "The fix is not 'a shorter window' but no window: the check and the act happen in one poll.",
  ],
};
