/**
 * E7.4 a thread-local map updated with no lock by pinned tasks: exact with no await
 * inside the update, lost updates with one.
 */
import { PoolHandle, ThreadPool } from "../../index.js";

import { KEYS, show } from "./pool-harness.js";
import type { ExperimentResult, LabOptions } from "../types.js";
import { task, startedPool } from "./pool-harness.js";

// ---------------------------------------------------------------- E7.4 unsafe thread-local HashMap

/** The book runs 100,000 rounds of keys 1..5; a tenth of it keeps `lab ch7` fast and shows the same thing. */
const UNSAFE_ROUNDS = 10_000;
const UNSAFE_BOOK_ROUNDS = 100_000;
/** The book's sleep unit is cut off in the seed (`from_…`); ours is 1 ms per unit: task n sleeps n ms, twice. */
const UNSAFE_UNIT_MS = 1;
/** Runs per variant: the correct one must give the same counts every time. */
const UNSAFE_RUNS = 2;

async function unsafeCounterRun(pool: ThreadPool, awaitInside: boolean): Promise<Record<number, number>> {
  const handles: PoolHandle<number>[] = [];
  for (let r = 0; r < UNSAFE_ROUNDS; r++)
    for (const n of KEYS)
      handles.push(pool.spawnPinnedByIdx<number>(task("countKeyTwice", { n, unitMs: UNSAFE_UNIT_MS, awaitInside }), 0));
  await Promise.all(handles);
  return pool.spawnPinnedByIdx<Record<number, number>>(task("takeUnsafeCounter"), 0);
}

export async function unsafeCounterExperiment(_opts: LabOptions): Promise<ExperimentResult> {
  const pool = await startedPool({ workers: 1, name: "local-pool" });
  const expected = 2 * UNSAFE_ROUNDS;
  const rows: (string | number)[][] = [];
  const printed: string[] = [];
  try {
    for (const [variant, awaitInside] of [
      ["no await inside the update (book)", false],
      ["await inside read-modify-write", true],
    ] as const) {
      for (let run = 1; run <= UNSAFE_RUNS; run++) {
        const counts = await unsafeCounterRun(pool, awaitInside);
        const got = KEYS.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
        rows.push([
          variant,
          run,
          expected * KEYS.length,
          got,
          expected * KEYS.length - got,
          KEYS.map((k) => counts[k] ?? 0).join(" / "),
        ]);
        printed.push(`${awaitInside ? "await inside" : "book"}, run ${run}: Counter: ${show(counts)}`);
      }
    }
  } finally {
    await pool.close();
  }
  return {
    blocks: [
      { kind: "text", title: "print_statement on the worker thread", lines: printed },
      {
        kind: "table",
        title:
          `${UNSAFE_ROUNDS.toLocaleString("en")} rounds × keys 1..5 = ` +
          `${(UNSAFE_ROUNDS * KEYS.length).toLocaleString("en")} tasks pinned to ` +
          `1 worker (book: ${UNSAFE_BOOK_ROUNDS.toLocaleString("en")} rounds = ` +
          `500,000 tasks); each task counts its key twice, after a sleep of n ms`,
        columns: [
          { header: "variant" },
          { header: "run" },
          { header: "expected" },
          { header: "got" },
          { header: "lost", best: "min" },
          { header: "per key 1 / 2 / 3 / 4 / 5" },
        ],
        rows,
      },
      {
        kind: "book",
        rows: [
          {
            label: "counts",
            book: "Counter: {2: 200000, 4: 200000, 1: 200000, 3: 200... (L5574), 2 × 100,000 per key",
            ours: `${printed[0]!.replace(/^.*Counter: /, "")}, 2 × ${UNSAFE_ROUNDS.toLocaleString("en")} per key`,
          },
          {
            label: "repeatability",
            book: "No matter how many times we run them, the counts will always be the same (L5576)",
            ours:
              `book variant: ` +
              `${rows[0]![5] === rows[1]![5] ? "the same" : "different"} counts in ` +
              `${UNSAFE_RUNS} runs`,
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "One thread runs one task at a time, so an update with no await inside " +
            "it cannot be interleaved: no lock, no atomics — in JavaScript every " +
            "plain object is such thread-local data.",
          "Put an await between the read and the write and the task can be " +
            "suspended holding a stale value: other tasks update the key meanwhile " +
            "and the write-back erases their work — lost updates, on one thread, " +
            "with no data race at all.",
          "How many are lost depends on how many tasks' sleeps end in the same " +
            "timer batch, which is real time: the number varies from run to run; " +
            "that some are lost does not.",
        ],
      },
    ],
  };
}
