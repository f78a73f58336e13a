/**
 * Bug 1: a lost update across an `await` — the single-thread version of E7.4's broken
 * counter. Each task reads the counter, awaits (a yield stands for any I/O), and writes
 * back what it read plus one. Run one task at a time and it is right; let another task
 * run between a read and its write and one increment is lost.
 */
import { Mutex, co, yieldNow, type ExploreProgram } from "../../index.js";
import type { BugCase } from "./bug-case.js";

const TASKS = 3;
const ROUNDS = 2;

const buggy: ExploreProgram = (rt) => {
  let counter = 0;
  const handles = Array.from({ length: TASKS }, (_, t) =>
    rt.spawn(
      co(function* () {
        for (let r = 0; r < ROUNDS; r++) {
          const seen = counter;
          yield* yieldNow();
          counter = seen + 1;
        }
      }),
      { name: `inc-${t}` },
    ),
  );
  return co(function* () {
    for (const h of handles) yield* h;
    if (counter !== TASKS * ROUNDS) throw new Error(`counter is ${counter}, expected ${TASKS * ROUNDS}`);
  });
};

/** The fix: the read-modify-write holds a lock across the await. */
const fixed: ExploreProgram = (rt) => {
  const counter = new Mutex(0);
  const handles = Array.from({ length: TASKS }, (_, t) =>
    rt.spawn(
      co(function* () {
        for (let r = 0; r < ROUNDS; r++) {
          const guard = yield* counter.lock();
          const seen = guard.value;
          yield* yieldNow();
          guard.value = seen + 1;
          guard.release();
        }
      }),
      { name: `inc-${t}` },
    ),
  );
  return co(function* () {
    for (const h of handles) yield* h;
    const guard = counter.tryLock()!;
    if (guard.value !== TASKS * ROUNDS) throw new Error(`counter is ${guard.value}, expected ${TASKS * ROUNDS}`);
  });
};

export const lostUpdate: BugCase = {
  id: "lost-update",
  book: "E7.4",
  title: "a lost update across an await",
  summary:
    "read, await, write back: an increment is lost when another task runs " +
    "in between (fixed: a Mutex held across the await)",
  depth: 2,
  buggy,
  fixed,
  notice: [
    "The bug needs one switch at the wrong moment: another task's read between a read and its write.",
    "Without preemption (the schedule '-') every task runs read-await-write alone, and the count is right.",
  ],
};
