/**
 * The timer structure: a binary min-heap of timer entries ordered by
 * (deadline, insertion order).
 *
 * Invariant: `entry.slot` is the entry's index in `entries` while it is in the
 * heap, and -1 otherwise. Keeping the index in the entry makes `remove` O(log n)
 * — a cancelled `sleep` (a `select` loser, a `timeout` whose future won) leaves at
 * once instead of lingering until its deadline as a tombstone would.
 * Ties break by insertion order, so equal deadlines fire first-registered first:
 * the sim driver's output must not depend on heap shape.
 */
import type { TimerEntry } from "../futures/poll.js";

export class TimerHeap {
  private readonly entries: TimerEntry[] = [];
  private readonly order: number[] = [];
  private nextOrder = 0;

  get size(): number {
    return this.entries.length;
  }

  peek(): TimerEntry | undefined {
    return this.entries[0];
  }

  push(entry: TimerEntry): void {
    const i = this.entries.length;
    this.entries.push(entry);
    this.order.push(this.nextOrder++);
    entry.slot = i;
    this.up(i);
  }

  /** Remove and return the earliest entry (its slot becomes -1). */
  pop(): TimerEntry | undefined {
    const top = this.entries[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  remove(entry: TimerEntry): void {
    const i = entry.slot;
    if (i < 0 || this.entries[i] !== entry) return;
    this.removeAt(i);
  }

  private removeAt(i: number): void {
    const entries = this.entries;
    const removed = entries[i]!;
    const last = entries.length - 1;
    if (i !== last) {
      this.move(last, i);
      entries.pop();
      this.order.pop();
      this.down(i);
      this.up(i);
    } else {
      entries.pop();
      this.order.pop();
    }
    removed.slot = -1;
  }

  private less(a: number, b: number): boolean {
    const da = this.entries[a]!.deadline;
    const db = this.entries[b]!.deadline;
    return da < db || (da === db && this.order[a]! < this.order[b]!);
  }

  private move(from: number, to: number): void {
    const e = this.entries[from]!;
    this.entries[to] = e;
    this.order[to] = this.order[from]!;
    e.slot = to;
  }

  private swap(a: number, b: number): void {
    const ea = this.entries[a]!;
    const oa = this.order[a]!;
    this.move(b, a);
    this.entries[b] = ea;
    this.order[b] = oa;
    ea.slot = b;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.entries.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const child = r < n && this.less(r, l) ? r : l;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
