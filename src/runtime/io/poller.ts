/**
 * `Poller`: mio's `Poll` — a registry of I/O sources by token, and `poll` to learn
 * which of them are ready.
 *
 * Invariant: an event is reported for a token exactly when its source's readiness
 * (kept by its {@link ScheduledIo}, set from Node's socket events) intersects the
 * registered interest; ERROR is reported whatever the interest, as in mio. Readiness
 * stays set until an operation observes "would block" — so, like mio's edge-to-level
 * bookkeeping, a caller that does not drain a source sees it again on the next poll.
 *
 * Why `poll` cannot block here: mio's `poll(events, timeout)` parks the thread in
 * epoll_wait. On Node the thread *is* the event loop — parking it would stop the very
 * events we wait for. So `pollNow()` is mio's zero-timeout poll (synchronous), and
 * `poll(timeoutMs)` is a *future*: ready with the events once any source is ready, or
 * with `[]` when the timeout passes (read from `cx.timers`, so it runs on virtual time too).
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll, type Waker } from "../../futures/poll.js";
import { Sleep } from "../../futures/sleep.js";
import { ERROR, READABLE, WRITABLE, type Interest, type ScheduledIo } from "./readiness.js";

/** One readiness event: which token, and what it is ready for. */
export interface IoEvent {
  token: number;
  readable: boolean;
  writable: boolean;
  error: boolean;
}

/** Anything with readiness: a `PollStream`, a `Listener`. */
export interface Source {
  readonly io: ScheduledIo;
}

interface Registration {
  source: Source;
  interest: Interest;
}

export class Poller {
  private readonly registrations = new Map<number, Registration>();
  private waker: Waker | null = null;
  private readonly notify = (): void => {
    const w = this.waker;
    if (w !== null) {
      this.waker = null;
      w.wake();
    }
  };

  /** Watch `source` under `token` for `interest` (READABLE | WRITABLE). */
  register(source: Source, token: number, interest: Interest): void {
    if (this.registrations.has(token)) throw new Error(`token ${token} is already registered`);
    this.registrations.set(token, { source, interest });
    source.io.onChange = this.notify;
  }

  /** Change the interest of a registered token. */
  reregister(token: number, interest: Interest): void {
    const r = this.registrations.get(token);
    if (r === undefined) throw new Error(`token ${token} is not registered`);
    r.interest = interest;
  }

  deregister(token: number): void {
    const r = this.registrations.get(token);
    if (r === undefined) return;
    this.registrations.delete(token);
    if (r.source.io.onChange === this.notify) r.source.io.onChange = null;
  }

  /** The events ready right now (mio's `poll` with a zero timeout). */
  pollNow(): IoEvent[] {
    const events: IoEvent[] = [];
    for (const [token, { source, interest }] of this.registrations) {
      const ready = source.io.readiness & (interest | ERROR);
      if (ready !== 0)
        events.push({
          token,
          readable: (ready & READABLE) !== 0,
          writable: (ready & WRITABLE) !== 0,
          error: (ready & ERROR) !== 0,
        });
    }
    return events;
  }

  /** Ready with the events once any source is ready, or `[]` after `timeoutMs` (omit: no timeout). */
  poll(timeoutMs?: number): BaseFuture<IoEvent[]> {
    return new PollEvents(this, timeoutMs);
  }

  /** @internal PollEvents */
  park(waker: Waker | null): void {
    this.waker = waker;
  }
}

class PollEvents extends BaseFuture<IoEvent[]> {
  private readonly timer: Sleep | null;
  private done = false;
  constructor(
    private readonly poller: Poller,
    timeoutMs: number | undefined,
  ) {
    super();
    this.timer = timeoutMs === undefined ? null : new Sleep(timeoutMs);
  }
  poll(cx: Context): Poll<IoEvent[]> {
    if (this.done) throw new PolledAfterCompletion("Poller.poll()");
    const events = this.poller.pollNow();
    if (events.length > 0 || (this.timer !== null && this.timer.poll(cx) !== PENDING)) {
      this.done = true;
      this.timer?.cancel();
      this.poller.park(null);
      return events;
    }
    this.poller.park(cx.waker);
    return PENDING;
  }
  override cancel(): void {
    this.done = true;
    this.timer?.cancel();
    this.poller.park(null);
  }
}
