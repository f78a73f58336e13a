/**
 * A worker's inbox: a single-producer single-consumer ring of task ids in shared
 * memory. The producer is the pool's submitting thread; the consumer is the worker,
 * which moves ids into its own deque before taking work (thieves only see a deque).
 *
 * Why an inbox and not a push straight into the worker's deque: Chase–Lev allows
 * pushes by the owner only. Rejected: one global injection queue (tokio's) — every
 * worker would contend on its head; with one producer, per-worker SPSC rings need
 * no CAS at all.
 *
 * Invariant: ids live in `ring[head .. tail)`; only the producer writes `tail`
 * (after the id), only the consumer writes `head` (after reading). Like the deque's,
 * the ring has twice the task table's size, so it cannot overflow (chase-lev-deque.ts).
 *
 * With a {@link Hand} (the pool's workers), `drain` moves one id at a time: hand ← id,
 * then `head` past it, then the id into a deque. A consumer killed anywhere in that
 * leaves each id in the ring, in its hand, or in a deque — never only in its thread's
 * memory, and never both in the ring and a deque (`head` moved once at the end would
 * leave a killed drain's ids in both).
 */
import type { Hand } from "./hand.js";

const HEAD = 0;
const TAIL = 16;
const RING = 32;

export function inboxWords(capacity: number): number {
  return RING + capacity;
}

export class Inbox {
  private readonly mask: number;
  constructor(
    private readonly words: Int32Array,
    readonly capacity: number,
    /** The consumer's hand; null: none (unit tests). */
    private readonly hand: Hand | null = null,
  ) {
    if (capacity <= 0 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError(`inbox capacity must be a power of two, got ${capacity}`);
    this.mask = capacity - 1;
  }

  /** Producer only. */
  send(id: number): void {
    const t = Atomics.load(this.words, TAIL);
    Atomics.store(this.words, RING + (t & this.mask), id);
    Atomics.store(this.words, TAIL, t + 1);
  }

  /**
   * Consumer only: give every waiting id to `into`, in arrival order; returns the count.
   * `into` must leave the id somewhere safe (a deque) before it returns: with a hand,
   * the next id overwrites the hand, and the last is cleared from it.
   */
  drain(into: (id: number) => void): number {
    const w = this.words;
    const h = Atomics.load(w, HEAD);
    const t = Atomics.load(w, TAIL);
    if (t === h) return 0;
    const hand = this.hand;
    if (hand === null) {
      for (let i = h; i < t; i++) into(Atomics.load(w, RING + (i & this.mask)));
      Atomics.store(w, HEAD, t);
      return t - h;
    }
    for (let i = h; i < t; i++) {
      const id = Atomics.load(w, RING + (i & this.mask));
      hand.hold(id);
      Atomics.store(w, HEAD, i + 1);
      into(id);
    }
    hand.clear();
    return t - h;
  }

  /**
   * The ids waiting, without taking them. Only meaningful when the consumer cannot run
   * (its thread died): the pool uses it to tell which of a dead worker's ids are still
   * here for its replacement, and which were lost with the thread (or are in its hand).
   */
  peek(): number[] {
    const out: number[] = [];
    const t = Atomics.load(this.words, TAIL);
    for (let i = Atomics.load(this.words, HEAD); i < t; i++) out.push(Atomics.load(this.words, RING + (i & this.mask)));
    return out;
  }

  get isEmpty(): boolean {
    return Atomics.load(this.words, HEAD) === Atomics.load(this.words, TAIL);
  }
}
