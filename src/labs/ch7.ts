/**
 * Chapter 7 — Customising Tokio. The book's knobs, on this project's runtimes:
 * the thread pool (worker count, names, start/stop hooks, stack size, pinning,
 * shutdown), the live executor (poll budget per turn) and the work-stealing
 * scheduler (global-queue interval, on the sim driver so the effect is exact).
 *
 * Every figure is measured here; the book's lines are printed beside ours.
 * Tasks that run on worker threads live in ch7-tasks.ts (a module the workers
 * import — closures cannot cross threads).
 */
import { availableParallelism } from "node:os";
import {
  BaseFuture, blockingSleep, co, LiveRuntime, PoolHandle, Runtime, ThreadPool, burn, yieldNow,
  type Co, type Context, type Poll, type TaskDescriptor,
} from "../index.js";
import type { CounterReport, Stamped } from "./ch7-tasks.js";
import { calibrateCpuWork, FIB_N } from "./ch1/work.js";

import type { Block, Chapter, ExperimentResult, LabOptions } from "./types.js";

const cores = availableParallelism();

const TASKS = new URL(import.meta.url.endsWith(".ts") ? "./ch7-tasks.ts" : "./ch7-tasks.js", import.meta.url);
const task = (name: string, arg?: unknown): TaskDescriptor => ({ module: TASKS, name, arg });

/** The book's second, scaled (`--time-scale`, default 0.01 → 10 ms), never below 5 ms so thread start-up cannot swamp it. */
function bookSecond(opts: LabOptions): number {
  return Math.max(5, 1000 * opts.timeScale);
}

const wallNow = (): number => performance.timeOrigin + performance.now();

/** A pool whose workers are all running (the book's runtime threads exist before the first spawn). */
async function startedPool(options: ConstructorParameters<typeof ThreadPool>[0] & { workers: number }): Promise<ThreadPool> {
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
  await online;
  // Load the task module on every worker, so no timed run pays for an import.
  await Promise.all(Array.from({ length: options.workers }, (_, i) => pool.spawnPinnedByIdx(task("work", { n: FIB_N, reps: 1 }), i)));
  return pool;
}

function sortLines(lines: Stamped[], t0: number): string[] {
  return lines.sort((a, b) => a[0] - b[0]).map(([at, line]) => `${(at - t0).toFixed(0).padStart(5)} ms  ${line}`);
}

// ---------------------------------------------------------------- E7.1 configured runtime

async function configExperiment(opts: LabOptions): Promise<ExperimentResult> {
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
  return {
    blocks: [
      { kind: "text", title: `the book's sleep_example on a configured pool (4 workers, named, 3 MiB stacks; 1 book-second = ${SECOND} ms)`, lines: sortLines(lines, t0) },
      { kind: "table", title: "the builder's knobs: tokio's and ours", columns: [{ header: "tokio (E7.1)" }, { header: "book's value" }, { header: "ours" }, { header: "value here" }],
        rows: [
          ["worker_threads(4)", "4", "new ThreadPool({ workers })", 4],
          ["thread_name(...)", "our custom runtime A", "{ name } → worker i is `${name}-${i}`", pool.workerName(0)],
          ["thread_stack_size(3 MiB)", "3 MiB (default 2 MiB)", "{ stackSizeMb } (Worker resourceLimits)", "3 MiB"],
          ["on_thread_start / on_thread_stop", "prints per thread", "{ onWorkerStart, onWorkerStop } (index, threadId / exit code, name)", `${lines.filter((l) => l[1].startsWith("thread starting")).length} starts, ${lines.filter((l) => l[1].startsWith("thread stopping")).length} stops`],
          ["on_thread_park", "prints per park", "pool.stats()[i].parks (a counter: a park is an Atomics.wait)", `${parks} parks`],
          ["global_queue_interval(61)", "31 single / 61 multi", "withConfig({ globalQueueInterval }) (work-stealing policy)", "see below"],
          ["event_interval / coop budget", "—", "new LiveRuntime({ pollBudget })", "see below"],
          ["max_blocking_threads(1)", "1", "— (a separate pool: blocking work goes to its own ThreadPool)", "—"],
          ["thread_keep_alive(60 s)", "60 s", "— (workers live until close(); idle ones are parked, not reaped)", "—"],
        ] },
      ...knobs,
      { kind: "book", title: "book's printout (L5235-5249) beside ours", rows: [
        { label: "order", book: "spawned task · task status: false · sleeping for 2 seconds · done sleeping · task status: true · task result: 20", ours: sortLines(lines, t0).map((l) => l.slice(10)).filter((l) => !l.startsWith("thread")).join(" · ") },
      ] },
      { kind: "notice", lines: [
        "Start/stop hooks run on the submitting thread (a worker's own stdout would interleave at random); the task's lines are stamped on its worker and merged by time.",
        "The main thread's 3 s block did not stop the worker: the task slept and finished on its own thread meanwhile.",
      ] },
    ],
  };
}

async function knobEffects(opts: LabOptions): Promise<Block[]> {
  // Worker count: 8 CPU tasks of ~25 ms each (a fixed amount of work, see ch7-tasks.ts).
  const amount = calibrateCpuWork(25);
  const workerRows: (string | number)[][] = [];
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

  // Poll budget per turn: 4 tasks that yield 25,000 times each, and a setImmediate probe measuring how long Node's own loop waits.
  const budgetRows: (string | number)[][] = [];
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

  // Global-queue interval: one worker busy with a chain of 1 ms tasks it spawns itself; a task injected from outside waits for the next global check.
  const intervalRows: (string | number)[][] = [];
  for (const interval of [1, 31, 61, 1000]) intervalRows.push([interval, injectedWait(interval, opts.seed)]);

  return [
    { kind: "table", title: `worker count: 8 CPU tasks of ~25 ms each (fibonacci, calibrated on one core; this machine has ${cores} cores)`, columns: [{ header: "workers" }, { header: "makespan", unit: "ms", digits: 0, best: "min" }, { header: "speed-up", unit: "×", digits: 2, best: "max" }, { header: "tasks per worker" }], rows: workerRows },
    { kind: "table", title: "poll budget per turn (live executor): 4 tasks × 25,000 yields, time slice out of the way", columns: [{ header: "pollBudget" }, { header: "executor turns" }, { header: "Node callbacks meanwhile" }, { header: "worst wait of a Node callback", unit: "ms", digits: 2, best: "min" }, { header: "total", unit: "ms", digits: 0, best: "min" }], rows: budgetRows },
    { kind: "table", title: "global-queue interval (work-stealing policy, sim driver, 1 worker busy with self-spawned 1 ms tasks)", columns: [{ header: "globalQueueInterval" }, { header: "wait of a task injected from outside", unit: "ms", digits: 1, best: "min" }], rows: intervalRows },
    { kind: "notice", lines: [
      `Worker count: past the number of cores more workers only share them (${cores} cores here).`,
      "Poll budget: a small budget hands the thread back to Node often (timers, sockets stay prompt); a big one polls longer per turn — fewer turns, longer waits for everything else.",
      "Global-queue interval: a worker that always has local work looks at injected work only every N-th tick, so injected work waits about N task-lengths — tokio's 61 trades that latency for locality.",
    ] },
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
  const rt = new Runtime().withQueues([{ name: "default", workers: 1 }]).withPolicy("work-stealing").withSeed(seed).withConfig({ globalQueueInterval }).sim();
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

// ---------------------------------------------------------------- E7.2 two runtimes

async function twoRuntimesExperiment(_opts: LabOptions): Promise<ExperimentResult> {
  const high = await startedPool({ workers: 2, name: "HIGH_PRIORITY" });
  const low = await startedPool({ workers: 1, name: "LOW_PRIORITY" });
  const amount = calibrateCpuWork(20);
  const run = async (pool: ThreadPool): Promise<{ ms: number; perWorker: number[]; steals: number }> => {
    const before = pool.stats();
    const t = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => pool.submit(task("work", amount))));
    const ms = performance.now() - t;
    const after = pool.stats();
    return { ms, perWorker: after.map((s, i) => s.tasksRun - before[i]!.tasksRun), steals: after.reduce((n, s, i) => n + s.steals - before[i]!.steals, 0) };
  };
  const [h, l] = await Promise.all([run(high), run(low)]);
  await Promise.all([high.close(), low.close()]);
  return {
    blocks: [
      { kind: "table", title: "two pools side by side, 8 CPU tasks of ~20 ms each (fibonacci) submitted to each at once", columns: [{ header: "runtime" }, { header: "workers" }, { header: "makespan", unit: "ms", digits: 0, best: "min" }, { header: "tasks per worker" }, { header: "steals inside it" }],
        rows: [["HIGH_PRIORITY", 2, h.ms, h.perWorker.join(" / "), h.steals], ["LOW_PRIORITY", 1, l.ms, l.perWorker.join(" / "), l.steals]] },
      { kind: "book", rows: [{ label: "layout", book: "HIGH_PRIORITY 2 workers, LOW_PRIORITY 1; no stealing across runtimes (L5259-5298)", ours: `high ${h.ms.toFixed(0)} ms on 2 workers, low ${l.ms.toFixed(0)} ms on 1` }] },
      { kind: "notice", lines: ["Each pool steals only among its own workers: the low pool's one worker ran all its 8 tasks even while the high pool's workers were done and idle.", `Three worker threads share this machine's ${cores} cores, so the pools also slow each other down — priority between runtimes is only as good as the OS scheduler's.`] },
    ],
  };
}

// ---------------------------------------------------------------- E7.3 pinned tasks, thread-local counter

interface PinnedScenario {
  title: string;
  workers: number;
  how: "spawnPinned" | "byIdx0";
  fn: "something" | "somethingAsync";
  book: string;
}

const SCENARIOS: PinnedScenario[] = [
  { title: "LocalPoolHandle::new(1), spawn_pinned ×3", workers: 1, how: "spawnPinned", fn: "something", book: "one, Counter: 2 for: 1, two, Counter: 3 for: 2, three, Counter: 4 for: 3 (L5372-5378)" },
  { title: "LocalPoolHandle::new(3), spawn_pinned ×3", workers: 3, how: "spawnPinned", fn: "something", book: "one three two, each Counter: 2 (L5383-5389)" },
  { title: "new(3), spawn_pinned_by_idx(.., 0) ×3", workers: 3, how: "byIdx0", fn: "something", book: "as pool 1 (L5402-5408)" },
  { title: "by_idx 0 with an async sleep (tokio::time::sleep)", workers: 3, how: "byIdx0", fn: "somethingAsync", book: "one two three, then Counter: 2, 3, 4 (L5412-5418)" },
];

async function pinnedExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const SECOND = bookSecond(opts);
  const names = ["one", "two", "three"];
  const blocks: Block[] = [];
  const bookRows: { label: string; book: string; ours: string }[] = [];
  for (const s of SCENARIOS) {
    const pool = await startedPool({ workers: s.workers, name: "local-pool" });
    const handles: PoolHandle<CounterReport>[] = [1, 2, 3].map((n) =>
      s.how === "spawnPinned" ? pool.spawnPinned<CounterReport>(task(s.fn, { n, ms: SECOND })) : pool.spawnPinnedByIdx<CounterReport>(task(s.fn, { n, ms: SECOND }), 0),
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
    bookRows.push({ label: s.title, book: s.book, ours: lines.slice(0, -1).map((l) => l.replace(/ \(worker \d\)/, "")).join(", ") });
  }
  blocks.push({ kind: "book", title: `the book's outputs beside ours (1 book-second = ${SECOND} ms)`, rows: bookRows });
  blocks.push({ kind: "notice", lines: [
    "A module-level `let counter` in the task module is per thread: each worker imported its own copy — the book's thread_local! COUNTER.",
    "Pinned tasks are never stolen, so a task sees the state of the worker it was pinned to; spawnPinned picks the worker with the fewest pinned tasks outstanding.",
    "With a blocking sleep, one worker runs its pinned tasks one after another; with an async sleep it starts all three, then each bumps the counter as its sleep ends.",
  ] });
  return { blocks };
}

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
  for (let r = 0; r < UNSAFE_ROUNDS; r++) for (const n of KEYS) handles.push(pool.spawnPinnedByIdx<number>(task("countKeyTwice", { n, unitMs: UNSAFE_UNIT_MS, awaitInside }), 0));
  await Promise.all(handles);
  return pool.spawnPinnedByIdx<Record<number, number>>(task("takeUnsafeCounter"), 0);
}

async function unsafeCounterExperiment(_opts: LabOptions): Promise<ExperimentResult> {
  const pool = await startedPool({ workers: 1, name: "local-pool" });
  const expected = 2 * UNSAFE_ROUNDS;
  const rows: (string | number)[][] = [];
  const printed: string[] = [];
  try {
    for (const [variant, awaitInside] of [["no await inside the update (book)", false], ["await inside read-modify-write", true]] as const) {
      for (let run = 1; run <= UNSAFE_RUNS; run++) {
        const counts = await unsafeCounterRun(pool, awaitInside);
        const got = KEYS.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
        rows.push([variant, run, expected * KEYS.length, got, expected * KEYS.length - got, KEYS.map((k) => counts[k] ?? 0).join(" / ")]);
        printed.push(`${awaitInside ? "await inside" : "book"}, run ${run}: Counter: ${show(counts)}`);
      }
    }
  } finally {
    await pool.close();
  }
  return {
    blocks: [
      { kind: "text", title: "print_statement on the worker thread", lines: printed },
      { kind: "table", title: `${UNSAFE_ROUNDS.toLocaleString("en")} rounds × keys 1..5 = ${(UNSAFE_ROUNDS * KEYS.length).toLocaleString("en")} tasks pinned to 1 worker (book: ${UNSAFE_BOOK_ROUNDS.toLocaleString("en")} rounds = 500,000 tasks); each task counts its key twice, after a sleep of n ms`,
        columns: [{ header: "variant" }, { header: "run" }, { header: "expected" }, { header: "got" }, { header: "lost", best: "min" }, { header: "per key 1 / 2 / 3 / 4 / 5" }], rows },
      { kind: "book", rows: [
        { label: "counts", book: "Counter: {2: 200000, 4: 200000, 1: 200000, 3: 200... (L5574), 2 × 100,000 per key", ours: `${printed[0]!.replace(/^.*Counter: /, "")}, 2 × ${UNSAFE_ROUNDS.toLocaleString("en")} per key` },
        { label: "repeatability", book: "No matter how many times we run them, the counts will always be the same (L5576)", ours: `book variant: ${rows[0]![5] === rows[1]![5] ? "the same" : "different"} counts in ${UNSAFE_RUNS} runs` },
      ] },
      { kind: "notice", lines: [
        "One thread runs one task at a time, so an update with no await inside it cannot be interleaved: no lock, no atomics — in JavaScript every plain object is such thread-local data.",
        "Put an await between the read and the write and the task can be suspended holding a stale value: other tasks update the key meanwhile and the write-back erases their work — lost updates, on one thread, with no data race at all.",
        "How many are lost depends on how many tasks' sleeps end in the same timer batch, which is real time: the number varies from run to run; that some are lost does not.",
      ] },
    ],
  };
}

// ---------------------------------------------------------------- E7.5 / E7.6 graceful shutdown with state extraction

const KEYS = [1, 2, 3, 4, 5];
/** Rounds of the workload (the book runs 100,000 × 5 keys; each task bumps its key twice → 200,000 per key). */
const ROUNDS = 10_000;
const CHUNK_ROUNDS = 200;
/** Longest a real signal is waited for with `--until-signal`. */
const UNTIL_SIGNAL_CAP_MS = 60_000;

async function extractAll(pool: ThreadPool): Promise<Record<number, number>> {
  const parts = await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.spawnPinnedByIdx<Record<number, number>>(task("extract"), i)));
  const merged: Record<number, number> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) merged[+k] = (merged[+k] ?? 0) + v;
  return merged;
}

const show = (counts: Record<number, number>): string => `{${Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(", ")}}`;

/** Chunks in flight at once: the next is queued while the previous runs, so a stop always finds queued work. */
const PIPELINE = 2;

/**
 * Submit rounds in chunks until `stop()` says so (or `rounds` run out), keeping
 * {@link PIPELINE} chunks in flight; returns rounds submitted. Handles not yet
 * settled are in `inFlight`.
 */
async function produce(pool: ThreadPool, rounds: number, stop: (submitted: number) => boolean, inFlight: Set<PoolHandle<unknown>>, serveMs: number): Promise<number> {
  let done = 0;
  const chunks: Promise<unknown>[] = [];
  while (done < rounds && !stop(done)) {
    const chunk: PoolHandle<unknown>[] = [];
    // A little real work on every worker first: the in-flight requests a shutdown must let finish.
    if (serveMs > 0) for (let i = 0; i < pool.size; i++) chunk.push(pool.spawnPinnedByIdx(task("serve", serveMs), i));
    for (let r = 0; r < CHUNK_ROUNDS && done < rounds; r++, done++) for (const k of KEYS) chunk.push(pool.spawnPinned(task("tally", k)));
    for (const h of chunk) {
      inFlight.add(h);
      void h.toPromise().then(() => inFlight.delete(h), () => inFlight.delete(h));
    }
    chunks.push(Promise.allSettled(chunk));
    // Checked right after submitting, so a stop finds this chunk queued.
    if (stop(done)) break;
    if (chunks.length >= PIPELINE) await chunks.shift();
  }
  if (!stop(done)) await Promise.all(chunks);
  return done;
}

async function shutdownExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const SECOND = bookSecond(opts);
  const untilSignal = opts.extra.untilSignal === true;
  const deadlineMs = 5 * SECOND;
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    opts.log(line);
  };
  const pool = await startedPool({ workers: 4, name: "local-pool" });

  // 1. The whole workload, then the state of all four threads (E7.6's normal exit).
  const t = performance.now();
  await produce(pool, ROUNDS, () => false, new Set(), 0);
  const fullMs = performance.now() - t;
  const complete = await extractAll(pool);
  say("All futures completed");
  say(`Complete counter: ${show(complete)}`);
  await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.spawnPinnedByIdx(task("resetTallies"), i)));

  // 2. The workload again, interrupted: by SIGINT/SIGTERM (the CLI turns them into opts.signal),
  //    or — without a signal — by ourselves halfway, so the default run shows the same path.
  const inFlight = new Set<PoolHandle<unknown>>();
  const self = new AbortController();
  let reason = "";
  const onSignal = (): void => {
    reason = String(opts.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT (ctrl-c)");
  };
  opts.signal.addEventListener("abort", onSignal, { once: true });
  if (opts.signal.aborted) onSignal();
  const stop = (): boolean => opts.signal.aborted || self.signal.aborted;
  let selfTimer: NodeJS.Timeout | undefined;
  if (untilSignal) {
    say(`running until SIGINT or SIGTERM (pid ${process.pid})`);
    selfTimer = setTimeout(() => {
      reason = `no signal within ${UNTIL_SIGNAL_CAP_MS / 1000} s`;
      self.abort();
    }, UNTIL_SIGNAL_CAP_MS);
  }
  // Without --until-signal: halfway through, interrupt ourselves (chunks are still in flight then).
  const stopOrHalfway = (done: number): boolean => {
    if (!untilSignal && !stop() && done >= ROUNDS / 2) {
      reason = "simulated ctrl-c (no signal arrived; halfway through the rounds)";
      self.abort();
    }
    return stop();
  };
  let submitted = 0;
  try {
    while (!stop()) submitted += await produce(pool, ROUNDS, stopOrHalfway, inFlight, SECOND / 10);
  } finally {
    clearTimeout(selfTimer);
    opts.signal.removeEventListener("abort", onSignal);
  }
  say(`${reason} received! stopping: no new work accepted`);
  const t2 = performance.now();
  // Queued work is dropped (it never runs); running work is asked to stop and given until the deadline.
  let cancelled = 0;
  for (const h of inFlight) if (h.cancel() && h.state === "cancelled") cancelled++;
  const waited = await Promise.race([
    Promise.allSettled([...inFlight]).then(() => true),
    new Promise<boolean>((resolve) => setTimeout(resolve, deadlineMs, false).unref()),
  ]);
  say(`in-flight tasks ${waited ? "finished" : "still running"} after ${(performance.now() - t2).toFixed(0)} ms (deadline ${deadlineMs} ms); ${cancelled} queued tasks cancelled`);
  const partial = await extractAll(pool);
  say(`Complete counter: ${show(partial)}`);
  await pool.close({ mode: "cancel", deadlineMs });
  say(`cleanup: pool closed, ${pool.size} workers stopped`);

  const exit = opts.signal.aborted ? (opts.signal.reason === "SIGTERM" ? 143 : 130) : 0;
  return {
    blocks: [
      { kind: "text", title: "graceful shutdown (4 pinned worker threads, per-thread tallies)", lines },
      { kind: "table", title: `the workload: ${ROUNDS.toLocaleString("en")} rounds × ${KEYS.length} keys, each task bumps its key twice`, columns: [{ header: "run" }, { header: "rounds submitted" }, { header: "total counted" }, { header: "time", unit: "ms", digits: 0 }],
        rows: [["complete", ROUNDS, Object.values(complete).reduce((a, b) => a + b, 0), fullMs], ["interrupted", submitted, Object.values(partial).reduce((a, b) => a + b, 0), performance.now() - t2]] },
      { kind: "book", rows: [
        { label: "complete", book: "Complete counter: {1: 200000, 4: 200000, 2: 20000...} (L5749; 100,000 rounds)", ours: `${show(complete)} (${ROUNDS.toLocaleString("en")} rounds)` },
        { label: "interrupted", book: "e.g. {2: 100000, 3: 32290, 1: 200000...} (L5750)", ours: show(partial) },
        { label: "exit", book: "ctrl-c handler, then the program exits", ours: exit === 0 ? "no signal: exit 0 (send SIGINT → 130, SIGTERM → 143)" : `exit ${exit}` },
      ] },
      { kind: "notice", lines: [
        "Node does not die on SIGINT once a handler is installed: the CLI's handler turns it into an AbortSignal, this experiment stops producing, lets in-flight tasks end within the deadline, reads every thread's state through tasks pinned by index, then cleans up.",
        "A blocking task cannot be interrupted from outside its thread; past the deadline close() terminates the workers (those tasks fail with PoolClosedError).",
        "A second ctrl-c exits at once (130), like the book's third ctrl-c.",
      ] },
    ],
  };
}

export const ch7: Chapter = {
  id: "ch7",
  title: "Customising Tokio: pool knobs, two runtimes, pinned tasks with thread-local state, graceful shutdown",
  options: [{ flags: "--until-signal", description: "shutdown: keep working until SIGINT or SIGTERM arrives (default: interrupt itself halfway)" }],
  experiments: [
    { id: "config", book: "E7.1", title: "A configured runtime: workers, names, hooks, poll budget, global-queue interval", summary: "the builder's knobs shown by their effect", run: configExperiment },
    { id: "two-runtimes", book: "E7.2", title: "Two runtimes side by side: high (2 workers) and low (1)", summary: "no stealing across pools", run: twoRuntimesExperiment },
    { id: "pinned", book: "E7.3", title: "A local pool: tasks pinned to a worker keep per-thread state", summary: "spawnPinned / spawnPinnedByIdx and a thread-local COUNTER", run: pinnedExperiment },
    { id: "unsafe-counter", book: "E7.4", title: "A thread-local HashMap updated with no lock by 50,000 pinned tasks", summary: "no await inside the update → exact counts; an await inside → lost updates", run: unsafeCounterExperiment },
    { id: "shutdown", book: "E7.5, E7.6", title: "Graceful shutdown on SIGINT / SIGTERM with state extracted from every thread", summary: "stop accepting, finish in-flight within a deadline, clean up, exit 130 / 143", run: shutdownExperiment },
  ],
};
