/**
 * The run queue: tasks that are ready to be polled.
 *
 * Invariant: a task is in at most one run queue, at most once — the task's state
 * machine guarantees it (only the IDLE → SCHEDULED transition pushes). The queue
 * itself therefore never checks for duplicates.
 *
 * `RunQueue` is the small interface a driver needs; `RingQueue` is the FIFO used by
 * default — a power-of-two ring buffer, because `Array.prototype.shift` is O(n) once
 * V8 gives up on its fast path and a queue of 10,000 tasks must not pay that.
 */
import { RUN_QUEUE_INITIAL_CAPACITY } from "./config.js";

export interface RunQueue<T> {
  push(item: T): void;
  /** The next item, or `undefined` when empty. */
  pop(): T | undefined;
  readonly size: number;
  /**
   * A driver is about to push and pop a batch (the live driver: at each drain). A
   * hint a queue may use to lay out its memory for the batch (task-queue.ts); most
   * ignore it.
   */
  startBatch?(): void;
}

export class RingQueue<T> implements RunQueue<T> {
  private buffer: (T | undefined)[];
  private mask: number;
  private head = 0;
  private length = 0;

  constructor(capacity = RUN_QUEUE_INITIAL_CAPACITY) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.buffer = new Array(cap).fill(undefined);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.length;
  }

  push(item: T): void {
    if (this.length === this.buffer.length) this.grow();
    this.buffer[(this.head + this.length) & this.mask] = item;
    this.length++;
  }

  /** Push at the front (LIFO slot semantics for policies that want it). */
  pushFront(item: T): void {
    if (this.length === this.buffer.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buffer[this.head] = item;
    this.length++;
  }

  pop(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.buffer[this.head];
    this.buffer[this.head] = undefined; // let the GC have finished tasks
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return item;
  }

  /** Remove from the back (what a thief takes in a deque). */
  popBack(): T | undefined {
    if (this.length === 0) return undefined;
    this.length--;
    const i = (this.head + this.length) & this.mask;
    const item = this.buffer[i];
    this.buffer[i] = undefined;
    return item;
  }

  peek(): T | undefined {
    return this.length === 0 ? undefined : this.buffer[this.head];
  }

  private grow(): void {
    const old = this.buffer;
    const next = new Array(old.length * 2).fill(undefined);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.buffer = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
