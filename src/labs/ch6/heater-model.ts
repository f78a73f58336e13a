/**
 * The heater's model (E6.1), shared by both observer designs: its parameters, the three
 * subjects in one SharedArrayBuffer, the record of a run, the display's control rule,
 * and the timer and randomness helpers the observers use.
 *
 * Invariants: all three subjects live in one SharedArrayBuffer (`HeaterSubjects.buffer`);
 * time is read from `cx.timers` only (virtual or real); randomness (the draught that
 * jitters the heat-loss interval) comes from one seeded RNG drawn once per loss step in
 * both designs. Values are hundredths of a degree, as in the book (2090 = 20.90 °C).
 */
import { WatchedCell, type Context, type Rng, type TimerEntry, type Timers, type Waker } from "../../index.js";

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

export function newTrace(): HeaterTrace {
  return { samples: [], switches: [], polls: { display: 0, heater: 0, heatLoss: 0 } };
}

/** The display's control rule, shared by both designs. Returns true while a switch waits out the reaction delay. */
export class Controller {
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
export class OwnTimer implements TimerEntry {
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

export function timersOf(cx: Context): Timers {
  if (cx.timers === undefined) throw new Error("heater observers need a runtime with timers");
  return cx.timers;
}

export function lossInterval(p: HeaterParams, rng: Rng): number {
  return p.lossEveryMs * (1 + p.lossJitter * (2 * rng() - 1));
}
