/**
 * E7.3 a local pool: tasks pinned to a worker keep per-thread state (the book's `thread_local!` COUNTER).
 */
import { PoolHandle } from "../../index.js";
import type { CounterReport } from "./tasks.js";

import type { Block, ExperimentResult, LabOptions } from "../types.js";
import { task, bookSecond, startedPool } from "./pool-harness.js";

// ---------------------------------------------------------------- E7.3 pinned tasks, thread-local counter

interface PinnedScenario {
  title: string;
  workers: number;
  how: "spawnPinned" | "byIdx0";
  fn: "something" | "somethingAsync";
  book: string;
}

const SCENARIOS: PinnedScenario[] = [
  {
    title: "LocalPoolHandle::new(1), spawn_pinned ×3",
    workers: 1,
    how: "spawnPinned",
    fn: "something",
    book: "one, Counter: 2 for: 1, two, Counter: 3 for: 2, three, Counter: 4 for: 3 (L5372-5378)",
  },
  {
    title: "LocalPoolHandle::new(3), spawn_pinned ×3",
    workers: 3,
    how: "spawnPinned",
    fn: "something",
    book: "one three two, each Counter: 2 (L5383-5389)",
  },
  {
    title: "new(3), spawn_pinned_by_idx(.., 0) ×3",
    workers: 3,
    how: "byIdx0",
    fn: "something",
    book: "as pool 1 (L5402-5408)",
  },
  {
    title: "by_idx 0 with an async sleep (tokio::time::sleep)",
    workers: 3,
    how: "byIdx0",
    fn: "somethingAsync",
    book: "one two three, then Counter: 2, 3, 4 (L5412-5418)",
  },
];

export async function pinnedExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const SECOND = bookSecond(opts);
  const names = ["one", "two", "three"];
  const blocks: Block[] = [];
  const bookRows: { label: string; book: string; ours: string }[] = [];
  for (const s of SCENARIOS) {
    const pool = await startedPool({ workers: s.workers, name: "local-pool" });
    const handles: PoolHandle<CounterReport>[] = [1, 2, 3].map((n) =>
      s.how === "spawnPinned"
        ? pool.spawnPinned<CounterReport>(task(s.fn, { n, ms: SECOND }))
        : pool.spawnPinnedByIdx<CounterReport>(task(s.fn, { n, ms: SECOND }), 0),
    );
    const reports = await Promise.all(handles);
    await pool.close();
    // The book prints the name when a task starts and the counter when `something` returns.
    const events: [number, number, string][] = [];
    for (const r of reports) {
      events.push([r.started, 1, names[r.n - 1]!]);
      events.push([r.ended, 0, `Counter: ${r.counter} for: ${r.n} (worker ${r.worker})`]);
    }
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const lines = events.map((e) => e[2]);
    lines.push(`result: ${reports.reduce((sum, r) => sum + r.n, 0)}`);
    blocks.push({ kind: "text", title: s.title, lines });
    bookRows.push({
      label: s.title,
      book: s.book,
      ours: lines
        .slice(0, -1)
        .map((l) => l.replace(/ \(worker \d\)/, ""))
        .join(", "),
    });
  }
  blocks.push({ kind: "book", title: `the book's outputs beside ours (1 book-second = ${SECOND} ms)`, rows: bookRows });
  blocks.push({
    kind: "notice",
    lines: [
      "A module-level `let counter` in the task module is per thread: each " +
        "worker imported its own copy — the book's thread_local! COUNTER.",
      "Pinned tasks are never stolen, so a task sees the state of the worker " +
        "it was pinned to; spawnPinned picks the worker with the fewest pinned " +
        "tasks outstanding.",
      "With a blocking sleep, one worker runs its pinned tasks one after " +
        "another; with an async sleep it starts all three, then each bumps the " +
        "counter as its sleep ends.",
    ],
  });
  return { blocks };
}
