/**
 * A Chase–Lev work-stealing deque of task ids (non-negative int32) in a
 * `SharedArrayBuffer`, so one worker thread owns it and every other thread may steal.
 *
 * Who may do what (the names say it, as in tokio's `Local` / `Steal`):
 * - `LocalDeque` (the owning worker only): `push` and `pop` at the bottom (LIFO).
 * - `Stealer` (any other thread): `steal` one id, or `stealHalfInto(dest)`, at the top (FIFO).
 *
 * Invariants:
 * 1. `top <= bottom` except transiently inside `pop` (bottom is lowered first, then
 *    restored); ids live in `ring[top .. bottom)` modulo the capacity.
 * 2. An id leaves the deque exactly once: a thief takes `ring[t]` only if its
 *    `compareExchange(top, t, t + 1)` succeeds; the owner takes the last element
 *    (t === b) only by winning the same CAS. Every other owner pop is uncontested
 *    because the owner lowered `bottom` before reading `top` — every `Atomics`
 *    operation is sequentially consistent, which is the fence Chase–Lev needs.
 * 3. The ring never overflows: the pool gives it twice the task table's size. Ids are
 *    bounded by the table, plus at most one extra copy per worker death (hand.ts);
 *    the spare half absorbs those. (Rejected: a growable ring. Growing a shared ring
 *    needs a new buffer that every thread must learn of — an epoch scheme — for no
 *    gain when ids are bounded.)
 * 4. With a {@link Hand} (the pool's workers), an id the owner or a thief is taking out
 *    is in that worker's hand before it leaves the ring (hand.ts says why). Without
 *    one (unit tests), the deque is the plain Chase–Lev deque.
 */
import type { Hand } from "./hand.js";

/** Returned by `pop`/`steal` when there was nothing to take. */
export const EMPTY = -1;
/** Returned by `steal` when another thread won the race; try again or elsewhere. */
export const RETRY = -2;

// Header: top and bottom sit 64 bytes apart so the owner's writes to `bottom` and
// thieves' CASes on `top` do not bounce one cache line between cores.
const TOP = 0;
const BOTTOM = 16;
const RING = 32;

/** Int32 words one deque of `capacity` ids needs (capacity: a power of two). */
export function dequeWords(capacity: number): number {
  return RING + capacity;
}

/** The shared-memory view both faces use. */
class DequeMemory {
  readonly mask: number;
  constructor(
    readonly words: Int32Array,
    readonly capacity: number,
  ) {
    if (capacity <= 0 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError(`deque capacity must be a power of two, got ${capacity}`);
    if (words.length < dequeWords(capacity)) throw new RangeError("deque memory too small for its capacity");
    this.mask = capacity - 1;
  }

  /**
   * Whether `id` is in `ring[top .. bottom)` now. For the submitter, about a dead owner's
   * deque (only thieves move it then: an id seen here stays here or goes to a thief).
   */
  contains(id: number): boolean {
    const b = Atomics.load(this.words, BOTTOM);
    for (let i = Atomics.load(this.words, TOP); i < b; i++)
      if (Atomics.load(this.words, RING + (i & this.mask)) === id) return true;
    return false;
  }

  /** Ids currently in the deque (a snapshot; may be stale by the time it is read). */
  get length(): number {
    const n = Atomics.load(this.words, BOTTOM) - Atomics.load(this.words, TOP);
    return n > 0 ? n : 0;
  }
}

/** The owner's face: push and pop at the bottom. */
export class LocalDeque extends DequeMemory {
  constructor(
    words: Int32Array,
    capacity: number,
    /** The owning worker's hand (invariant 4) — also used by its steals into this deque; null: none. */
    readonly hand: Hand | null = null,
  ) {
    super(words, capacity);
  }

  push(id: number): void {
    const w = this.words;
    const b = Atomics.load(w, BOTTOM);
    if (b - Atomics.load(w, TOP) >= this.capacity)
      throw new Error("deque overflow: more ids than the task table holds (a bug)");
    Atomics.store(w, RING + (b & this.mask), id);
    Atomics.store(w, BOTTOM, b + 1);
  }

  /**
   * Take the newest id, or EMPTY. With a hand, a returned id is left in the hand: the
   * caller clears it once the id's slot is claimed (or the failed claim handled).
   */
  pop(): number {
    const w = this.words;
    const b = Atomics.load(w, BOTTOM) - 1;
    // Empty already: `top` only grows and only this thread pushes, so it stays empty —
    // answered with two loads, no store (the high deque is empty before most tasks).
    if (Atomics.load(w, TOP) > b) return EMPTY;
    // The ring word at b is stable (only the owner writes the ring), so it can be read
    // before `bottom` is lowered — and must be, to be in the hand before it leaves the deque.
    const id = Atomics.load(w, RING + (b & this.mask));
    const hand = this.hand;
    if (hand !== null) hand.hold(id);
    Atomics.store(w, BOTTOM, b);
    const t = Atomics.load(w, TOP);
    if (t > b) {
      Atomics.store(w, BOTTOM, b + 1);
      if (hand !== null) hand.clear();
      return EMPTY;
    }
    if (t < b) return id;
    // Last element: race the thieves for it with the same CAS they use.
    const won = Atomics.compareExchange(w, TOP, t, t + 1) === t;
    Atomics.store(w, BOTTOM, b + 1);
    if (won) return id;
    if (hand !== null) hand.clear();
    return EMPTY;
  }

  /**
   * Restore invariant 1 after the owning thread died inside `pop` (terminated
   * between lowering and restoring `bottom`): the replacement worker calls this first.
   */
  repair(): void {
    const w = this.words;
    if (Atomics.load(w, BOTTOM) < Atomics.load(w, TOP)) Atomics.store(w, BOTTOM, Atomics.load(w, TOP));
  }
}

/** Everyone else's face: take from the top. */
export class Stealer extends DequeMemory {
  /**
   * Take the oldest id, EMPTY, or RETRY. With the thief's `hand`, the id is in it before
   * the CAS that takes it (a thief killed right after the CAS would otherwise lose it);
   * a returned id is left in the hand for the caller to clear once it is safe.
   */
  steal(hand: Hand | null = null): number {
    const w = this.words;
    const t = Atomics.load(w, TOP);
    const b = Atomics.load(w, BOTTOM);
    if (t >= b) return EMPTY;
    const id = Atomics.load(w, RING + (t & this.mask));
    if (hand !== null) hand.hold(id);
    if (Atomics.compareExchange(w, TOP, t, t + 1) === t) return id;
    if (hand !== null) hand.clear();
    return RETRY;
  }

  /**
   * Move about half the victim's ids into `dest` (at least one if any), and return
   * how many moved. Half, not all, so the victim keeps work and is not the next
   * thief; not one, so a thief does not come back for every single task.
   * Done as repeated single-element steals: each is invariant 2's CAS, so the
   * argument stays the textbook one (rejected: tokio's packed head that claims a
   * batch in one CAS — faster, but a second protocol to prove).
   */
  stealHalfInto(dest: LocalDeque): number {
    let want = (this.length + 1) >>> 1;
    let moved = 0;
    const hand = dest.hand; // the thief's: dest is its own deque
    while (want > 0) {
      const id = this.steal(hand);
      if (id === EMPTY) break;
      if (id === RETRY) continue;
      dest.push(id); // in dest now: the next steal may overwrite the hand
      moved++;
      want--;
    }
    if (moved > 0 && hand !== null) hand.clear();
    return moved;
  }
}
