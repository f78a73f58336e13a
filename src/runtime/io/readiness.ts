/**
 * `ScheduledIo`: the readiness of one I/O source, and who to wake when it changes —
 * what mio's readiness events and Tokio's `ScheduledIo` are to a Rust socket.
 *
 * Invariant: a bit is set only by the Node event that proves it (`data`/`end` →
 * READABLE, `drain`/`connect` → WRITABLE, `error`/`close` → ERROR) and cleared only by
 * the operation that observed "would block" (a read that found the buffer empty, a
 * write that filled the socket buffer). So a future that saw "would block" and stored
 * its waker here is woken by the very next event that can change the answer — the
 * book's `WouldBlock → Pending` without a lost wake-up.
 *
 * One waker per direction (not one list): a stream has at most one reader and one
 * writer at a time (Rust's `&mut self` on `poll_read`/`poll_write`); a second waiter
 * replaces the first, as in Tokio. Node gives *completion* events, not readiness;
 * this file is where one becomes the other.
 */
import type { Waker } from "../../futures/poll.js";

/** Readiness / interest bits. */
export const READABLE = 1;
export const WRITABLE = 2;
/** Error or hang-up: always reported, whatever the interest (as in mio). */
export const ERROR = 4;

export type Interest = number;

export class ScheduledIo {
  /** Current readiness bits. */
  readiness = 0;
  private readWaker: Waker | null = null;
  private writeWaker: Waker | null = null;
  /** Extra listeners (a `Poller` that has this source registered). */
  onChange: (() => void) | null = null;
  /** How many wakes this source issued (tests count them). */
  wakes = 0;

  /** An event proved `bits` ready: set them and wake whoever waits on them. */
  setReady(bits: number): void {
    this.readiness |= bits;
    if ((bits & (READABLE | ERROR)) !== 0 && this.readWaker !== null) {
      const w = this.readWaker;
      this.readWaker = null;
      this.wakes++;
      w.wake();
    }
    if ((bits & (WRITABLE | ERROR)) !== 0 && this.writeWaker !== null) {
      const w = this.writeWaker;
      this.writeWaker = null;
      this.wakes++;
      w.wake();
    }
    if (this.onChange !== null) this.onChange();
  }

  /** An operation observed "would block": clear the bits until the next event. */
  clearReady(bits: number): void {
    this.readiness &= ~bits;
  }

  /** Park `waker` until `direction` (READABLE or WRITABLE) becomes ready. */
  waitFor(direction: typeof READABLE | typeof WRITABLE, waker: Waker): void {
    if (direction === READABLE) this.readWaker = waker;
    else this.writeWaker = waker;
  }

  /** Forget a parked waker (a cancelled read or write). */
  forget(direction: typeof READABLE | typeof WRITABLE): void {
    if (direction === READABLE) this.readWaker = null;
    else this.writeWaker = null;
  }
}
