/**
 * Chapter 2, "Basic Async Rust": what a future is, shown by running one.
 *
 * Durations are the book's, multiplied by the time scale. "Blocking" steps use
 * `blockingSleep` (the book's `std::thread::sleep`: the whole thread stops, so no
 * other task runs); "async" steps use `sleep` (the task returns PENDING and a timer
 * wakes it, so other tasks run meanwhile). The difference between the two is the
 * entire lesson of the coffee-and-toast example.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import {
  BaseFuture, blockingSleep, co, fromPromise, join, joinAll, LiveRuntime, Mutex, PENDING, randomInt, seededRandom, sleep, timeout,
  TimeoutError, yieldNow, type Co, type Context, type JoinHandle, type MutexGuard, type Poll,
} from "../index.js";
import { Memory } from "./ch2-memory.js";
import type { Block, Cell, Chapter, Experiment, LabOptions } from "./types.js";

/** A clock for one run: elapsed time in *book seconds* (ours divided by the scale). */
function bookClock(opts: LabOptions): { bookSeconds: () => number; ms: (bookSeconds: number) => number } {
  const start = performance.now();
  const scale = 1000 * opts.timeScale;
  return { bookSeconds: () => (performance.now() - start) / scale, ms: (s) => s * scale };
}

// --- E2.1 coffee & toast ---------------------------------------------------

interface Kitchen {
  ms: (bookSeconds: number) => number;
  say: (line: string) => void;
}

function* prepCoffeeMug(k: Kitchen, yieldFirst: boolean): Co<void> {
  // The book's fix: one early await lets the other futures start their timers.
  if (yieldFirst) yield* sleep(k.ms(0.1));
  k.say("Pouring milk...");
  blockingSleep(k.ms(3));
  k.say("Milk poured.");
  k.say("Putting instant coffee...");
  blockingSleep(k.ms(3));
  k.say("Instant coffee put.");
}

function* makeCoffee(k: Kitchen): Co<void> {
  k.say("boiling kettle...");
  yield* sleep(k.ms(10));
  k.say("kettle boiled.");
  k.say("pouring boiled water...");
  blockingSleep(k.ms(3));
  k.say("boiled water poured.");
}

function* makeToast(k: Kitchen): Co<void> {
  k.say("putting bread in toaster...");
  yield* sleep(k.ms(10));
  k.say("bread toasted.");
  k.say("buttering toasted bread...");
  blockingSleep(k.ms(5));
  k.say("toasted bread buttered.");
}

function* breakfastSequential(k: Kitchen): Co<void> {
  yield* prepCoffeeMug(k, false);
  yield* makeCoffee(k);
  yield* makeToast(k);
}

function* breakfastJoined(k: Kitchen, yieldFirst: boolean): Co<void> {
  yield* join(co(prepCoffeeMug, k, yieldFirst), co(makeCoffee, k), co(makeToast, k));
}



async function runKitchen(opts: LabOptions, body: (k: Kitchen) => Co<void>): Promise<{ seconds: number; lines: string[] }> {
  const clock = bookClock(opts);
  const lines: string[] = [];
  const k: Kitchen = { ms: clock.ms, say: (line) => lines.push(`[${clock.bookSeconds().toFixed(1).padStart(5)} s] ${line}`) };
  await new LiveRuntime().blockOn(body(k));
  return { seconds: clock.bookSeconds(), lines };
}

const coffee: Experiment = {
  id: "coffee",
  book: "E2.1",
  title: "Coffee and toast: sequential, joined, joined with an early yield",
  summary: "blocking vs async steps; join only helps once every future has reached its first await",
  async run(opts) {
    const seq = await runKitchen(opts, (k) => breakfastSequential(k));
    const joined = await runKitchen(opts, (k) => breakfastJoined(k, false));
    const early = await runKitchen(opts, (k) => breakfastJoined(k, true));
    const scale = 1000 * opts.timeScale;
    const row = (name: string, book: number | null, r: { seconds: number }) => [
      name, book, r.seconds * scale, r.seconds, book === null ? null : r.seconds / book,
    ];
    const blocks: Block[] = [
      {
        kind: "table",
        title: "Time to breakfast (book seconds = our milliseconds ÷ scale)",
        columns: [
          { header: "variant" }, { header: "book", unit: "s", digits: 0 }, { header: "ours", unit: "ms", digits: 1 },
          { header: "ours in book time", unit: "s", digits: 2 }, { header: "ours ÷ book", unit: "×", digits: 3 },
        ],
        rows: [
          row("sequential: mug; coffee; toast", null, seq),
          row("join!(mug, coffee, toast)", 24, joined),
          row("join! with sleep(100 ms) first in mug", 18, early),
        ],
      },
      {
        kind: "book",
        rows: [
          { label: "join!", book: "It took: 24 seconds", ours: `It took: ${joined.seconds.toFixed(2)} book-seconds (${(joined.seconds * scale).toFixed(1)} ms)` },
          { label: "join! + early yield", book: "It took: 18 seconds", ours: `It took: ${early.seconds.toFixed(2)} book-seconds (${(early.seconds * scale).toFixed(1)} ms)` },
          { label: "ratio join / early yield", book: (24 / 18).toFixed(3), ours: (joined.seconds / early.seconds).toFixed(3) },
        ],
      },
      { kind: "text", title: "join! with the early yield — what happened, in book time", lines: early.lines },
      {
        kind: "notice",
        lines: [
          "Joined without the yield takes as long as the book's 24 s: the mug future blocks for 6 s before the kettle and toaster futures are even polled.",
          "One `sleep(100 ms)` at the top of the mug lets the kettle and toaster start their timers first: 18 s. (The book says it saved three seconds; it saved six.)",
          "Blocking steps (pouring, buttering) still run one at a time: a blocked thread runs nothing else.",
        ],
      },
    ];
    return { blocks };
  },
};

// --- E2.2 people as tasks on one worker -------------------------------------

const people: Experiment = {
  id: "people",
  book: "E2.2",
  title: "People as tasks on one worker: sequential steps vs joined steps",
  summary: "a task is a series of futures; two people sharing one thread",
  async run(opts) {
    const measure = async (n: number, joined: boolean) => {
      const clock = bookClock(opts);
      const rt = new LiveRuntime();
      const k: Kitchen = { ms: clock.ms, say: () => {} };
      const handles = Array.from({ length: n }, () =>
        rt.spawn(joined ? breakfastJoined(k, true) : breakfastSequential(k)),
      );
      await rt.blockOn(co(function* () {
        for (const h of handles) yield* h;
      }));
      return clock.bookSeconds();
    };
    const rows = [
      ["2 people, steps in sequence", 40, await measure(2, false)],
      ["2 people, steps joined", 28, await measure(2, true)],
      ["3 people, steps joined", 42, await measure(3, true)],
    ].map(([name, book, ours]) => [name, book, ours, (ours as number) / (book as number)]);
    return {
      blocks: [
        {
          kind: "table",
          columns: [{ header: "run" }, { header: "book", unit: "s", digits: 0 }, { header: "ours (book time)", unit: "s", digits: 2 }, { header: "ours ÷ book", unit: "×", digits: 3 }],
          rows,
        },
        {
          kind: "notice",
          lines: [
            "Each person blocks the single thread for 14 s (mug 6, pouring 3, buttering 5); joining hides only the 10 s waits.",
            "So n people take about 14·n s once their waits overlap — the book's 28 s and 42 s.",
          ],
        },
      ],
    };
  },
};

// --- E2.3 CounterFuture -----------------------------------------------------

/** The book's CounterFuture: counts its polls; wakes itself (or not) until it has been polled 3 times. */
class CounterFuture extends BaseFuture<number> {
  count = 0;
  constructor(private readonly name: string, private readonly wakeItself: boolean, private readonly blockMs: number, private readonly out: string[]) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.count += 1;
    this.out.push(`${this.name}: polling with result: ${this.count}`);
    blockingSleep(this.blockMs);
    if (this.count < 3) {
      if (this.wakeItself) cx.waker.wake();
      return PENDING;
    }
    return this.count;
  }
}

const counter: Experiment = {
  id: "counter",
  book: "E2.3",
  title: "CounterFuture: two tasks polled through a waker — and what happens without one",
  summary: "Pending/Ready and the waker: forget to wake and the task is never polled again",
  async run(opts) {
    const blockMs = 1000 * opts.timeScale;
    const run = async (wake: boolean) => {
      const out: string[] = [];
      const rt = new LiveRuntime();
      const one = new CounterFuture("one", wake, blockMs, out);
      const two = new CounterFuture("two", wake, blockMs, out);
      const h1 = rt.spawn(one);
      const h2 = rt.spawn(two);
      // Without a wake nothing will ever poll them again: give up after 20 book-seconds.
      let outcome = "both ready";
      try {
        await rt.blockOn(timeout(join(h1, h2), 20 * blockMs));
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        outcome = "hung (cancelled after 20 book-seconds)";
        h1.cancel();
        h2.cancel();
      }
      return { out, polls: one.count + two.count, outcome, polled: rt.stats.polls };
    };
    const woken = await run(true);
    const silent = await run(false);
    return {
      blocks: [
        { kind: "text", title: "with cx.waker.wake() — the book's output is 1,1,2,2,3,3", lines: woken.out },
        { kind: "text", title: "without the wake — the book's output is 1,1 and then a hang", lines: silent.out },
        {
          kind: "table",
          columns: [{ header: "variant" }, { header: "CounterFuture polls" }, { header: "runtime polls" }, { header: "outcome" }],
          rows: [
            ["wake_by_ref before Pending", woken.polls, woken.polled, woken.outcome],
            ["no wake", silent.polls, silent.polled, silent.outcome],
          ],
        },
        {
          kind: "notice",
          lines: [
            "The two tasks alternate: each poll returns PENDING after waking itself, which puts its task at the back of the queue.",
            "Returning PENDING without arranging a wake is a promise nobody keeps: the executor never polls the future again.",
          ],
        },
      ],
    };
  },
};

// --- E2.4 SelfReferential + ptr::swap ---------------------------------------------

function selfReferentialRows(): { rows: Cell[][]; afterSwap: string; afterReuse: string } {
  const rows: Cell[][] = [];
  const snapshot = (m: Memory, scenario: string, step: string) =>
    rows.push([scenario, step, m.data(m.a), m.print(m.a), m.pointsAt(m.a), m.data(m.b), m.print(m.b), m.pointsAt(m.b)]);

  // The book's code: `new` builds the struct in its own frame and returns it by move.
  const moved = new Memory();
  const book = "book's new() (returns by move)";
  moved.newByMove(moved.a, "test1");
  moved.newByMove(moved.b, "test2");
  snapshot(moved, book, "a = new(\"test1\"); b = new(\"test2\")");
  moved.swap(moved.a, moved.b);
  snapshot(moved, book, "ptr::swap(&mut a, &mut b)");
  const afterSwap = moved.print(moved.a);
  // The next call (println!'s own frame) leaves its locals where new()'s frame was.
  moved.clobberStack([0xdead_beef, 0x0000_1000, 0x0bad_f00d]);
  snapshot(moved, book, "after another call reuses the frame");

  // Built in place, where it stays (what Pin guarantees) — then moved anyway by the swap.
  const pinned = new Memory();
  const inPlace = "built in place (Box::pin)";
  pinned.newInPlace(pinned.a, "test1");
  pinned.newInPlace(pinned.b, "test2");
  snapshot(pinned, inPlace, "a, b built in their slots");
  pinned.swap(pinned.a, pinned.b);
  snapshot(pinned, inPlace, "ptr::swap(&mut a, &mut b) — what Pin forbids");
  return { rows, afterSwap, afterReuse: moved.print(moved.a) };
}

const selfReferential: Experiment = {
  id: "self-referential",
  book: "E2.4",
  title: "SelfReferential + ptr::swap on a simulated address space",
  summary: "a struct pointing into itself breaks when its bytes move: why futures are pinned",
  async run() {
    const { rows, afterSwap, afterReuse } = selfReferentialRows();
    return {
      blocks: [
        {
          kind: "table",
          title: "SelfReferential { data: String, self_pointer: *const String } in an ArrayBuffer (pointers are byte offsets)",
          columns: [{ header: "code" }, { header: "step" }, { header: "a.data" }, { header: "a.print()" }, { header: "a.self_pointer →" }, { header: "b.data" }, { header: "b.print()" }, { header: "b.self_pointer →" }],
          rows,
        },
        {
          kind: "book",
          rows: [
            { label: "a.print() after the swap", book: "segmentation fault (L1274)", ours: `right after the swap: "${afterSwap}" (read from new()'s dead frame); once another call reuses that frame: ${afterReuse}` },
            { label: "why", book: "moving structs with references to itself can be dangerous (L1275-1277)", ours: "new() returns by move, so self_pointer still points into new()'s dead frame; a swap moves the bytes again and leaves each pointer in the other slot" },
          ],
        },
        {
          kind: "notice",
          lines: [
            "A raw pointer is an address: moving the bytes it points into does not update it. After the move out of new(), both structs point into the same dead stack frame (both print the last value built there); once another call reuses the frame, the pointer's String is garbage and the read lands outside memory — the book's segfault, here a RangeError.",
            "Built in place, the pointers are right until the swap moves the bytes: then a.data is \"test2\" but a.print() follows the pointer into b and prints \"test1\" — stale, silently wrong data.",
            "An async fn's future is such a struct: a borrow kept across an await points into the future's own state. Pin<&mut F> promises the future never moves again once polled, so those pointers stay valid.",
            "JavaScript has no such problem: a variable holds a reference to a heap object, `let b = a` copies the reference, never the object, and when the GC moves objects it updates every reference. A generator's locals live in its generator object, which never moves as far as the program can see — so our futures need no Pin.",
          ],
        },
      ],
    };
  },
};

// --- E2.5 timeout -------------------------------------------------------------

function* slowTask(ms: number): Co<string> {
  yield* sleep(ms);
  return "Slow Task Completed";
}

const timeoutExperiment: Experiment = {
  id: "timeout",
  book: "E2.5",
  title: "Timeout around a slow task",
  summary: "a 10 s task raced against a 3 s timer; the loser is cancelled",
  async run(opts) {
    const clock = bookClock(opts);
    let outcome: string;
    try {
      outcome = await new LiveRuntime().blockOn(timeout(co(slowTask, clock.ms(10)), clock.ms(3)));
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      outcome = "Task timed out";
    }
    const took = clock.bookSeconds();
    return {
      blocks: [
        {
          kind: "book",
          rows: [
            { label: "outcome", book: "Task timed out", ours: outcome },
            { label: "time until the outcome", book: "3 s", ours: `${took.toFixed(2)} book-seconds (${clock.ms(took).toFixed(1)} ms)` },
          ],
        },
        { kind: "notice", lines: ["The slow task is cancelled, not left running: its timer is unregistered and the process can exit at once."] },
      ],
    };
  },
};

// --- E2.6 / E2.7 futures sharing a counter -------------------------------------

/** E2.6: try_lock inside poll. On failure: report, wake, and try again later — never block. */
class SharedCounterFuture extends BaseFuture<void> {
  private count = 0;
  constructor(private readonly kind: "Increment" | "Decrement", private readonly data: Mutex<number>, private readonly out: string[], private readonly blockMs: number) {
    super();
  }
  poll(cx: Context): Poll<void> {
    blockingSleep(this.blockMs);
    const guard = this.data.tryLock();
    if (guard === null) {
      this.out.push(`error for ${this.kind}: try_lock failed because the operation would block`);
      cx.waker.wake();
      return PENDING;
    }
    guard.value += this.kind === "Increment" ? 1 : -1;
    this.out.push(`after ${this.kind.toLowerCase()}: ${guard.value}`);
    guard.release();
    this.count += 1;
    if (this.count < 3) {
      cx.waker.wake();
      return PENDING;
    }
    return undefined;
  }
}

/** A third task that holds the lock across one await — the only way to contend on one thread. */
function* lockHolder(data: Mutex<number>): Co<void> {
  const guard = yield* data.lock();
  yield* yieldNow();
  guard.release();
}

/** E2.7: the async-mutex version, an async fn instead of a hand-written poll. */
function* countWithAsyncLock(n: number, data: Mutex<number>, kind: "Increment" | "Decrement", out: string[], blockMs: number): Co<void> {
  for (let i = 0; i < n; i++) {
    const guard = yield* data.lock();
    guard.value += kind === "Increment" ? 1 : -1;
    out.push(`after ${kind.toLowerCase()}: ${guard.value}`);
    guard.release();
    blockingSleep(blockMs);
    yield* yieldNow();
  }
}

const sharedCounter: Experiment = {
  id: "shared-counter",
  book: "E2.6–E2.7",
  title: "Two futures sharing a counter: try_lock inside poll, then an async mutex",
  summary: "increment and decrement through one lock; never block the executor waiting for it",
  async run(opts) {
    const blockMs = 100 * opts.timeScale; // the book's 1 s steps, shortened 10× more: the point is the order
    const tryOut: string[] = [];
    const data = new Mutex(0);
    const rt = new LiveRuntime();
    const holder = rt.spawn(lockHolder(data));
    const inc = rt.spawn(new SharedCounterFuture("Increment", data, tryOut, blockMs));
    const dec = rt.spawn(new SharedCounterFuture("Decrement", data, tryOut, blockMs));
    await rt.blockOn(join(holder, inc, dec));
    const tryFinal = data.tryLock()!;
    const finalTry = tryFinal.value;
    tryFinal.release();

    const asyncOut: string[] = [];
    const data2 = new Mutex(0);
    await rt.blockOn(join(co(countWithAsyncLock, 3, data2, "Increment", asyncOut, blockMs), co(countWithAsyncLock, 3, data2, "Decrement", asyncOut, blockMs)));
    const errors = tryOut.filter((l) => l.startsWith("error")).length;
    return {
      blocks: [
        { kind: "text", title: "E2.6 try_lock in poll (a third task holds the lock across an await at first)", lines: tryOut },
        { kind: "text", title: "E2.7 async fn + async mutex", lines: asyncOut },
        {
          kind: "table",
          columns: [{ header: "variant" }, { header: "updates" }, { header: "would-block retries" }, { header: "final value" }, { header: "book's final value" }],
          rows: [
            ["try_lock inside poll", tryOut.length - errors, errors, finalTry, 0],
            ["async mutex", asyncOut.length, 0, data2.data, 0],
          ],
        },
        {
          kind: "notice",
          lines: [
            "On one thread a lock is only contended if someone holds it across an await; here a third task does, so the first tries report would-block and retry via the waker instead of blocking.",
            "The book needed several runs to see the error on Tokio's threads; a held-across-await lock reproduces it every time.",
            "Either way the increments and decrements cancel out: the final value is 0.",
          ],
        },
      ],
    };
  },
};

// --- E2.8 async audit logger -----------------------------------------------------

/** The book's `AsyncFileHandle = Arc<Mutex<File>>`: one open file, one lock. */
type AsyncFileHandle = Mutex<FileHandle>;

/** The book's `get_handle`: open for appending, creating the file if it does not exist. */
async function getHandle(path: string): Promise<AsyncFileHandle> {
  return new Mutex(await open(path, "a"));
}

/** What the loggers printed, and how often each entry found the file locked. */
interface AuditLog {
  lines: string[];
  failures: Map<string, number>;
  /** Entries whose failure is already printed since the last write: a spinning retry prints once per write, not once per poll (that can be hundreds). */
  reported: Set<string>;
}

function failed(log: AuditLog, entry: string): void {
  log.failures.set(entry, (log.failures.get(entry) ?? 0) + 1);
  if (log.reported.has(entry)) return;
  log.reported.add(entry);
  log.lines.push(`error for ${entry} : try_lock failed`);
}

function written(log: AuditLog, entry: string): void {
  log.reported.clear();
  log.lines.push(`written for: ${entry}`);
}

/**
 * The book's `AsyncWriteFuture`: try-lock the file handle; on failure print, wake
 * itself and return PENDING (never block the executor waiting for the lock).
 *
 * One difference, and it is the one that makes contention possible on one thread:
 * the book's write is a blocking `write_all` on a Tokio worker, and the other tasks
 * try the lock from *other threads* meanwhile. Here the write is Node's async file
 * write, and the guard is held until it completes — so while it is in flight the
 * other tasks on this thread are polled, and find the file locked. (Rejected: a
 * blocking `writeSync` under the lock — then the lock is free again before poll
 * returns, and `try_lock` could never fail on a single thread.)
 */
class AsyncWriteFuture extends BaseFuture<boolean> {
  private guard: MutexGuard<FileHandle> | null = null;
  private write: BaseFuture<unknown> | null = null;
  constructor(private readonly handle: AsyncFileHandle, readonly entry: string, private readonly log: AuditLog) {
    super();
  }
  poll(cx: Context): Poll<boolean> {
    if (this.guard === null) {
      this.guard = this.handle.tryLock();
      if (this.guard === null) {
        failed(this.log, this.entry);
        cx.waker.wake();
        return PENDING;
      }
      this.write = fromPromise(this.guard.value.write(`${this.entry}\n`));
    }
    if (this.write!.poll(cx) === PENDING) return PENDING;
    this.guard.release();
    written(this.log, this.entry);
    return true;
  }
}

/** The book's `write_log`: spawn the write as a task, hand back its join handle. */
function writeLog(rt: LiveRuntime, handle: AsyncFileHandle, entry: string, log: AuditLog): JoinHandle<boolean> {
  return rt.spawn(new AsyncWriteFuture(handle, entry, log));
}

const AUDIT_NAMES = ["one", "two", "three", "four", "five", "six"];

interface AuditRun {
  spawnOrder: string[];
  log: AuditLog;
  login: string[];
  logout: string[];
}

/** One run of the book's main: every name to login.txt and logout.txt, spawned in `order`, joined. */
async function auditRun(dir: string, order: string[]): Promise<AuditRun> {
  const loginPath = joinPath(dir, "login.txt");
  const logoutPath = joinPath(dir, "logout.txt");
  rmSync(loginPath, { force: true });
  rmSync(logoutPath, { force: true });
  const login = await getHandle(loginPath);
  const logout = await getHandle(logoutPath);
  const log: AuditLog = { lines: [], failures: new Map(), reported: new Set() };
  // A small poll budget: the spinning retries hand the thread back to Node often, so the writes complete.
  const rt = new LiveRuntime({ pollBudget: 64 });
  try {
    const handles: JoinHandle<boolean>[] = [];
    for (const name of order) {
      handles.push(writeLog(rt, login, name, log));
      handles.push(writeLog(rt, logout, name, log));
    }
    await rt.blockOn(joinAll(handles));
  } finally {
    await login.data.close();
    await logout.data.close();
  }
  const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter((l) => l !== "");
  return { spawnOrder: order, log, login: lines(loginPath), logout: lines(logoutPath) };
}

/** A seeded Fisher–Yates shuffle: the same seed, the same spawn order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const auditLogger: Experiment = {
  id: "audit-logger",
  book: "E2.8",
  title: "Async audit logger: a try-lock write future, six names to two files",
  summary: "completion order is not spawn order; a locked file means retry, not block",
  async run(opts) {
    const dir = mkdtempSync(joinPath(tmpdir(), "async-lab-ch2-"));
    try {
      const bookOrder = await auditRun(dir, AUDIT_NAMES);
      const seededOrder = await auditRun(dir, shuffled(AUDIT_NAMES, opts.seed));
      const runs: [string, AuditRun][] = [["book's spawn order", bookOrder], [`seeded shuffle (seed ${opts.seed})`, seededOrder]];
      const failures = (r: AuditRun) => [...r.log.failures.values()].reduce((a, b) => a + b, 0);
      return {
        blocks: [
          { kind: "text", title: "printout, book's spawn order (a retry's error is printed once per write, not once per poll)", lines: bookOrder.log.lines },
          {
            kind: "table",
            title: "spawn order vs what ended up in the files",
            columns: [{ header: "run" }, { header: "spawn order" }, { header: "login.txt" }, { header: "logout.txt" }, { header: "try_lock failures" }],
            rows: runs.map(([name, r]) => [name, r.spawnOrder.join(" "), r.login.join(" "), r.logout.join(" "), failures(r)]),
          },
          {
            kind: "book",
            rows: [
              { label: "printout", book: "error for six : try_lock failed because the operation would block · written for: five (L1752-1754)", ours: bookOrder.log.lines.slice(0, 7).join(" · ") + " …" },
              { label: "login.txt", book: "one four three five two six (L1743-1757; \"your file may have a different order\")", ours: bookOrder.login.join(" ") },
            ],
          },
          {
            kind: "notice",
            lines: [
              "Every name lands exactly once in each file, but not in spawn order: whichever task polls first after the lock is released gets it.",
              "On Tokio the order varies from run to run because worker threads race for the lock. Here there is one thread: the order is fixed by the schedule — the spawn order and how many retry rounds pass while each async write is in flight (that last part is the OS's timing, so the order can still vary between runs).",
              "The seeded shuffle changes the spawn order, and with it the file order: never assume async work completes in the order it was started. If order matters, one future must own a queue (L1762-1772).",
            ],
          },
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const ch2: Chapter = {
  id: "ch2",
  title: "Basic Async Rust: futures, wakers, join, timeout, shared state",
  experiments: [coffee, people, counter, selfReferential, timeoutExperiment, sharedCounter, auditLogger],
};


