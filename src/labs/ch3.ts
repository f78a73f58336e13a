/**
 * Chapter 3 — Building our own async runtime. The book's experiments in its order,
 * each run on a runtime built with this library's builder and recorded with a trace:
 *
 *   basic-queue  E3.1/E3.2  one queue, one loop; CounterFuture + async_fn; the printout
 *   more-workers E3.3       the same load on 1, 2 and 3 loops
 *   priority     E3.4/E3.6  high × 2 + low × 1 loops; spawn(f, { priority }) defaults to low
 *   stealing     E3.5       idle high loops steal low work — and the case where they should not
 *   join         E3.7       join / tryJoin: results in argument order, first error wins
 *   builder      E3.8       Runtime defaults (cores − 2 high, 1 low) and withHighNum/withLowNum
 *   background   E3.9       a background process that runs for the whole program, detached
 *
 * The book blocks its worker threads with `thread::sleep(1 s)`; here a future declares
 * that with `block(ms)`. The sim driver (default) turns it into virtual time, so the
 * book's 10-second runs take milliseconds and print the same every time.
 */
import {
  BaseFuture, PENDING, Runtime, block, burn, join, sleep, tryJoin,
  LiveLoopsRuntime, SimRuntime, type Context, type Future, type Poll, type SchedulerReport, type TraceEvent,
} from "../index.js";
import type { Block, Chapter, Experiment, ExperimentResult, LabOptions, TimelineBlock } from "./types.js";

/** Either driver; experiments are written once for both. */
type Rt = SimRuntime | LiveLoopsRuntime;

/**
 * The book's 1 s in the driver's ms: virtual time runs book scale (1000 ms), real
 * time is scaled by `--time-scale` so a chapter stays short.
 */
function bookSecond(opts: LabOptions): number {
  return opts.driver === "sim" ? 1000 : 1000 * opts.timeScale;
}

function build(builder: Runtime, opts: LabOptions): Rt {
  return opts.driver === "sim" ? builder.sim() : builder.live();
}

async function runOn(rt: Rt, untilMs?: number): Promise<SchedulerReport> {
  return rt instanceof SimRuntime ? rt.run(untilMs) : rt.run(untilMs);
}

async function blockOnRt<T>(rt: Rt, work: Future<T>): Promise<T> {
  return rt instanceof SimRuntime ? rt.blockOn(work) : rt.blockOn(work);
}
const MAX_TIMELINE_SPANS = 400;

// --- the book's futures ---

/** E3.1 `CounterFuture`: each poll prints, blocks 1 s, and wakes itself until the third. */
class CounterFuture extends BaseFuture<number> {
  private count = 0;
  constructor(private readonly out: Printout) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.count++;
    this.out.print(`polling with result: ${this.count}`);
    block(this.out.second);
    if (this.count < 3) {
      cx.waker.wake();
      return PENDING;
    }
    return this.count;
  }
}

/** E3.1 `async_fn` × 4 in one task: blocking, no await — the whole task is one poll. */
class FourAsyncFns extends BaseFuture<void> {
  constructor(private readonly out: Printout) {
    super();
  }
  poll(): Poll<void> {
    for (let i = 0; i < 4; i++) {
      block(this.out.second);
      this.out.print("async fn");
    }
    return undefined;
  }
}

/** A task that blocks its loop for `ms` in each of `polls` polls (yielding between). */
class Blocker extends BaseFuture<string> {
  private done = 0;
  constructor(private readonly label: string, private readonly ms: number, private readonly polls = 1, private readonly cpu = false) {
    super();
  }
  poll(cx: Context): Poll<string> {
    if (this.cpu) burn(this.ms);
    else block(this.ms);
    if (++this.done < this.polls) {
      cx.waker.wake();
      return PENDING;
    }
    return this.label;
  }
}

/** A "network" task: short polls separated by waits for I/O (sleeps). Records its lateness. */
class NetworkTask extends BaseFuture<void> {
  private waiting: Future<void> | null = null;
  private round = 0;
  private readyAt = 0;
  constructor(private readonly rounds: number, private readonly gapMs: number, private readonly costMs: number, private readonly lateness: number[]) {
    super();
  }
  poll(cx: Context): Poll<void> {
    const timers = cx.timers!;
    if (this.waiting !== null) {
      if (this.waiting.poll(cx) === PENDING) return PENDING;
      this.waiting = null;
      // Real timers may fire up to TIMER_TOLERANCE_MS early; that is not lateness.
      this.lateness.push(Math.max(0, timers.now() - this.readyAt));
    }
    burn(this.costMs); // handle the packet
    if (++this.round >= this.rounds) return undefined;
    this.readyAt = timers.now() + this.gapMs;
    this.waiting = sleep(this.gapMs);
    this.waiting.poll(cx);
    return PENDING;
  }
}

/** E3.9 `BackgroundProcess`: prints, blocks 1 s, wakes itself — forever. */
class BackgroundProcess extends BaseFuture<never> {
  firings = 0;
  constructor(private readonly out: Printout) {
    super();
  }
  poll(cx: Context): Poll<never> {
    this.firings++;
    this.out.print("background process firing");
    block(this.out.second);
    cx.waker.wake();
    return PENDING;
  }
}

// --- printing in virtual time ---

/**
 * Lines stamped with the runtime's clock and with their place among the trace's
 * events, so prints from futures and the runtime's own lines (from the trace) merge in
 * the order they happened.
 */
class Printout {
  readonly lines: { t: number; order: number; text: string }[] = [];
  runtime: Rt | null = null;
  constructor(readonly second: number) {}
  print(text: string): void {
    const rt = this.runtime!;
    this.lines.push({ t: rt.clockNow(), order: rt.trace!.events.length - 0.5, text });
  }
  /** Times in the book's seconds. */
  render(): string[] {
    return [...this.lines].sort((a, b) => a.t - b.t || a.order - b.order).map((l) => `[${(l.t / this.second).toFixed(3).padStart(7)} s] ${l.text}`);
  }
}

// --- helpers ---

function timeline(rt: Rt, title: string): TimelineBlock {
  const data = rt.trace!.timeline();
  return { kind: "timeline", title, unit: "ms", workers: data.workers, spans: data.spans.slice(0, MAX_TIMELINE_SPANS) };
}

/** Driver ms → the book's seconds. */
function bookSeconds(ms: number, second: number): number {
  return ms / second;
}

/** Tasks waiting in queues right after each event, replayed from the trace. */
function queueCountAfter(events: readonly TraceEvent[], index: number): number {
  let n = 0;
  for (let i = 0; i <= index; i++) {
    const k = events[i]!.kind;
    if (k === "spawn" || k === "wake") n++;
    else if (k === "poll-start" || k === "skip") n--;
  }
  return n;
}

const LIVE_NOTICE =
  "Driver live: the loops are logical loops taking turns on one thread, so a blocking poll stalls all of them and more loops do not shorten the run — overlapping blocking work takes real threads. Which loop runs what, and in which order, is as in the sim.";

function result(blocks: Block[], rt: Rt): ExperimentResult {
  if (rt instanceof LiveLoopsRuntime) blocks.push({ kind: "notice", lines: [LIVE_NOTICE] });
  return { blocks, trace: rt.trace!.toChromeTrace() };
}

function reportRow(label: string, r: SchedulerReport, second: number): (string | number)[] {
  return [label, bookSeconds(r.makespanMs, second), r.utilisation, r.steals, r.polls];
}

const reportColumns = [
  { header: "run" },
  { header: "makespan (book s)", unit: "s", digits: 1, best: "min" as const },
  { header: "utilisation", unit: "%", digits: 0, best: "max" as const },
  { header: "steals" },
  { header: "polls" },
];

// --- experiments ---

const basicQueue: Experiment = {
  id: "basic-queue",
  usesDriver: true,
  book: "E3.1, E3.2",
  title: "One queue, one loop: CounterFuture and a blocking async fn",
  summary: "the book's interleaved printout: queue count, runnable accepted, polling with result",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const out = new Printout(SECOND);
    const rt = build(new Runtime().withQueues([{ name: "queue", workers: 1 }]).withPolicy("fifo").withSeed(opts.seed).withTrace(), opts);
    out.runtime = rt;
    const t1 = rt.spawn(new CounterFuture(out), { name: "1-counter" });
    const t2 = rt.spawn(new CounterFuture(out), { name: "2-counter" });
    const t3 = rt.spawn(new FourAsyncFns(out), { name: "async-fns" });
    rt.at(5 * SECOND, () => out.print("before the block"));
    const report = await runOn(rt);
    // The runtime's own prints (the book's spawn_task and consumer loop) come from the trace.
    const events = rt.trace!.events;
    events.forEach((e, i) => {
      if (e.kind === "spawn") out.lines.push({ t: e.t, order: i, text: `Here is the queue count: ${queueCountAfter(events, i)}` });
      if (e.kind === "poll-start") out.lines.push({ t: e.t, order: i, text: "runnable accepted" });
    });
    const handles = [t1, t2, t3];
    return result(
      [
        { kind: "text", title: "printout (virtual time)", lines: out.render() },
        timeline(rt, "one loop: every blocking poll holds the only worker"),
        {
          kind: "table",
          title: "tasks",
          columns: [{ header: "task" }, { header: "polls" }, { header: "finished" }],
          rows: handles.map((h) => [rt.trace!.taskNames.get(h.id) ?? `#${h.id}`, events.filter((e) => e.kind === "poll-start" && e.task === h.id).length, h.finished]),
        },
        { kind: "book", title: "total run time", rows: [{ label: "2 counters + 4 async fns, 1 loop", book: "≈10 s", ours: `${bookSeconds(report.makespanMs, SECOND).toFixed(1)} s (${opts.driver === "sim" ? "virtual" : "book scale, measured"})` }] },
        {
          kind: "notice",
          lines: [
            "A future becomes a task and a runnable on the queue; each Pending poll re-queues it through its waker (counters alternate 1,1 … 2,2 … 3,3).",
            "The four async fns have no await inside, so they run as one poll and hold the only loop for 4 s — the queue stalls.",
            "At t = 5 s main's 'before the block' and the third 'async fn' happen at the same instant; the book's threads raced, the sim orders same-instant events by when they were made.",
          ],
        },
      ],
      rt,
    );
  },
};

/** E3.3's load: six tasks that each block their loop for 1 s, three times. */
function sixBlockers(rt: Rt, SECOND: number, priority?: string): void {
  for (let i = 0; i < 6; i++) rt.spawn(new Blocker(`t${i}`, SECOND, 3), { name: `${i}-task`, ...(priority === undefined ? {} : { priority }) });
}

const moreWorkers: Experiment = {
  id: "more-workers",
  usesDriver: true,
  book: "E3.3",
  title: "More consuming loops on the same queue",
  summary: "the same blocking load on 1, 2 and 3 loops",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const rows: (string | number)[][] = [];
    let last: Rt | null = null;
    for (const n of [1, 2, 3]) {
      const rt = build(new Runtime().withQueues([{ name: "queue", workers: n }]).withPolicy("fifo").withSeed(opts.seed).withTrace(), opts);
      sixBlockers(rt, SECOND);
      rows.push(reportRow(`${n} loop${n > 1 ? "s" : ""}`, await runOn(rt), SECOND));
      last = rt;
    }
    return result(
      [
        { kind: "table", title: "6 tasks × 3 polls × 1 s blocking", columns: reportColumns, rows },
        timeline(last!, "3 loops on one queue"),
        {
          kind: "notice",
          lines: [
            "Each loop is a consumer on the same queue (the book clones the receiver): the work divides between them.",
            "A blocking poll still holds its loop; with CPU-heavy tasks on every loop, nothing is left to answer a request (L2189-2196).",
          ],
        },
      ],
      last!,
    );
  },
};

const priorityQueues: Experiment = {
  id: "priority",
  usesDriver: true,
  book: "E3.4, E3.6",
  title: "High and low queues: 2 + 1 loops, spawn(f, { priority })",
  summary: "only-low load uses 1/3 of the loops; spawn defaults to low",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const make = () => build(new Runtime().withHighNum(2).withLowNum(1).withPolicy("priority").withSeed(opts.seed).withTrace(), opts);
    const onlyLow = make();
    sixBlockers(onlyLow, SECOND); // no priority given: low, as spawn_task! defaults
    const lowReport = await runOn(onlyLow);
    const mixed = make();
    for (let i = 0; i < 6; i++) mixed.spawn(new Blocker(`t${i}`, SECOND, 3), { name: `${i}-${i % 2 ? "high" : "low"}`, priority: i % 2 ? "high" : "low" });
    const mixedReport = await runOn(mixed);
    const perQueue = (rt: Rt, q: number) => rt.trace!.events.filter((e) => e.kind === "poll-start" && rt.layout.homeQueue[e.worker] === q).length;
    return result(
      [
        {
          kind: "table",
          title: "high × 2 + low × 1 loops, strict priority (no stealing)",
          columns: [...reportColumns, { header: "polls on high loops" }, { header: "polls on low loop" }],
          rows: [
            [...reportRow("6 low tasks (default priority)", lowReport, SECOND), perQueue(onlyLow, 0), perQueue(onlyLow, 1)],
            [...reportRow("3 high + 3 low tasks", mixedReport, SECOND), perQueue(mixed, 0), perQueue(mixed, 1)],
          ],
        },
        timeline(onlyLow, "only low work: the two high loops sit idle"),
        { kind: "book", rows: [{ label: "only-low load", book: "1/3 of capacity (L2277-2282)", ours: `${lowReport.utilisation.toFixed(0)} % utilisation` }] },
        {
          kind: "notice",
          lines: [
            "spawn(f) without a priority goes to low, like the book's spawn_task! macro; spawn(f, { priority: 'high' }) to high.",
            "With only low work, the high loops have nothing they may take: one third of the runtime works.",
          ],
        },
      ],
      onlyLow,
    );
  },
};

const stealing: Experiment = {
  id: "stealing",
  usesDriver: true,
  book: "E3.5",
  title: "Task stealing: idle loops take other queues' work",
  summary: "idle high loops steal low work; a CPU-heavy high queue should not be stolen by a network low loop",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const rows: (string | number)[][] = [];
    let shown: Rt | null = null;
    for (const policy of ["priority", "priority-steal"]) {
      const rt = build(new Runtime().withHighNum(2).withLowNum(1).withPolicy(policy).withSeed(opts.seed).withTrace(), opts);
      sixBlockers(rt, SECOND);
      rows.push(reportRow(`6 low tasks, ${policy}`, await runOn(rt), SECOND));
      if (policy === "priority-steal") shown = rt;
    }
    // The warning (L2371-2376): high = CPU-heavy jobs, low = a network loop that must answer fast.
    const warnRows: (string | number)[][] = [];
    for (const policy of ["priority", "priority-steal"]) {
      const rt = build(new Runtime().withHighNum(2).withLowNum(1).withPolicy(policy).withSeed(opts.seed), opts);
      for (let i = 0; i < 12; i++) rt.spawn(new Blocker(`cpu-${i}`, SECOND, 2, true), { priority: "high" });
      const lateness: number[] = [];
      for (let i = 0; i < 4; i++) rt.spawn(new NetworkTask(20, (0.15 + 0.037 * i) * SECOND, 0.005 * SECOND, lateness), { priority: "low" });
      const r = await runOn(rt);
      lateness.sort((a, b) => a - b);
      const bookMs = (ms: number) => (ms / SECOND) * 1000;
      warnRows.push([policy, bookSeconds(r.makespanMs, SECOND), bookMs(lateness[Math.floor(lateness.length / 2)]!), bookMs(lateness[lateness.length - 1]!), r.steals]);
    }
    return result(
      [
        { kind: "table", title: "only-low load on high × 2 + low × 1", columns: reportColumns, rows },
        timeline(shown!, "priority-steal: the high loops take low work"),
        {
          kind: "table",
          title: "CPU-heavy high queue + network-light low queue",
          columns: [
            { header: "policy" },
            { header: "CPU makespan (book s)", unit: "s", digits: 1, best: "min" },
            { header: "network p50 lateness (book ms)", unit: "ms", digits: 1, best: "min" },
            { header: "network max lateness (book ms)", unit: "ms", digits: 1, best: "min" },
            { header: "steals" },
          ],
          rows: warnRows,
        },
        {
          kind: "notice",
          lines: [
            "A loop whose own queue is empty tries the other queue before parking: only-low work now uses all three loops.",
            "The book's loops sleep 100 ms when both queues are empty; ours park and are unparked by the next spawn or wake.",
            "When the low loop steals a 1 s CPU job, a packet that arrives meanwhile waits for it: stealing shortens the CPU makespan but makes the network queue late (L2371-2376, L2631-2637).",
          ],
        },
      ],
      shown!,
    );
  },
};

const joinExperiment: Experiment = {
  id: "join",
  usesDriver: true,
  book: "E3.7",
  title: "join and tryJoin: results in argument order",
  summary: "three tasks finishing out of order; tryJoin with one failure",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const rt = build(new Runtime().withHighNum(2).withLowNum(1).withSeed(opts.seed).withTrace(), opts);
    const finished: { label: string; t: number }[] = [];
    const timed = (label: string, ms: number): Future<string> => {
      const inner = new Blocker(label, ms);
      return {
        poll: (cx) => {
          const v = inner.poll(cx);
          if (v !== PENDING) finished.push({ label, t: rt.clockNow() });
          return v;
        },
      };
    };
    const a = rt.spawn(timed("a (3 s)", 3 * SECOND), { name: "a" });
    const b = rt.spawn(timed("b (1 s)", SECOND), { name: "b" });
    const c = rt.spawn(timed("c (2 s)", 2 * SECOND), { name: "c" });
    const joined = await blockOnRt(rt, join(a, b, c));
    const failing: Future<string> = { poll: () => { block(SECOND); throw new Error("y failed"); } };
    const x = rt.spawn(new Blocker("x (3 s)", 3 * SECOND), { name: "x" });
    const y = rt.spawn(failing, { name: "y" });
    let tryJoinOutcome: string;
    try {
      tryJoinOutcome = JSON.stringify(await blockOnRt(rt, tryJoin(x, y)));
    } catch (error) {
      tryJoinOutcome = `error: ${error instanceof Error ? error.message : String(error)}`;
    }
    return result(
      [
        { kind: "text", title: "results", lines: [`completion order: ${finished.sort((p, q) => p.t - q.t).map((f) => `${f.label} at ${bookSeconds(f.t, SECOND).toFixed(1)} s`).join(", ")}`, `join(a, b, c) → ${JSON.stringify(joined)}`, `tryJoin(x, y) → ${tryJoinOutcome}`] },
        timeline(rt, "three tasks on three loops, then x and the failing y"),
        {
          kind: "notice",
          lines: [
            "join returns values in argument order, whatever order the tasks finished in.",
            "The book's try_join! returns a Vec<Result>; our tryJoin stops at the first error and cancels the rest (its JoinHandles' futures).",
          ],
        },
      ],
      rt,
    );
  },
};

const builder: Experiment = {
  id: "builder",
  usesDriver: true,
  book: "E3.8",
  title: "The runtime builder and its defaults",
  summary: "new Runtime() = cores − 2 high loops + 1 low; withLowNum(2).withHighNum(4)",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const configs: [string, Runtime][] = [
      ["new Runtime()", new Runtime()],
      ["new Runtime().withLowNum(2).withHighNum(4)", new Runtime().withLowNum(2).withHighNum(4)],
    ];
    const rows: (string | number)[][] = [];
    let last: Rt | null = null;
    for (const [label, b] of configs) {
      const rt = build(b.withSeed(opts.seed).withTrace(), opts);
      for (let i = 0; i < 12; i++) rt.spawn(new Blocker(`t${i}`, SECOND), { name: `${i.toString(36)}-task`, priority: i % 3 === 0 ? "high" : "low" });
      const r = await runOn(rt);
      const layout = b.layout;
      rows.push([label, layout[0]!.workers, layout[1]!.workers, bookSeconds(r.makespanMs, SECOND), r.steals]);
      last = rt;
    }
    return result(
      [
        {
          kind: "table",
          title: "12 one-second tasks (4 high, 8 low), priority-steal",
          columns: [{ header: "runtime" }, { header: "high loops" }, { header: "low loops" }, { header: "makespan", unit: "s", digits: 1, best: "min" }, { header: "steals" }],
          rows,
        },
        timeline(last!, "withLowNum(2).withHighNum(4)"),
        {
          kind: "notice",
          lines: [
            "Defaults follow the book: high = available parallelism − 2 (at least 1), low = 1.",
            "The book's run() spawns an empty task per queue so lazily-started loops exist before stealing can happen; this runtime's loops exist from construction, so the pitfall cannot occur.",
          ],
        },
      ],
      last!,
    );
  },
};

const background: Experiment = {
  id: "background",
  usesDriver: true,
  book: "E3.9",
  title: "A background process for the whole program, detached",
  summary: "a forever-pending task keeps firing beside the main work; cancelling its handle stops it",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const runFor = 6 * SECOND;
    const rows: (string | number)[][] = [];
    let shown: Rt | null = null;
    let shownOut: Printout | null = null;
    for (const variant of ["detach()", "cancel() at 2.5 s"]) {
      const out = new Printout(SECOND);
      const rt = build(new Runtime().withHighNum(1).withLowNum(1).withSeed(opts.seed).withTrace(), opts);
      out.runtime = rt;
      const bg = new BackgroundProcess(out);
      const handle = rt.spawn(bg, { name: "background" });
      if (variant === "detach()") handle.detach();
      else rt.at(2.5 * SECOND, () => handle.cancel());
      rt.spawn(new Blocker("main work", SECOND, 4), { name: "main-work", priority: "high" });
      const r = await runOn(rt, runFor);
      rows.push([variant, bg.firings, handle.finished ? "ended" : "still running", r.ended]);
      // The program ends here; a detached task would keep a live driver busy forever.
      handle.cancel();
      if (shown === null) {
        shown = rt;
        shownOut = out;
      }
    }
    return result(
      [
        { kind: "text", title: "printout, detach() (virtual time)", lines: shownOut!.render() },
        {
          kind: "table",
          title: `run for ${bookSeconds(runFor, SECOND)} book-seconds`,
          columns: [{ header: "variant" }, { header: "firings" }, { header: "background task" }, { header: "tasks ended" }],
          rows,
        },
        timeline(shown!, "the background process beside the main work"),
        {
          kind: "notice",
          lines: [
            "The background future is always Pending and wakes itself: it runs for as long as the program does.",
            "Rust cancels a task when its handle is dropped; JavaScript has no drop, so detach() keeps it running and cancel() stops it explicitly.",
          ],
        },
      ],
      shown!,
    );
  },
};

export const ch3: Chapter = {
  id: "ch3",
  title: "Building our own async runtime",
  experiments: [basicQueue, moreWorkers, priorityQueues, stealing, joinExperiment, builder, background],
};
