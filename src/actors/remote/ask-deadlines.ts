/**
 * The timeouts of a peer's outgoing asks: one queue ordered by deadline and ONE Node
 * timer, armed for the earliest — instead of a timer per ask. A timer per ask was an
 * insert into and a removal from Node's timer lists, a `Timeout` object and a closure
 * per round trip; the asks of one peer mostly share one timeout, so their deadlines
 * arrive in order and the queue is a FIFO: append at the tail, drop at the head.
 *
 * Invariants:
 * 1. Never early: an entry expires only once `performance.now() >= deadline`. Node's
 *    timer can fire a hair before that by our clock (its loop time is cached); then
 *    it is armed again for what is left.
 * 2. Any delay: the timer is armed for at most Node's cap (2^31 − 1 ms; past it Node
 *    fires after 1 ms) and goes round again until the head is due, as `hostTimeout`
 *    does (host-timeout.ts). An infinite timeout is never queued.
 * 3. Settled entries leave lazily: an entry that settled (reply, error, cancel) stays
 *    where it is until it reaches the head, and is dropped there without expiring —
 *    or, once the settled ones behind the head outnumber the rest (past 1,024), all at
 *    once. Without that sweep one ask left hanging for its 60 s would keep every ask
 *    answered after it (tens of thousands a second) alive until its deadline.
 * 4. The timer keeps the process alive only while an entry waits (`ref` / `unref`,
 *    not clear and re-arm per ask): an idle peer holds the event loop no more than a
 *    settled `setTimeout` did.
 */
import { MAX_TIMER_DELAY_MS } from "../../runtime/host-timeout.js";

/** An ask with a deadline (remote-ref.ts). */
export interface Expiring {
  /** `performance.now()` time at which it times out. */
  deadline: number;
  /** Still waiting for its answer (false once settled: it is dropped, not expired). */
  readonly waiting: boolean;
  /** Its deadline passed while it was waiting. */
  expire(): void;
}

/** Settled entries behind the head that may wait for the head before a sweep (invariant 3). */
const SWEEP_AFTER = 1024;

export class AskDeadlines {
  private queue: Expiring[] = [];
  private head = 0;
  private handle: ReturnType<typeof setTimeout> | null = null;
  /** The deadline the timer is armed for (Infinity: not armed). */
  private armedFor = Infinity;
  private refed = false;
  /** Entries that settled behind the head since the last sweep (a trigger, not an exact count). */
  private settledBehind = 0;

  /** Time `entry` out `timeoutMs` from now (never, for Infinity). */
  add(entry: Expiring, timeoutMs: number): void {
    if (timeoutMs === Infinity) return;
    const deadline = performance.now() + timeoutMs;
    entry.deadline = deadline;
    const queue = this.queue;
    const last = queue.length > this.head ? queue[queue.length - 1]! : null;
    if (last === null || last.deadline <= deadline) queue.push(entry);
    else queue.splice(this.insertionPoint(deadline), 0, entry); // a shorter timeout than the asks before it
    if (deadline < this.armedFor) this.arm(deadline);
    else if (!this.refed) this.ref(true);
  }

  /** `entry` settled: if it is at the head, drop it and the settled entries behind it (invariant 3). */
  settled(entry: Expiring): void {
    if (this.queue[this.head] === entry) this.dropSettled();
    else if (++this.settledBehind > SWEEP_AFTER && this.settledBehind * 2 > this.size) this.sweep();
  }

  /** Keep only the entries still waiting (in their order, so still sorted by deadline). */
  private sweep(): void {
    this.queue = this.queue.slice(this.head).filter((e) => e.waiting);
    this.head = 0;
    this.settledBehind = 0;
  }

  /** Forget every entry and the timer (the peer closed; its asks were failed). */
  clear(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    this.armedFor = Infinity;
    this.queue = [];
    this.head = 0;
    this.settledBehind = 0;
  }

  /** Entries still queued (settled ones not yet dropped included). */
  get size(): number {
    return this.queue.length - this.head;
  }

  private dropSettled(): void {
    const queue = this.queue;
    let head = this.head;
    while (head < queue.length && !queue[head]!.waiting) head++;
    if (head === queue.length) {
      this.queue = [];
      this.head = 0;
      if (this.refed) this.ref(false); // nothing waits: the armed timer must not hold the process (invariant 4)
      return;
    }
    // Compact once the dropped prefix is most of the array, so a long-lived peer's array does not grow forever.
    if (head > 1024 && head * 2 > queue.length) {
      this.queue = queue.slice(head);
      head = 0;
    }
    this.head = head;
  }

  private readonly fire = (): void => {
    this.handle = null;
    this.armedFor = Infinity;
    const now = performance.now();
    const queue = this.queue;
    // Expire from the head while due; `expire` settles the entry, which may call `settled` — harmless here.
    while (this.head < queue.length) {
      const entry = queue[this.head]!;
      if (entry.waiting && entry.deadline > now) break;
      this.head++;
      if (entry.waiting) entry.expire();
    }
    this.dropSettled();
    const next = this.queue[this.head];
    if (next !== undefined) this.arm(next.deadline);
  };

  private arm(deadline: number): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.armedFor = deadline;
    // Rounded up: a timer for the rounded-down delay would fire before the deadline (invariant 1).
    const delay = Math.ceil(deadline - performance.now());
    this.handle = setTimeout(this.fire, delay > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : delay > 0 ? delay : 0);
    this.refed = true;
  }

  private ref(on: boolean): void {
    this.refed = on;
    if (this.handle === null) return;
    if (on) this.handle.ref();
    else this.handle.unref();
  }

  /** Where a deadline earlier than the tail's goes: after every entry due no later (binary search). */
  private insertionPoint(deadline: number): number {
    const queue = this.queue;
    let lo = this.head;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (queue[mid]!.deadline <= deadline) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
