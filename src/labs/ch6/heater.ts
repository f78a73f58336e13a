/**
 * The book's heater (E6.1) as three observer futures over three subjects —
 * temperature, desired temperature, heater on — in two designs:
 *
 * - `busy`: the book's, faithfully. Subjects are plain `AtomicCell`s; every observer
 *   wakes itself on every poll and re-reads the atomics ("is it my turn yet?").
 * - `waker`: subjects are `WatchedCell`s that keep their observers' wakers; observers
 *   sleep on timers and on subject changes, so each poll does real work.
 *
 * Both run the same control logic, so the same inputs give the same temperature
 * series; only the number of polls (and CPU) differs — which is the lesson.
 *
 * Invariants: all three subjects live in one SharedArrayBuffer (`HeaterSubjects.buffer`);
 * time is read from `cx.timers` only (virtual or real); randomness (the draught that
 * jitters the heat-loss interval) comes from one seeded RNG drawn once per loss step in
 * both designs. Values are hundredths of a degree, as in the book (2090 = 20.90 °C).
 */
import {
  BaseFuture, PENDING, seededRandom, WatchedCell,
  type Context, type JoinHandle, type Poll, type Rng, type Spawner, type TimerEntry, type Timers, type Waker,
} from "../../index.js";

export type ObserverDesign = "busy" | "waker";

export interface HeaterParams {
  /** Start temperature in hundredths of °C (book: 2090). */
  startTemp: number;
  /** Desired temperature in hundredths of °C (book: 2100). */
  desired: number;
  /** The heater adds `heatGain` every `heatStepMs` while on (book: 3 every 3 s). */
  heatGain: number;
  heatStepMs: number;
  /**
   * Heat loss takes `loss` every `lossEveryMs` (the book's interval is cut off in the
   * early release; we take 3 s: with 1 s the heater's +1/s could never win).
   */
  loss: number;
  lossEveryMs: number;
  /** ± fraction by which a seeded draught jitters each heat-loss interval (0 = none). */
  lossJitter: number;
  /** The display acts on a needed switch only after the need has lasted this long (the book's warning). */
  reactionDelayMs: number;
  seed: number;
}

export const BOOK_HEATER: HeaterParams = {
  startTemp: 2090,
  desired: 2100,
  heatGain: 3,
  heatStepMs: 3000,
  loss: 1,
  lossEveryMs: 3000,
  lossJitter: 0.2,
  reactionDelayMs: 0,
  seed: 1,
};

/** The three subjects, in one shared buffer (slots 0, 1, 2). */
export class HeaterSubjects {
  readonly buffer = new SharedArrayBuffer(3 * 4);
  private readonly view = new Int32Array(this.buffer);
  readonly temp: WatchedCell;
  readonly desired: WatchedCell;
  readonly heatOn: WatchedCell;
  constructor(startTemp: number, desired: number) {
    this.temp = new WatchedCell(startTemp, this.view, 0);
    this.desired = new WatchedCell(desired, this.view, 1);
    this.heatOn = new WatchedCell(0, this.view, 2);
  }
}

/** What the display observer saw and did — the run's record. */
export interface HeaterTrace {
  /** One sample per display render: [time ms, temp, desired, heat on 0/1]. */
  samples: [number, number, number, number][];
  /** Times (ms) the display switched the heater, and to what. */
  switches: { t: number; on: boolean }[];
  polls: { display: number; heater: number; heatLoss: number };
}

function newTrace(): HeaterTrace {
  return { samples: [], switches: [], polls: { display: 0, heater: 0, heatLoss: 0 } };
}

/** The display's control rule, shared by both designs. Returns true while a switch waits out the reaction delay. */
class Controller {
  private wantSince = -1;
  constructor(
    private readonly s: HeaterSubjects,
    private readonly delayMs: number,
    private readonly trace: HeaterTrace,
  ) {}

  /** The book's rule on a snapshot: below desired and off → on; above and on → off. */
  decide(now: number, temp: number, desired: number): boolean {
    const on = this.s.heatOn.load() === 1;
    const want = temp < desired && !on ? true : temp > desired && on ? false : on;
    let waiting = false;
    if (want === on) this.wantSince = -1;
    else {
      if (this.wantSince < 0) this.wantSince = now;
      if (now - this.wantSince >= this.delayMs) {
        this.s.heatOn.store(want ? 1 : 0);
        this.trace.switches.push({ t: now, on: want });
        this.wantSince = -1;
      } else waiting = true;
    }
    // The book clears the screen and prints the snapshot; we record it.
    this.trace.samples.push([now, temp, desired, this.s.heatOn.load()]);
    return waiting;
  }
  /** When a waiting switch becomes due (only meaningful while `decide` returned true). */
  dueAt(): number {
    return this.wantSince + this.delayMs;
  }
}

/** A timer entry an observer owns and re-arms (no allocation per wait). */
class OwnTimer implements TimerEntry {
  deadline = 0;
  waker: Waker | null = null;
  slot = -1;
  private timers: Timers | null = null;
  armAt(timers: Timers, deadline: number, waker: Waker): void {
    if (this.slot !== -1) timers.cancel(this);
    this.timers = timers;
    this.deadline = deadline;
    this.waker = waker;
    timers.register(this);
  }
  disarm(timers: Timers | null = this.timers): void {
    if (this.slot !== -1) timers?.cancel(this);
    this.waker = null;
  }
}

function timersOf(cx: Context): Timers {
  if (cx.timers === undefined) throw new Error("heater observers need a runtime with timers");
  return cx.timers;
}

// --- busy design: the book's futures ---

class BusyDisplay extends BaseFuture<never> {
  private tempSnap: number;
  private desiredSnap: number;
  private waiting = false;
  constructor(private readonly s: HeaterSubjects, private readonly ctl: Controller, private readonly trace: HeaterTrace) {
    super();
    this.tempSnap = s.temp.load();
    this.desiredSnap = Number.NaN; // render once at start
  }
  poll(cx: Context): Poll<never> {
    this.trace.polls.display++;
    const now = timersOf(cx).now();
    const temp = this.s.temp.load();
    const desired = this.s.desired.load();
    const due = this.waiting && now >= this.ctl.dueAt();
    if (temp !== this.tempSnap || desired !== this.desiredSnap || due) {
      this.waiting = this.ctl.decide(now, temp, desired);
      this.tempSnap = temp;
      this.desiredSnap = desired;
    }
    cx.waker.wake(); // the book's wake_by_ref(): poll me again, at once
    return PENDING;
  }
}

class BusyHeater extends BaseFuture<never> {
  private snap = Number.NaN;
  constructor(private readonly s: HeaterSubjects, private readonly p: HeaterParams, private readonly trace: HeaterTrace) {
    super();
  }
  poll(cx: Context): Poll<never> {
    this.trace.polls.heater++;
    const now = timersOf(cx).now();
    if (Number.isNaN(this.snap) || this.s.heatOn.load() === 0) this.snap = now;
    else if (now - this.snap >= this.p.heatStepMs) {
      this.s.temp.add(this.p.heatGain);
      this.snap = now;
    }
    cx.waker.wake();
    return PENDING;
  }
}

class BusyHeatLoss extends BaseFuture<never> {
  private snap = Number.NaN;
  private interval: number;
  constructor(private readonly s: HeaterSubjects, private readonly p: HeaterParams, private readonly rng: Rng, private readonly trace: HeaterTrace) {
    super();
    this.interval = lossInterval(p, rng);
  }
  poll(cx: Context): Poll<never> {
    this.trace.polls.heatLoss++;
    const now = timersOf(cx).now();
    if (Number.isNaN(this.snap)) this.snap = now;
    else if (now - this.snap >= this.interval) {
      this.s.temp.sub(this.p.loss);
      this.snap = now; // reset only after the effect, as the book says
      this.interval = lossInterval(this.p, this.rng);
    }
    cx.waker.wake();
    return PENDING;
  }
}

function lossInterval(p: HeaterParams, rng: Rng): number {
  return p.lossEveryMs * (1 + p.lossJitter * (2 * rng() - 1));
}

// --- waker design: polled only when something changed or a timer fired ---

class WakerDisplay extends BaseFuture<never> {
  private tempSnap = Number.NaN;
  private desiredSnap = Number.NaN;
  private waiting = false;
  private readonly timer = new OwnTimer();
  constructor(private readonly s: HeaterSubjects, private readonly ctl: Controller, private readonly trace: HeaterTrace) {
    super();
  }
  poll(cx: Context): Poll<never> {
    this.trace.polls.display++;
    const timers = timersOf(cx);
    const now = timers.now();
    const temp = this.s.temp.load();
    const desired = this.s.desired.load();
    if (temp !== this.tempSnap || desired !== this.desiredSnap || (this.waiting && now >= this.ctl.dueAt())) {
      this.waiting = this.ctl.decide(now, temp, desired);
      this.tempSnap = temp;
      this.desiredSnap = desired;
    }
    // Registered after the loads above: a change from here on wakes us (watched-cell.ts, invariant 2).
    this.s.temp.watch(cx.waker);
    this.s.desired.watch(cx.waker);
    if (this.waiting) this.timer.armAt(timers, this.ctl.dueAt(), cx.waker);
    else this.timer.disarm(timers);
    return PENDING;
  }
  override cancel(): void {
    this.timer.disarm();
  }
}

class WakerHeater extends BaseFuture<never> {
  private readonly timer = new OwnTimer();
  private armed = false;
  constructor(private readonly s: HeaterSubjects, private readonly p: HeaterParams, private readonly trace: HeaterTrace) {
    super();
  }
  poll(cx: Context): Poll<never> {
    this.trace.polls.heater++;
    const timers = timersOf(cx);
    const now = timers.now();
    if (this.s.heatOn.load() === 0) {
      // Off: forget the running step (the book resets its snapshot), sleep until switched.
      this.timer.disarm(timers);
      this.armed = false;
    } else if (!this.armed) {
      this.timer.armAt(timers, now + this.p.heatStepMs, cx.waker);
      this.armed = true;
    } else if (now >= this.timer.deadline) {
      this.s.temp.add(this.p.heatGain);
      this.timer.armAt(timers, now + this.p.heatStepMs, cx.waker);
    } else if (this.timer.slot === -1) {
      // Fired a little early (live timers fire within TIMER_TOLERANCE_MS): wait out the rest.
      this.timer.armAt(timers, this.timer.deadline, cx.waker);
    }
    this.s.heatOn.watch(cx.waker);
    return PENDING;
  }
  override cancel(): void {
    this.timer.disarm();
  }
}

class WakerHeatLoss extends BaseFuture<never> {
  private readonly timer = new OwnTimer();
  private armed = false;
  constructor(private readonly s: HeaterSubjects, private readonly p: HeaterParams, private readonly rng: Rng, private readonly trace: HeaterTrace) {
    super();
  }
  poll(cx: Context): Poll<never> {
    this.trace.polls.heatLoss++;
    const timers = timersOf(cx);
    const now = timers.now();
    if (!this.armed) {
      this.timer.armAt(timers, now + lossInterval(this.p, this.rng), cx.waker);
      this.armed = true;
    } else if (now >= this.timer.deadline) {
      this.s.temp.sub(this.p.loss);
      this.timer.armAt(timers, now + lossInterval(this.p, this.rng), cx.waker);
    } else if (this.timer.slot === -1) {
      this.timer.armAt(timers, this.timer.deadline, cx.waker); // fired early, see WakerHeater
    }
    return PENDING;
  }
  override cancel(): void {
    this.timer.disarm();
  }
}

/** A running heater system: its subjects, its record, and a way to stop it. */
export interface HeaterRun {
  subjects: HeaterSubjects;
  trace: HeaterTrace;
  tasks: JoinHandle<never>[];
  /** Cancel the three observer tasks (their timers are released). */
  stop(): void;
}

/** Spawn the display, heater and heat-loss observers on `runtime`. */
export function startHeater(runtime: Spawner, design: ObserverDesign, params: Partial<HeaterParams> = {}): HeaterRun {
  const p: HeaterParams = { ...BOOK_HEATER, ...params };
  const subjects = new HeaterSubjects(p.startTemp, p.desired);
  const trace = newTrace();
  const rng = seededRandom(p.seed);
  const ctl = new Controller(subjects, p.reactionDelayMs, trace);
  const futures =
    design === "busy"
      ? [new BusyDisplay(subjects, ctl, trace), new BusyHeater(subjects, p, trace), new BusyHeatLoss(subjects, p, rng, trace)]
      : [new WakerDisplay(subjects, ctl, trace), new WakerHeater(subjects, p, trace), new WakerHeatLoss(subjects, p, rng, trace)];
  const tasks = futures.map((f, i) => runtime.spawn<never>(f, { name: ["display", "heater", "heat-loss"][i]! }));
  return {
    subjects,
    trace,
    tasks,
    stop() {
      for (const t of tasks) t.cancel();
    },
  };
}

/** The figures the lab reports about one run. Temperatures in °C, times in ms. */
export interface HeaterSummary {
  /** First time the temperature reached the desired value (NaN if never). */
  timeToTargetMs: number;
  /** Lowest and highest temperature after first reaching the target. */
  bandLow: number;
  bandHigh: number;
  /** Half the peak-to-peak swing after reaching the target. */
  amplitude: number;
  switches: number;
}

export function summarizeHeater(trace: HeaterTrace): HeaterSummary {
  let reached = -1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [t, temp, desired] of trace.samples) {
    if (reached < 0 && temp >= desired) reached = t;
    if (reached >= 0) {
      lo = Math.min(lo, temp);
      hi = Math.max(hi, temp);
    }
  }
  return {
    timeToTargetMs: reached < 0 ? Number.NaN : reached,
    bandLow: reached < 0 ? Number.NaN : lo / 100,
    bandHigh: reached < 0 ? Number.NaN : hi / 100,
    amplitude: reached < 0 ? Number.NaN : (hi - lo) / 200,
    switches: trace.switches.length,
  };
}
