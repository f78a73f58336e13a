/**
 * `Backlog<T>`: one subscriber's FIFO of undelivered events — a growable ring buffer.
 *
 * Invariant: `mask + 1` (the capacity of `items`) is a power of two and `length <= mask + 1`;
 * the events are `items[(head + i) & mask]` for i < length, oldest first. Slots outside
 * that range hold `undefined`, so a taken event is not kept alive by the ring.
 * Why a ring and not `Array#shift`: shift is O(n) once V8 leaves its fast path, and a
 * slow consumer's backlog is exactly the case that grows.
 * Why `shift` answers {@link NO_EVENT} and not `undefined` when empty: `undefined` is
 * an event like any other (`bus.send(undefined)`), and an "empty" that looks like an
 * event would make a consumer drop it or stop early.
 */
const INITIAL_CAPACITY = 16;

/** What {@link Backlog.shift} returns when there is no event (never a value a sender can send). */
export const NO_EVENT: unique symbol = Symbol("no event");
export type NoEvent = typeof NO_EVENT;

export class Backlog<T> {
  private items: (T | undefined)[] = new Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  private head = 0;
  length = 0;

  push(item: T): void {
    if (this.length > this.mask) this.grow();
    this.items[(this.head + this.length) & this.mask] = item;
    this.length++;
  }

  /** Oldest event, or {@link NO_EVENT} when empty. */
  shift(): T | NoEvent {
    if (this.length === 0) return NO_EVENT;
    const i = this.head;
    const item = this.items[i] as T;
    this.items[i] = undefined;
    this.head = (i + 1) & this.mask;
    this.length--;
    return item;
  }

  /** Oldest first, without taking them. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.items[(this.head + i) & this.mask] as T);
    return out;
  }

  clear(): void {
    this.items = new Array(INITIAL_CAPACITY);
    this.mask = INITIAL_CAPACITY - 1;
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const old = this.items;
    const n = old.length;
    const next: (T | undefined)[] = new Array(n * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.mask = n * 2 - 1;
    this.head = 0;
  }
}
