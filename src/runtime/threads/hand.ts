/**
 * A worker's hand: one shared word per worker naming the task id it is carrying
 * between two places, so that a worker killed mid-move (`ThreadPool.killWorker`, or
 * any crash) cannot take a task with it.
 *
 * The rule: every queued id is, at every instant, in a shared structure (an inbox, a
 * deque) or in some worker's hand. Without the hand, a worker that took an id out of
 * its deque (`pop`), a victim's (`steal`) or its inbox (`drain`) holds it only in a
 * local variable until it claims the slot; killed in between, the id is nowhere, the
 * slot stays QUEUED forever and its handle never settles.
 *
 * Who writes the hand (only its own worker, through the structures it owns):
 * - `LocalDeque.pop`: the id at `bottom - 1` goes into the hand *before* `bottom` is
 *   lowered; the hand is cleared on the empty and lost-race paths, else by the worker
 *   once `claim` has succeeded (the slot then names its owner) or failed (handled).
 * - `Stealer.steal(hand)`: the id at `top` goes into the thief's hand *before* its CAS
 *   on `top`; `stealHalfInto` pushes it into the thief's deque, then the next steal
 *   overwrites it or the hand is cleared.
 * - `Inbox.drain`: per id, hand ← id, *then* `head` moves past it, then the id is
 *   pushed into a deque (or the pinned list), then the next id overwrites it.
 * Overwriting is clearing: it happens only once the previous id is somewhere safe.
 *
 * What the submitter does with it (dead-worker.ts): reads and empties the dead
 * worker's hand. An id there whose slot is still QUEUED and which is not in the dead
 * worker's deques or inbox is sent to its inbox again, for the replacement. The hand
 * cannot say whether a thief took that id meanwhile (a steal that lost its CAS, a
 * last element a thief won), so the re-send may make a second copy of an id: that is
 * harmless — a slot is run only by the one `claim` CAS that wins it, and the pool frees
 * a slot only for the release report that matches its current task (thread-pool.ts).
 *
 * Rejected: a hand per move kind, or a per-id log. One word suffices because a worker
 * carries one id at a time; the cost is a store or two per task, on a line of its own.
 */

/** The hand's value when it carries nothing. */
export const EMPTY_HAND = -1;

export class Hand {
  constructor(
    private readonly words: Int32Array,
    private readonly at: number,
  ) {}

  /** The owning worker: `id` is in transit (store before taking it out of a shared structure). */
  hold(id: number): void {
    Atomics.store(this.words, this.at, id);
  }

  /** The owning worker: the id is safe again (in a structure, or its claim handled). */
  clear(): void {
    Atomics.store(this.words, this.at, EMPTY_HAND);
  }

  /** What the hand holds now (a snapshot). */
  get id(): number {
    return Atomics.load(this.words, this.at);
  }

  /** The submitter, for a dead worker: what it held, and an empty hand for its replacement. */
  take(): number {
    return Atomics.exchange(this.words, this.at, EMPTY_HAND);
  }
}
