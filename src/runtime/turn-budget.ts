/**
 * The cooperative budget of one macrotask turn (tokio's coop budget is the model),
 * shared by every drain of a live driver that runs in that turn.
 *
 * Why per turn and not per drain: a wake from outside a drain — a resolved promise,
 * most often — queues the next drain as a microtask, and microtasks run before Node
 * gets back to its timers and sockets. A task that wakes itself from a microtask
 * (`for (;;) yield* fromPromise(Promise.resolve(1))`) would start drain after drain
 * inside one turn, each with a fresh budget, and no `setTimeout` would ever fire.
 * Counting every drain of the turn against one budget ends that: once it is spent,
 * the next drain waits for `setImmediate`, which Node runs after its timers and I/O.
 *
 * Invariants:
 * 1. A turn opens at the first drain after the previous one closed, with `polls`
 *    polls and `sliceMs` of wall time. It closes in a `setImmediate` queued when it
 *    opened — JavaScript cannot see where a macrotask ends, but an immediate queued
 *    now runs only after this turn's microtasks, in a later phase of the event loop.
 * 2. While a turn is open, `enter` says whether a drain may poll: polls are left and
 *    the slice has not run out. When it says no, or work remains when the budget is
 *    spent, the driver hands back with `afterTurn(drain)`: the immediate that closes
 *    the turn runs that drain, which opens a fresh turn.
 * 3. The cost: one `setImmediate` per turn in which the driver ran at all (the same
 *    one closes the turn and continues a handed-back drain); none while it is idle,
 *    so an idle runtime holds nothing.
 * 4. The clock is read once when a turn opens, then only every `untilClockCheck`
 *    polls, counted across all the drains of the turn (`clockCheck` sets the next
 *    gap from the pace so far). A drain that starts inside an open turn reads no
 *    clock: a turn's drains are often one short drain per microtask (a resolved
 *    promise, a `blockOn` in a loop), so a read at each drain start would be paid
 *    per microtask. The slice is checked at poll counts instead: at most
 *    CLOCK_CHECK_MAX_GAP polls run past its end, and far fewer when polls are
 *    slow, since the gap shrinks with the pace.
 */
import { CLOCK_CHECK_FIRST, CLOCK_CHECK_MAX_GAP } from "./config.js";

export class TurnBudget {
  /** True from the first drain of a turn until the immediate that closes it. */
  isOpen = false;
  /** The drain to continue once the open turn closes (a hand-back), if any. */
  private next: (() => void) | null = null;
  /** Polls the open turn has left (0 once its slice was found over). */
  pollsLeft = 0;
  /** Polls to run, across the turn's drains, before the next clock read. */
  untilClockCheck = 0;
  /** `performance.now()` at which the open turn's time slice ends. */
  endOfSlice = 0;
  private startOfSlice = 0;

  constructor(
    private readonly polls: number,
    private readonly sliceMs: number,
  ) {}

  /** Open a turn now (the caller saw `isOpen` false): full budget, one clock read, the closing immediate queued. */
  open(): void {
    const now = performance.now();
    this.isOpen = true;
    this.pollsLeft = this.polls;
    this.untilClockCheck = CLOCK_CHECK_FIRST;
    this.startOfSlice = now;
    this.endOfSlice = now + this.sliceMs;
    setImmediate(this.close);
  }

  /**
   * At the start of a drain, for a driver that reads the clock anyway (`now`): may it
   * poll? Opens a turn if none is open.
   */
  enter(now: number): boolean {
    if (!this.isOpen) {
      this.open();
      return true;
    }
    return this.pollsLeft > 0 && now < this.endOfSlice;
  }

  /**
   * Read the clock, `polls` polls into the current drain (whose count is not yet
   * spent). Returns how many more polls may run before the next read, or 0 if the
   * slice is over (the turn is then exhausted).
   */
  clockCheck(polls: number): number {
    const now = performance.now();
    if (now >= this.endOfSlice) {
      this.pollsLeft = 0;
      return 0;
    }
    // Read again about halfway to the end of the slice, at the pace the turn's
    // polls went so far (time between its drains included, which only shortens the gap).
    const perPoll = (now - this.startOfSlice) / (this.polls - this.pollsLeft + polls);
    const gap = perPoll > 0 ? Math.floor((this.endOfSlice - now) / perPoll / 2) : CLOCK_CHECK_MAX_GAP;
    return Math.max(1, Math.min(CLOCK_CHECK_MAX_GAP, gap));
  }

  /** A drain ran `polls` polls and had `untilClockCheck` left before its next clock read. */
  spend(polls: number, untilClockCheck = this.untilClockCheck): void {
    this.pollsLeft -= polls;
    this.untilClockCheck = untilClockCheck;
  }

  /** The drain ended its slice early (a clock read found it over): nothing is left this turn. */
  exhaust(): void {
    this.pollsLeft = 0;
  }

  /** Run `drain` in the immediate that closes the open turn (a turn is open whenever a driver hands back). */
  afterTurn(drain: () => void): void {
    this.next = drain;
  }

  private readonly close = (): void => {
    this.isOpen = false;
    const next = this.next;
    if (next !== null) {
      this.next = null;
      next();
    }
  };
}
