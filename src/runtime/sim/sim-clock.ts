/**
 * The sim's virtual clock, as `sleep()` and `timeout()` see it: `now()` is the
 * runtime's virtual time (including the cost the running poll has declared so far),
 * and timers wait in one heap that the run loop fires from. A future's own choice
 * among n options (`choose`, a fair `select`) goes through the sim's one chooser.
 */
import type { TimerEntry, Timers } from "../../futures/poll.js";
import { seededRandom, type Chooser, type Rng } from "../rng.js";
import { TimerHeap } from "../timer-heap.js";

/** The virtual clock, as `sleep()` and `timeout()` see it. */
export class SimClock implements Timers {
  readonly heap = new TimerHeap();
  /**
   * Futures' own random choices (a fair `select`), seeded from the run's seed — a
   * separate stream from the policy's, so adding a `select` does not shift steals.
   */
  readonly random: Rng;
  /** A future's choice among `n` (a fair `select`'s start): goes through the sim's one chooser. */
  readonly choose: (n: number) => number;
  constructor(private readonly clockNow: () => number, seed: number, choices: Chooser) {
    this.random = seededRandom((seed ^ 0x9e3779b9) >>> 0);
    this.choose = (n) => choices.choose("select", n);
  }
  now(): number {
    return this.clockNow();
  }
  register(entry: TimerEntry): void {
    this.heap.push(entry);
  }
  cancel(entry: TimerEntry): void {
    this.heap.remove(entry);
  }
}
