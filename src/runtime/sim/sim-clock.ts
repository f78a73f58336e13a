/**
 * The sim's virtual clock, as `sleep()` and `timeout()` see it: the one virtual
 * clock (`VirtualTimers`, whose heap the sim's run loop fires from itself), except
 * that `now()` is the runtime's virtual time including the cost the running poll
 * has declared so far. A future's own choice among n options (`choose`, a fair
 * `select`) goes through the sim's one chooser.
 */
import { seededRandom, type Chooser, type Rng } from "../rng.js";
import { VirtualTimers } from "../virtual-timers.js";

export class SimClock extends VirtualTimers {
  /**
   * Futures' own random choices (a fair `select`), seeded from the run's seed — a
   * separate stream from the policy's, so adding a `select` does not shift steals.
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
