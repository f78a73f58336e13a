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
 */
export class TurnBudget {
  private isOpen = false;
  /** The drain to continue once the open turn closes (a hand-back), if any. */
  private next: (() => void) | null = null;
  /** Polls the open turn has left. */
  pollsLeft = 0;
  /** `performance.now()` at which the open turn's time slice ends. */
  endOfSlice = 0;

  constructor(
    private readonly polls: number,
    private readonly sliceMs: number,
  ) {}

  /** At the start of a drain, at time `now`: may it poll? Opens a turn if none is open. */
  enter(now: number): boolean {
    if (!this.isOpen) {
      this.isOpen = true;
      this.pollsLeft = this.polls;
      this.endOfSlice = now + this.sliceMs;
      setImmediate(this.close);
      return true;
    }
    return this.pollsLeft > 0 && now < this.endOfSlice;
  }

  /** A drain ran `polls` polls. */
  spend(polls: number): void {
    this.pollsLeft -= polls;
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
