/**
 * The live driver's timer structure: entries grouped by the whole millisecond their
 * deadline is rounded up to, as tokio's timer wheel rounds a deadline up to its
 * 1 ms slot.
 *
 * Why not the binary heap the sim uses (timer-heap.ts): firing 10,000 sleeps spread
 * over 10 ms took each one out of a heap of thousands — a sift-down of ~13 levels,
 * every level a pointer chase to compare deadlines and two stores of a young entry
 * into the heap's old arrays (the write barrier's slow path). `perf` put the heap's
 * `pop` at 29 % of the executor bench's `timers` case. Here an entry is one `push`
 * onto its millisecond's bucket, and firing walks a bucket front to back; only the
 * keys — a few distinct milliseconds, plain integers — sit in a heap. The live
 * driver can give up the heap's exact order because nothing real is finer: Node
 * fires its own timers by whole milliseconds of the event loop's clock, so entries
 * whose deadlines fall within one millisecond are woken by the same callback in any
 * case. The sim keeps the heap: its runs must be reproducible to the last tie.
 *
 * Invariants:
 * 1. An entry is registered iff its `slot` is ≥ 0; it then sits at
 *    `buckets.get(keyOf(entry)).entries[slot]`. Its `deadline` does not change while
 *    it is registered (poll.ts, `TimerEntry`), so `keyOf` finds it again.
 * 2. A bucket is in `buckets` iff it holds a live entry. Its key is in `keys`, a
 *    min-heap of integers. A cancelled entry leaves a null in its bucket; a bucket
 *    mostly of nulls is compacted (`compactIfSparse`, which moves the slots), and
 *    one emptied by cancels is dropped. A dropped bucket leaves its key behind
 *    (stale): removing it from the heap would cost what the bucket saves. Stale keys
 *    are skipped when they reach the top, and swept once they outnumber the live
 *    buckets, so a loop that keeps cancelling far-off timeouts cannot grow `keys`.
 * 3. `fireDue(now)` wakes, in key order, the entries of every bucket whose key is
 *    ≤ `now` — each of them has `deadline ≤ key ≤ now`, so nothing fires early —
 *    and within a bucket in registration order. A key is always > the deadline's
 *    own clock reading at registration (a deadline is in the future), hence > any
 *    `now` at which a bucket with that key could already be firing: a wake that
 *    registers a new timer never lands in the bucket being walked. A wake that
 *    cancels an entry of the bucket being walked takes it out before its turn
 *    (the slot is cleared), so a cancelled entry is never woken.
 */
import type { TimerEntry } from "../futures/poll.js";
import { EventHeap } from "./event-heap.js";

/** The entries of one millisecond; a cancelled one leaves a null behind until `compact`. */
class Bucket {
  entries: (TimerEntry | null)[] = [];
  live = 0;
  /** True while `fireDue` walks it: its slots must not move under the walk. */
  firing = false;
  constructor(readonly key: number) {}

  /**
   * Drop the nulls, once they are many and the majority: a bucket that keeps one live
   * timer among thousands cancelled (a loop of `select` with a timeout, all within one
   * millisecond) must not keep a slot for each until its millisecond comes.
   */
  compactIfSparse(): void {
    const entries = this.entries;
    const dead = entries.length - this.live;
    if (dead <= 32 || dead <= this.live || this.firing) return;
    const kept: TimerEntry[] = [];
    for (const entry of entries) {
      if (entry === null) continue;
      entry.slot = kept.length;
      kept.push(entry);
    }
    this.entries = kept;
  }
}

/** The millisecond an entry fires in: its deadline rounded up. */
function keyOf(entry: TimerEntry): number {
  return Math.ceil(entry.deadline);
}

export class TimerBuckets {
  private readonly buckets = new Map<number, Bucket>();
  /** The bucket keys, stale ones included (invariant 2), earliest first. */
  private keys = new EventHeap();
  private stale = 0;
  private count = 0;
  /**
   * The bucket the last entry went into: registrations come in runs within one
   * millisecond (a task that spawns 10,000 sleepers), and this spares each the map
   * lookup. Dropped with its bucket.
   */
  private last: Bucket | null = null;

  /** Registered entries. */
  get size(): number {
    return this.count;
  }

  /** The earliest key with a live entry (the time to arm a timer for), or `Infinity`. */
  earliest(): number {
    const keys = this.keys;
    while (keys.size > 0) {
      const key = keys.peekTime();
      if (this.buckets.has(key)) return key;
      keys.pop();
      this.stale--;
    }
    return Infinity;
  }

  /** Register `entry`; returns the millisecond it will fire in (its key). */
  push(entry: TimerEntry): number {
    const key = keyOf(entry);
    let bucket = this.last;
    if (bucket === null || bucket.key !== key) {
      bucket = this.buckets.get(key) ?? this.open(key);
      this.last = bucket;
    }
    entry.slot = bucket.entries.length;
    bucket.entries.push(entry);
    bucket.live++;
    this.count++;
    return key;
  }

  /** Take `entry` out if it is registered; a no-op otherwise. */
  remove(entry: TimerEntry): void {
    const slot = entry.slot;
    if (slot < 0) return;
    const key = keyOf(entry);
    const bucket = this.buckets.get(key);
    if (bucket === undefined || bucket.entries[slot] !== entry) return;
    bucket.entries[slot] = null;
    entry.slot = -1;
    this.count--;
    if (--bucket.live === 0) this.close(bucket);
    else bucket.compactIfSparse();
  }

  /** Wake every entry due at `now` (invariant 3). */
  fireDue(now: number): void {
    const keys = this.keys;
    while (keys.peekTime() <= now) {
      const key = keys.pop();
      const bucket = this.buckets.get(key);
      if (bucket === undefined) {
        this.stale--;
        continue;
      }
      this.walk(bucket);
    }
  }

  /**
   * Wake a due bucket's entries in registration order (invariant 3). A wake that
   * throws stops the walk and the throw goes on to the caller, but the entries after
   * it are not lost: the bucket's key goes back, so the next call wakes them.
   */
  private walk(bucket: Bucket): void {
    const entries = bucket.entries;
    bucket.firing = true;
    let walked = false;
    try {
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if (entry === null || entry === undefined) continue;
        entries[i] = null;
        entry.slot = -1;
        this.count--;
        bucket.live--;
        entry.waker?.wake();
      }
      walked = true;
    } finally {
      bucket.firing = false;
      if (walked || bucket.live === 0) {
        this.buckets.delete(bucket.key);
        if (this.last === bucket) this.last = null;
      } else {
        this.keys.push(bucket.key, bucket.key);
      }
    }
  }

  private open(key: number): Bucket {
    const bucket = new Bucket(key);
    this.buckets.set(key, bucket);
    this.keys.push(key, key);
    return bucket;
  }

  private close(bucket: Bucket): void {
    if (bucket.firing) return; // its key is popped already; fireDue drops it when the walk ends
    this.buckets.delete(bucket.key);
    if (this.last === bucket) this.last = null;
    if (++this.stale > 64 && this.stale > this.buckets.size) this.sweep();
  }

  /** Rebuild `keys` from the live buckets (invariant 2). */
  private sweep(): void {
    const keys = new EventHeap();
    for (const key of this.buckets.keys()) keys.push(key, key);
    this.keys = keys;
    this.stale = 0;
  }
}
