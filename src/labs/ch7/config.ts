/**
 * E7.1 a configured runtime: worker count, names, start/stop hooks, the live executor's
 * poll budget and the work-stealing scheduler's global-queue interval — each knob shown
 * by its effect.
 */
import {
  BaseFuture,
  blockingSleep,
  co,
  LiveRuntime,
  Runtime,
  burn,
  yieldNow,
  type Co,
  type Context,
  type Poll,
} from "../../index.js";
import type { Stamped } from "./tasks.js";
import { calibrateCpuWork } from "../ch1/work.js";

import type { Block, Cell, ExperimentResult, LabOptions } from "../types.js";
import { cores, task, bookSecond, wallNow, startedPool, sortLines } from "./pool-harness.js";
import { col, table } from "../table.js";
import { workerCountNotice } from "./notices.js";

// ---------------------------------------------------------------- E7.1 configured runtime

export async function configExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const SECOND = bookSecond(opts);
  const lines: Stamped[] = [];
  const say = (line: string): void => {
    lines.push([wallNow(), line]);
  };
  const t0 = wallNow();
  const pool = await startedPool({
    workers: 4,
    name: "our custom runtime A",
    stackSizeMb: 3,
    onWorkerStart: (_i, _id, name) => say(`thread starting for runtime A (${name})`),
    onWorkerStop: (_i, _code, name) => say(`thread stopping for runtime A (${name})`),
  });
  const handle = pool.submit<{ value: number; lines: Stamped[] }>(task("sleepExample", 2 * SECOND));
  say("spawned task");
  say(`task status: ${handle.finished}`);
  blockingSleep(3 * SECOND); // the book's std::thread::sleep(3 s) on the main thread
  // Results arrive as messages, taken in by the event loop's poll phase: pass through one
  // (timers → poll → check) before looking, so a result sent while we blocked is seen.
  await new Promise((resolve) => setTimeout(() => setImmediate(resolve), 1));
  say(`task status: ${handle.finished}`);
  const { value, lines: workerLines } = await handle;
  lines.push(...workerLines);
  say(`task result: ${value}`);
  const parks = pool.stats().reduce((s, w) => s + w.parks, 0);
  await pool.close();

  const knobs = await knobEffects(opts);
  const starts = lines.filter((l) => l[1].startsWith("thread starting")).length;
  return {
    blocks: [
      {
        kind: "text",
        title:
          `the book's sleep_example on a configured pool (4 workers, named, 3 MiB ` +
          `stacks; 1 book-second = ${SECOND} ms)`,
        lines: sortLines(lines, t0),
      },
      {
        kind: "table",
        title: "the builder's knobs: tokio's and ours",
        columns: [
          { header: "tokio (E7.1)" },
          { header: "book's value" },
          { header: "ours" },
          { header: "here (measured, or marked config)" },
        ],
        rows: [
          ["worker_threads(4)", "4", "new ThreadPool({ workers })", `${starts} workers started`],
          ["thread_name(...)", "our custom runtime A", "{ name } → worker i is `${name}-${i}`", pool.workerName(0)],
          [
            "thread_stack_size(3 MiB)",
            "3 MiB (default 2 MiB)",
            "{ stackSizeMb } (Worker resourceLimits)",
            "3 MiB (config)",
          ],
          [
            "on_thread_start / on_thread_stop",
            "prints per thread",
            "{ onWorkerStart, onWorkerStop } (index, threadId / exit code, name)",
            `${starts} starts, ${lines.filter((l) => l[1].startsWith("thread stopping")).length} stops`,
          ],
          [
            "on_thread_park",
            "prints per park",
            "pool.stats()[i].parks (a counter: a park is an Atomics.wait)",
            `${parks} parks`,
          ],
          [
            "global_queue_interval(61)",
            "31 single / 61 multi",
            "withConfig({ globalQueueInterval }) (work-stealing policy)",
            "measured below",
          ],
          ["event_interval / coop budget", "—", "new LiveRuntime({ pollBudget })", "measured below"],
          ["max_blocking_threads(1)", "1", "— (a separate pool: blocking work goes to its own ThreadPool)", "—"],
          ["thread_keep_alive(60 s)", "60 s", "— (workers live until close(); idle ones are parked, not reaped)", "—"],
        ],
      },
      ...knobs,
      {
        kind: "book",
        title: "book's printout (L5235-5249) beside ours",
        rows: [
          {
            label: "order",
            book:
              "spawned task · task status: false · sleeping for 2 seconds · done " +
              "sleeping · task status: true · task result: 20",
            ours: sortLines(lines, t0)
              .map((l) => l.slice(10))
              .filter((l) => !l.startsWith("thread"))
              .join(" · "),
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "Start/stop hooks run on the submitting thread (a worker's own stdout " +
            "would interleave at random); the task's lines are stamped on its " +
            "worker and merged by time.",
          "The main thread's 3 s block did not stop the worker: the task slept " +
            "and finished on its own thread meanwhile.",
        ],
      },
    ],
  };
}

async function knobEffects(opts: LabOptions): Promise<Block[]> {
  // Worker count: 8 CPU tasks of ~25 ms each (a fixed amount of work, see tasks.ts).
  const amount = calibrateCpuWork(25);
  const workerRows: Cell[][] = [];
  let oneWorker = 0;
  for (const workers of [1, 2, 4]) {
    const pool = await startedPool({ workers, name: `count-${workers}` });
    const before = pool.stats().map((s) => s.tasksRun);
    const t = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => pool.submit(task("work", amount))));
    const ms = performance.now() - t;
    const perWorker = pool.stats().map((s, i) => s.tasksRun - before[i]!);
    await pool.close();
    if (workers === 1) oneWorker = ms;
    workerRows.push([workers, ms, oneWorker / ms, perWorker.join(" / ")]);
  }

  // Poll budget per turn: 4 tasks that yield 25,000 times each, and a setImmediate probe measuring how long Node's own
  // loop waits.
  const budgetRows: Cell[][] = [];
  for (const pollBudget of [16, 256, 4096, 65_536]) {
    const rt = new LiveRuntime({ pollBudget, timeSliceMs: 1000 });
    const probe = { runs: 0, worstGap: 0, last: performance.now(), on: true };
    const tick = (): void => {
      const now = performance.now();
      probe.worstGap = Math.max(probe.worstGap, now - probe.last);
      probe.last = now;
      probe.runs++;
      if (probe.on) setImmediate(tick);
    };
    setImmediate(tick);
    const t = performance.now();
    await Promise.all(Array.from({ length: 4 }, () => rt.spawn(yielder(25_000)).toPromise()));
    const ms = performance.now() - t;
    probe.on = false;
    budgetRows.push([pollBudget, rt.stats.turns, probe.runs, probe.worstGap, ms]);
  }

  // Global-queue interval: one worker busy with a chain of 1 ms tasks it spawns itself; a task injected from outside
  // waits for the next global check.
  const intervalRows: Cell[][] = [];
  for (const interval of [1, 31, 61, 1000]) intervalRows.push([interval, injectedWait(interval, opts.seed)]);

  return [
    table(
      `worker count: 8 CPU tasks of ~25 ms each (fibonacci, calibrated on one core; ${cores} cores here)`,
      ["workers", col("makespan", "ms", 0, "min"), col("speed-up", "×", 2, "max"), "tasks per worker"],
      workerRows,
    ),
    table(
      "poll budget per turn (live executor): 4 tasks × 25,000 yields, time slice out of the way",
      [
        "pollBudget",
        "executor turns",
        "Node callbacks meanwhile",
        col("worst wait of a Node callback", "ms", 2, "min"),
        col("total", "ms", 0, "min"),
      ],
      budgetRows,
    ),
    table(
      "global-queue interval (work-stealing policy, sim driver: virtual ms; 1 " +
        "worker busy with self-spawned 1 ms tasks)",
      ["globalQueueInterval", col("wait of a task injected from outside (virtual)", "ms", 1, "min")],
      intervalRows,
    ),
    {
      kind: "notice",
      lines: [
        workerCountNotice(
          workerRows.map((r) => [r[0] as number, r[2] as number]),
          cores,
        ),
        "Poll budget: a small budget hands the thread back to Node often " +
          "(timers, sockets stay prompt); a big one polls longer per turn — fewer " +
          "turns, longer waits for everything else.",
        "Global-queue interval: a worker that always has local work looks at " +
          "injected work only every N-th tick, so injected work waits about N " +
          "task-lengths — tokio's 61 trades that latency for locality.",
      ],
    },
  ];
}

function* yieldMany(n: number): Co<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}
const yielder = (n: number) => co(yieldMany(n));

/** A task that computes 1 ms (virtual) and spawns its successor from inside the worker (LIFO slot / local queue). */
class Chain extends BaseFuture<void> {
  constructor(
    private readonly rt: { spawn(f: BaseFuture<void>): unknown },
    private readonly left: number,
  ) {
    super();
  }
  poll(_cx: Context): Poll<void> {
    burn(1);
    if (this.left > 0) this.rt.spawn(new Chain(this.rt, this.left - 1));
  }
}

/** Records the virtual time of its first poll. */
class Probe extends BaseFuture<void> {
  polledAt = NaN;
  constructor(private readonly clock: { clockNow(): number }) {
    super();
  }
  poll(_cx: Context): Poll<void> {
    this.polledAt = this.clock.clockNow();
  }
}

function injectedWait(globalQueueInterval: number, seed: number): number {
  const rt = new Runtime()
    .withQueues([{ name: "default", workers: 1 }])
    .withPolicy("work-stealing")
    .withSeed(seed)
    .withConfig({ globalQueueInterval })
    .sim();
  rt.spawn(new Chain(rt, 2000));
  const probe = new Probe(rt);
  let injectedAt = NaN;
  rt.at(10.5, () => {
    injectedAt = rt.clockNow();
    rt.spawn(probe);
  });
  rt.run();
  return probe.polledAt - injectedAt;
}
