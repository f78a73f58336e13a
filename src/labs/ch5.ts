/**
 * Chapter 5 — Coroutines. Generators are JavaScript's coroutines; `fromGenerator`
 * gives them the book's `resume → yielded | complete` face, and `asFuture` is the
 * adapter back to futures. Files live in a fresh temp directory, removed afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
import {
  asFuture, BaseFuture, co, joinAll, LiveRuntime, Mutex, PENDING, seededRandom, randomInt, sleep, yieldNow,
  type Co, type Context, type Poll, type Rng,
} from "../index.js";
import {
  appendNumberReopening, externalControl, MutexCoroutine, readCoroutine, RandCoroutine, runRoundRobin, shuttle, SleepCoroutine,
  symmetricReader, symmetricWriter, transfer, writeCoroutine,
} from "./ch5-coroutines.js";
import type { Chapter, ExperimentResult, LabOptions } from "./types.js";

function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "async-lab-ch5-"));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

// ---------------------------------------------------------------- E5.1

const NUMBERS = 200_000;

async function writeNumbersExperiment(opts: LabOptions): Promise<ExperimentResult> {
  return withTempDir(async (dir) => {
    const rng = seededRandom(opts.seed);
    const numbers = Array.from({ length: NUMBERS }, () => randomInt(rng, 0x7fffffff) - 0x3fffffff);
    const reopenPath = join(dir, "numbers-reopen.txt");
    let t = performance.now();
    for (const n of numbers) appendNumberReopening(reopenPath, n);
    const reopenMs = performance.now() - t;
    const coPath = join(dir, "numbers-coroutine.txt");
    t = performance.now();
    const writer = writeCoroutine(coPath);
    for (const n of numbers) writer.resume(n);
    writer.close();
    const coMs = performance.now() - t;
    const same = readFileSync(reopenPath, "utf8") === readFileSync(coPath, "utf8");
    const ratio = reopenMs / coMs;
    return {
      blocks: [
        { kind: "table", title: `${NUMBERS.toLocaleString("en")} random numbers (seed ${opts.seed})`, columns: [{ header: "approach" }, { header: "time", unit: "ms", digits: 1, best: "min" }, { header: "file", unit: "B" }, { header: "same content" }],
          rows: [["reopen the file for every number", reopenMs, statSync(reopenPath).size, same], ["coroutine holding the handle", coMs, statSync(coPath).size, same]] },
        { kind: "book", rows: [
          { label: "reopen each time", book: "3.8 s", ours: `${(reopenMs / 1000).toFixed(2)} s` },
          { label: "WriteCoroutine", book: "622.6 ms", ours: `${coMs.toFixed(1)} ms` },
          { label: "speed-up", book: "~6×", ours: `${ratio.toFixed(1)}×`, note: "ratio is the comparable figure (an M2 laptop then, this machine now)" },
        ] },
        { kind: "notice", lines: ["Each reopen is an open + close system call pair; the coroutine keeps its file descriptor across resumes, so only the write remains."] },
      ],
    };
  });
}

// ---------------------------------------------------------------- E5.2

async function readCsv(): Promise<ExperimentResult> {
  return withTempDir(async (dir) => {
    const path = join(dir, "test.csv");
    writeFileSync(path, "1\n2\n3\n4\n5\n");
    const co = readCoroutine(path);
    const lines: string[] = [];
    for (let s = co.resume(); ; s = co.resume()) {
      if (s.kind === "complete") {
        lines.push("Complete");
        break;
      }
      lines.push(`Yielded(${s.value})`);
    }
    return { blocks: [
      { kind: "text", title: "resume() until Complete on test.csv (1..5)", lines },
      { kind: "book", rows: [{ label: "printed values", book: "1 2 3 4 5", ours: lines.filter((l) => l.startsWith("Y")).map((l) => l.slice(8, -1)).join(" ") }] },
    ] };
  });
}

// ---------------------------------------------------------------- E5.3

async function fileTransfer(opts: LabOptions): Promise<ExperimentResult> {
  return withTempDir(async (dir) => {
    const rng = seededRandom(opts.seed);
    const rows: (string | number)[][] = [];
    const gc = collector();
    // Live heap after a collection: what the transfer *holds*, not garbage awaiting a GC.
    const liveHeap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    for (const count of [10_000, 100_000, 1_000_000]) {
      const from = join(dir, `numbers-${count}.txt`);
      const to = join(dir, `output-${count}.txt`);
      let text = "";
      for (let i = 0; i < count; i++) text += `${randomInt(rng, 1_000_000)}\n`;
      writeFileSync(from, text);
      text = "";
      const base = liveHeap();
      const { moved, peakHeap } = transfer(from, to, Math.max(1, count / 20), liveHeap);
      const ok = readFileSync(from).equals(readFileSync(to));
      rows.push([count, statSync(from).size, moved, Math.max(0, peakHeap - base), ok ? "yes" : "NO"]);
    }
    return { blocks: [
      { kind: "table", title: "numbers.txt → output.txt through a reader and a writer coroutine", columns: [{ header: "numbers" }, { header: "file size", unit: "B" }, { header: "moved" }, { header: "peak heap growth", unit: "B" }, { header: "identical" }], rows },
      { kind: "notice", lines: [
        "The file grows 100×; the heap the transfer needs does not: the reader holds one 64 KiB chunk and yields one number at a time.",
        "Heap sampled 20 times per run, each after a forced GC, minus the live heap before the run.",
      ] },
    ] };
  });
}

/** A way to force a GC without the --expose-gc flag (the flag can be set at run time, then read through a fresh context). */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

// ---------------------------------------------------------------- E5.4

async function symmetric(): Promise<ExperimentResult> {
  return withTempDir(async (dir) => {
    const from = join(dir, "numbers.txt");
    const to = join(dir, "output.txt");
    writeFileSync(from, "10\n20\n30\n40\n");
    const writer = symmetricWriter(to);
    const moved = shuttle(symmetricReader(from), writer);
    writer.close();
    return { blocks: [
      { kind: "text", title: "main shuttles: reader.resumeWithInput(()) → writer.resumeWithInput(n)", lines: moved.map((n) => `moved ${n}`).concat([`output.txt: ${readFileSync(to, "utf8").trim().split("\n").join(" ")}`]) },
      { kind: "notice", lines: ["Not truly symmetric (the book says so too): main decides who runs next. JavaScript generators are asymmetric as well — a yield returns to the caller, never to a peer."] },
    ] };
  });
}

// ---------------------------------------------------------------- E5.5 / E5.6

async function sleepCoroutines(opts: LabOptions): Promise<ExperimentResult> {
  const second = 1000 * opts.timeScale;
  const now = () => performance.now();
  const passes: string[] = [];
  let t = now();
  const resumes = runRoundRobin([0, 1, 2].map(() => new SleepCoroutine(second, now)), (n) => {
    if (passes.length < 3) passes.push(`Polling ${n} coroutines`);
  });
  const tookRoundRobin = now() - t;
  // The same coroutines as futures through the adapter, on our executor.
  const rt = new LiveRuntime();
  t = now();
  await rt.blockOn(joinAll([0, 1, 2].map(() => asFuture(new SleepCoroutine(second, now)))));
  const tookAdapter = now() - t;
  return { blocks: [
    { kind: "text", title: "hand-written executor", lines: [...passes, "…", `Took ${tookRoundRobin.toFixed(1)} ms (${resumes.toLocaleString("en")} resumes)`] },
    { kind: "table", title: `three sleep coroutines of "1 s" = ${second} ms (time scale ${opts.timeScale})`, columns: [{ header: "driven by" }, { header: "took", unit: "ms", digits: 1 }, { header: "÷ one sleep", unit: "×", digits: 2 }],
      rows: [["round-robin queue (the book's first executor)", tookRoundRobin, tookRoundRobin / second], ["asFuture adapter + joinAll on LiveRuntime", tookAdapter, tookAdapter / second]] },
    { kind: "book", rows: [{ label: "3 × 1 s SleepCoroutine", book: "about one second", ours: `${(tookRoundRobin / second).toFixed(2)} × one sleep` }] },
    { kind: "notice", lines: ["The sleeps overlap: each resume only checks the clock and yields, so three sleeps take one sleep's time — at the price of busy resuming (count the resumes)."] },
  ] };
}

// ---------------------------------------------------------------- E5.7

async function randomControl(opts: LabOptions): Promise<ExperimentResult> {
  const rows = [5, 7, 9].map((cutoff) => {
    const r = externalControl(seededRandom(opts.seed), 10, cutoff);
    return [cutoff, r.rounds, r.draws.length, r.total];
  });
  return { blocks: [
    { kind: "table", title: `10 RandCoRoutines, killed when value < cut-off (seed ${opts.seed})`, columns: [{ header: "cut-off" }, { header: "rounds" }, { header: "resumes" }, { header: "Total", best: "max" }], rows },
    { kind: "notice", lines: ["The caller, not the coroutine, decides when it stops: a lower cut-off keeps coroutines alive longer, so the total is higher (the book's point)."] },
  ] };
}

// ---------------------------------------------------------------- E5.8 NestingFuture

/** The book's `NestingFuture`: holds another future and forwards each poll to it (L4029-4040). Counts its polls. */
class NestingFuture<T> extends BaseFuture<T> {
  polls = 0;
  constructor(private readonly inner: BaseFuture<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    this.polls++;
    // Same context, same waker: when the inner future is ready to go on, it wakes *this* task.
    return this.inner.poll(cx);
  }
}

/** A leaf that is PENDING `steps` times (waking itself each time), then ready with its poll count. */
class Steps extends BaseFuture<number> {
  polls = 0;
  constructor(private readonly steps: number) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.polls++;
    if (this.polls > this.steps) return this.polls;
    cx.waker.wake();
    return PENDING;
  }
}

/** Counts how often the generator resumes: once per poll that moves it on. */
function* yieldsThenSleep(yields: number, ms: number, resumes: { n: number }): Co<number> {
  for (let i = 0; i < yields; i++) {
    resumes.n++;
    yield* yieldNow();
  }
  resumes.n++;
  yield* sleep(ms);
  resumes.n++;
  return resumes.n;
}

/** A future with a `value` field it updates on every poll, and never ready (the book's prose, L4020-4023). */
class RandValueFuture extends BaseFuture<never> {
  value = 0;
  live = true;
  constructor(private readonly rng: Rng) {
    super();
  }
  poll(_cx: Context): Poll<never> {
    this.value = randomInt(this.rng, 11);
    return PENDING;
  }
}

/** A NestingFuture over a vector: polls every live child, sums their values, kills those below `cutoff` — E5.7's rules inside a future. */
class NestingVector extends BaseFuture<number> {
  polls = 0;
  childPolls = 0;
  total = 0;
  constructor(private readonly children: RandValueFuture[], private readonly cutoff: number) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.polls++;
    for (const child of this.children) {
      if (!child.live) continue;
      child.poll(cx);
      this.childPolls++;
      this.total += child.value;
      if (child.value < this.cutoff) child.live = false;
    }
    if (!this.children.some((c) => c.live)) return this.total;
    // The children never wake anyone: the nesting future asks to be polled again itself.
    cx.waker.wake();
    return PENDING;
  }
}

async function nestingFuture(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new LiveRuntime();
  const polled = async <T>(f: BaseFuture<T>): Promise<{ value: T; taskPolls: number }> => {
    const before = rt.stats.polls;
    const value = await rt.blockOn(f);
    return { value, taskPolls: rt.stats.polls - before };
  };
  const rows: (string | number)[][] = [];

  const leaf = new Steps(3);
  const one = new NestingFuture(leaf);
  const r1 = await polled(one);
  rows.push(["NestingFuture(Steps(3))", r1.taskPolls, one.polls, leaf.polls]);

  const resumes = { n: 0 };
  const gen = new NestingFuture(co(yieldsThenSleep, 3, 1000 * opts.timeScale, resumes));
  const r2 = await polled(gen);
  rows.push([`NestingFuture(co: 3 × yieldNow, then sleep ${1000 * opts.timeScale} ms)`, r2.taskPolls, gen.polls, `${resumes.n} resumes`]);

  const deepLeaf = new Steps(3);
  const middle = new NestingFuture(deepLeaf);
  const outer = new NestingFuture(middle);
  const r3 = await polled(outer);
  rows.push(["NestingFuture(NestingFuture(Steps(3)))", r3.taskPolls, `${outer.polls} (middle ${middle.polls})`, deepLeaf.polls]);

  const rng = seededRandom(opts.seed);
  const vector = new NestingVector(Array.from({ length: 10 }, () => new RandValueFuture(rng)), 9);
  const r4 = await polled(vector);
  const e57 = externalControl(seededRandom(opts.seed), 10, 9);
  rows.push(["NestingVector(10 × RandValueFuture), kill value < 9", r4.taskPolls, vector.polls, `${vector.childPolls} child polls`]);

  return { blocks: [
    { kind: "table", title: "a hand-written future that polls another one, awaited as a task (polls measured)",
      columns: [{ header: "future" }, { header: "task polls (runtime)" }, { header: "NestingFuture polls" }, { header: "inner polls" }], rows },
    { kind: "book", rows: [
      { label: "NestingFuture", book: "poll forwards to inner: Ready(_) → Ready(()), Pending → Pending (L4029-4040)", ours: `${r1.taskPolls} task polls → ${one.polls} outer polls → ${leaf.polls} inner polls` },
      { label: "vector of futures with value fields (prose, L4020-4026)", book: "no figure", ours: `Total: ${r4.value} in ${vector.polls} polls; E5.7's coroutine loop with the same seed and cut-off: Total: ${e57.total} in ${e57.rounds} rounds` },
    ] },
    { kind: "notice", lines: [
      "A future inside a future is just a poll inside a poll: every poll of the task reaches the innermost future, and the inner future's wake reaches the outer task, because they share one Context.",
      "So the inner future is polled exactly as often as the outer one (it cannot be polled on its own), however deep the nesting.",
      "The vector version runs E5.7's kill rules inside a future and reaches the same total — but it runs on the executor's thread, with no direct access to the caller's data (the book's point, L4024-4028).",
    ] },
  ] };
}

// ---------------------------------------------------------------- E5.9

const WORKER_SOURCE = (rngSource: string) => `
const { parentPort } = require("node:worker_threads");
const seededRandom = ${rngSource};
function* randCoroutine(seed) { const rng = seededRandom(seed); for (;;) yield Math.floor(rng() * 11); }
parentPort.on("message", (state) => {
  if (state === "stop") { parentPort.close(); return; }
  // Rebuild the coroutine from its state: same seed, replay the resumes it already made.
  const gen = randCoroutine(state.seed);
  for (let i = 0; i < state.resumed; i++) gen.next();
  parentPort.postMessage({ id: state.id, value: gen.next().value });
});
`;

async function toWorker(opts: LabOptions): Promise<ExperimentResult> {
  const lines: string[] = [];
  function* randCoroutine(seed: number): Generator<number, never, void> {
    const rng = seededRandom(seed);
    for (;;) yield randomInt(rng, 11);
  }
  const gen = randCoroutine(opts.seed);
  try {
    structuredClone(gen);
    lines.push("structuredClone(generator) worked (unexpected)");
  } catch (error) {
    lines.push(`postMessage(generator) → ${(error as Error).name}: ${(error as Error).message}`);
  }
  const worker = new Worker(WORKER_SOURCE(seededRandom.toString()), { eval: true });
  const rows: (string | number | boolean)[][] = [];
  try {
    for (const id of [1, 2]) {
      const seed = opts.seed * 100 + id;
      const local = randCoroutine(seed);
      const resumedHere = 2;
      for (let i = 0; i < resumedHere; i++) local.next();
      const expected = local.next().value;
      const reply = await new Promise<{ id: number; value: number }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.postMessage({ id, seed, resumed: resumedHere });
      });
      lines.push(`Coroutine yielded: ${reply.value}`);
      rows.push([id, resumedHere, reply.value, expected, reply.value === expected]);
      await new Promise((r) => setTimeout(r, 1000 * opts.timeScale));
    }
  } finally {
    await worker.terminate();
  }
  return { blocks: [
    { kind: "text", title: "worker thread", lines },
    { kind: "table", title: "state sent, coroutine rebuilt in the worker, resumed once", columns: [{ header: "coroutine" }, { header: "resumes before sending" }, { header: "worker's value" }, { header: "main's next value" }, { header: "same" }], rows },
    { kind: "notice", lines: [
      "Rust moves a coroutine (a state machine struct) to another thread; a JS generator is a suspended stack frame that structured clone cannot copy.",
      "So the state is sent (seed + resumes so far) and the worker rebuilds an equivalent generator — same next value as the original would give.",
    ] },
  ] };
}

// ---------------------------------------------------------------- E5.10

/** Runs the book's sync test step by step; returns printed lines and the value sequence. */
export function mutexSteps(): { lines: string[]; values: number[] } {
  const mutex = new Mutex(0);
  const first = new MutexCoroutine(mutex, 2);
  const second = new MutexCoroutine(mutex, 2);
  const lines: string[] = [];
  const value = () => {
    const g = mutex.tryLock()!;
    const v = g.value;
    g.release();
    return v;
  };
  const held = mutex.tryLock()!;
  for (let round = 1; round <= 3; round++) lines.push(`round ${round} (test holds the lock): first ${first.resume().kind}, second ${second.resume().kind}`);
  const values = [held.value];
  lines.push(`value while held: ${held.value}`);
  held.release();
  for (const [name, co] of [["first", first], ["second", second], ["first", first], ["second", second]] as const) {
    const kind = co.resume().kind;
    const v = value();
    values.push(v);
    lines.push(`${name} → ${kind}, value ${v}`);
  }
  return { lines, values };
}

async function mutexCoroutine(): Promise<ExperimentResult> {
  const sync = mutexSteps();
  const mutex = new Mutex(0);
  const rt = new LiveRuntime();
  await rt.blockOn(joinAll([asFuture(new MutexCoroutine(mutex, 2)), asFuture(new MutexCoroutine(mutex, 2))]));
  const g = mutex.tryLock()!;
  const asyncFinal = g.value;
  g.release();
  return { blocks: [
    { kind: "text", title: "synchronous test, step by step", lines: sync.lines },
    { kind: "text", title: "under the executor (two tasks via asFuture)", lines: [`final value: ${asyncFinal}`] },
    { kind: "book", rows: [{ label: "value sequence", book: "0, 1, 2, 3, 4", ours: sync.values.join(", ") }, { label: "async final", book: "4", ours: String(asyncFinal) }] },
    { kind: "notice", lines: ["A coroutine is testable without any runtime: resume it by hand and check the state after every step."] },
  ] };
}

// ---------------------------------------------------------------- nested yield* cost

function* nested(depth: number, awaits: number): Co<number> {
  if (depth > 1) return yield* nested(depth - 1, awaits);
  for (let i = 0; i < awaits; i++) yield* yieldNow();
  return awaits;
}

/** The hand-written equivalent: a future that wakes itself `awaits` times. */
class CountDown extends BaseFuture<number> {
  private left: number;
  constructor(private readonly awaits: number) {
    super();
    this.left = awaits;
  }
  poll(cx: Context): Poll<number> {
    if (this.left === 0) return this.awaits;
    this.left--;
    cx.waker.wake();
    return PENDING;
  }
}

const NESTING_RUNS = 5;

async function nestingCost(): Promise<ExperimentResult> {
  const awaits = 50_000;
  const rt = new LiveRuntime();
  // Fastest of a few runs after a warm-up: one run is ~10-100 ms, short enough for a
  // busy machine (or a GC) to inflate a single sample and put the depths out of order.
  const measure = async (make: () => BaseFuture<number>): Promise<number> => {
    await rt.blockOn(make()); // warm-up
    let best = Infinity;
    for (let run = 0; run < NESTING_RUNS; run++) {
      const t = performance.now();
      await rt.blockOn(make());
      best = Math.min(best, performance.now() - t);
    }
    return (best * 1e6) / awaits;
  };
  const hand = await measure(() => new CountDown(awaits));
  const rows: (string | number)[][] = [["hand-written future", 0, hand, 1]];
  for (const depth of [1, 10, 100]) {
    const ns = await measure(() => co(nested, depth, awaits));
    rows.push([`co() with nested yield*`, depth, ns, ns / hand]);
  }
  return { blocks: [
    { kind: "table", title: `${awaits.toLocaleString("en")} awaits of yieldNow(), per await (including the executor's reschedule)`, columns: [{ header: "future" }, { header: "yield* depth" }, { header: "per resume", unit: "ns", digits: 0, best: "min" }, { header: "÷ hand-written", unit: "×", digits: 2 }], rows },
    { kind: "notice", lines: ["Each resume re-enters every generator on the yield* chain, so its cost grows with depth — the cost the generator-library research points at. A hand-written future pays none of it."] },
  ] };
}

export const ch5: Chapter = {
  id: "ch5",
  title: "Coroutines",
  experiments: [
    { id: "write-numbers", book: "E5.1", title: "200,000 numbers: reopen vs coroutine", summary: "reopening the file per number vs a coroutine holding the handle", run: writeNumbersExperiment },
    { id: "read-csv", book: "E5.2", title: "ReadCoroutine over test.csv", summary: "resume until Complete: 1 2 3 4 5", run: readCsv },
    { id: "transfer", book: "E5.3", title: "File transfer through two coroutines", summary: "peak heap stays flat while the file grows", run: fileTransfer },
    { id: "symmetric", book: "E5.4", title: "Symmetric coroutines", summary: "reader and writer shuttled by main", run: symmetric },
    { id: "sleep", book: "E5.5-E5.6", title: "Three sleep coroutines take one sleep", summary: "round-robin executor, then the asFuture adapter", run: sleepCoroutines },
    { id: "random", book: "E5.7", title: "Externally controlled random coroutines", summary: "lower cut-off → higher total (seeded)", run: randomControl },
    { id: "nesting-future", book: "E5.8", title: "NestingFuture: a future that polls another", summary: "polls forwarded one for one; a vector of value futures killed by E5.7's rules", run: nestingFuture },
    { id: "worker", book: "E5.9", title: "Coroutines handed to a worker thread", summary: "generators cannot be posted: state sent, rebuilt", run: toWorker },
    { id: "mutex", book: "E5.10", title: "Testing the mutex coroutine", summary: "step by step 0,1,2,3,4, then under the executor", run: mutexCoroutine },
    { id: "nesting", title: "The cost of nested yield*", summary: "resume cost at depth 1, 10, 100 vs a hand-written future", run: nestingCost },
  ],
};

// Keep RandCoroutine reachable for readers of this chapter (it is what E5.7 runs).
export { RandCoroutine };
