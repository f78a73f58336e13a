/**
 * The sim's virtual clock (virtual-timers.ts, the one virtual clock), as `sleep()` and
 * `timeout()` see it: `now()` is the runtime's virtual time (including the cost the
 * running poll has declared so far). The run loop fires timers from the heap itself
 * rather than through `advanceTo`, because it orders same-instant timers through the
 * chooser. A future's own choice among n options (`choose`, a fair `select`) goes
 * through that chooser too.
 */
import { seededRandom, type Chooser, type Rng } from "../rng.js";
import { VirtualTimers } from "../virtual-timers.js";

/** The virtual clock, as `sleep()` and `timeout()` see it. */
export class SimClock extends VirtualTimers {
  /**
   * A float stream for futures that want one (`Timers.random`), seeded from the run's
   * seed. Not routed through the chooser (a float is not a choice among n); `select`
   * uses `choose` instead.
   */
  readonly random: Rng;
  /** A future's choice among `n` (a fair `select`'s start): goes through the sim's one chooser. */
  readonly choose: (n: number) => number;
  constructor(
    private readonly clockNow: () => number,
    seed: number,
    choices: Chooser,
  ) {
    super();
    this.random = seededRandom((seed ^ 0x9e3779b9) >>> 0);
    this.choose = (n) => choices.choose("select", n);
  }
  override now(): number {
    return this.clockNow();
  }
}
