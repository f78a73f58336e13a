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
 * (after the id), only the consumer writes `head` (after reading). Like the deque,
 * the ring has the task table's capacity, so it cannot overflow.
 */
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

  /** Consumer only: hand every waiting id to `into`, in arrival order; returns the count. */
  drain(into: (id: number) => void): number {
    const h = Atomics.load(this.words, HEAD);
    const t = Atomics.load(this.words, TAIL);
    for (let i = h; i < t; i++) into(Atomics.load(this.words, RING + (i & this.mask)));
    if (t !== h) Atomics.store(this.words, HEAD, t);
    return t - h;
  }

  /**
   * The ids waiting, without taking them. Only meaningful when the consumer cannot run
   * (its thread died): the pool uses it to tell which of a dead worker's ids are still
   * here for its replacement, and which were lost with the thread.
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
