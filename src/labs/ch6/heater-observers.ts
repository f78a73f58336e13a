/**
 * The heater's three observers (display, heater, heat loss) in two designs:
 *
 * - busy: the book's, faithfully. Every observer wakes itself on every poll and re-reads
 *   the atomics ("is it my turn yet?").
 * - waker: observers sleep on timers and on subject changes (`WatchedCell` keeps their
 *   wakers), so each poll does real work.
 *
 * Invariant: both designs run the same `Controller` and draw the same RNG once per loss
 * step, so the same inputs give the same temperature series; only the polls differ.
 */
import { BaseFuture, PENDING, type Context, type Poll, type Rng } from "../../index.js";
import {
  HeaterSubjects,
  type HeaterParams,
  type HeaterTrace,
  Controller,
  OwnTimer,
  timersOf,
  lossInterval,
} from "./heater-model.js";

// --- busy design: the book's futures ---

export class BusyDisplay extends BaseFuture<never> {
  private tempSnap: number;
  private desiredSnap: number;
  private waiting = false;
  constructor(
    private readonly s: HeaterSubjects,
    private readonly ctl: Controller,
    private readonly trace: HeaterTrace,
  ) {
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

export class BusyHeater extends BaseFuture<never> {
  private snap = Number.NaN;
  constructor(
    private readonly s: HeaterSubjects,
    private readonly p: HeaterParams,
    private readonly trace: HeaterTrace,
  ) {
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

export class BusyHeatLoss extends BaseFuture<never> {
  private snap = Number.NaN;
  private interval: number;
  constructor(
    private readonly s: HeaterSubjects,
    private readonly p: HeaterParams,
    private readonly rng: Rng,
    private readonly trace: HeaterTrace,
  ) {
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

// --- waker design: polled only when something changed or a timer fired ---

export class WakerDisplay extends BaseFuture<never> {
  private tempSnap = Number.NaN;
  private desiredSnap = Number.NaN;
  private waiting = false;
  private readonly timer = new OwnTimer();
  constructor(
    private readonly s: HeaterSubjects,
    private readonly ctl: Controller,
    private readonly trace: HeaterTrace,
  ) {
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

export class WakerHeater extends BaseFuture<never> {
  private readonly timer = new OwnTimer();
  private armed = false;
  constructor(
    private readonly s: HeaterSubjects,
    private readonly p: HeaterParams,
    private readonly trace: HeaterTrace,
  ) {
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
      // Woken with the timer gone but its deadline not reached (a driver whose clock is
      // not ours, or a timer disarmed under us): wait out the rest rather than miss a step.
      this.timer.armAt(timers, this.timer.deadline, cx.waker);
    }
    this.s.heatOn.watch(cx.waker);
    return PENDING;
  }
  override cancel(): void {
    this.timer.disarm();
  }
}

export class WakerHeatLoss extends BaseFuture<never> {
  private readonly timer = new OwnTimer();
  private armed = false;
  constructor(
    private readonly s: HeaterSubjects,
    private readonly p: HeaterParams,
    private readonly rng: Rng,
    private readonly trace: HeaterTrace,
  ) {
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
