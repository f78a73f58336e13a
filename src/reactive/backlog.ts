/**
 * `Backlog<T>`: one subscriber's FIFO of undelivered events — a growable ring buffer.
 *
 * Invariant: `mask + 1` (the capacity of `items`) is a power of two and `length <= mask + 1`;
 * the events are `items[(head + i) & mask]` for i < length, oldest first. Slots outside
 * that range hold `undefined`, so a taken event is not kept alive by the ring.
 * Why a ring and not `Array#shift`: shift is O(n) once V8 leaves its fast path, and a
 * slow consumer's backlog is exactly the case that grows.
 */
const INITIAL_CAPACITY = 16;

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

  /** Oldest event, or undefined when empty. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const i = this.head;
    const item = this.items[i];
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
