/**
 * `ReadDeadline`: the server's three read timeouts (Node's `keepAliveTimeout`,
 * `headersTimeout`, `requestTimeout`) as one lazily re-armed timer per connection.
 *
 * The phases, as a connection's reader moves through them:
 *   idle     between messages (after a response, before the next byte): closes
 *            quietly, as Node's keep-alive timeout does — no request is pending.
 *   headers  from the message's start (the first byte, or the connection's start for
 *            the first message) until the head is parsed: `min(headers, request)`.
 *   body     from the same start until the body is read: `request`.
 *   off      while the handler runs and the response is written (Node has no
 *            default timeout there either; backpressure is the client's business).
 * A phase's clock starts (`start`) at its first read that would block, read from the
 * runtime's own clock (`cx.timers`), so the same code times out in virtual time
 * under the sim driver.
 *
 * Invariant: at most one timer entry per connection is in the runtime's heap, and
 * its deadline is never later than the current phase's deadline. Moving a deadline
 * later (every keep-alive request does) costs nothing: the armed entry fires early,
 * `check` sees the phase has not expired and re-arms for the real deadline. Moving it
 * earlier re-arms at once. (Rejected: a `timeout()` around every read — a timer
 * insert and remove per request on the hot path, which `lab bench io` measures.)
 */
import type { Context, TimerEntry, Timers, Waker } from "../../futures/poll.js";

export type ReadPhase = "idle" | "headers" | "body" | "off";

/** A read phase ran out of time. `phase` says whether a 408 is owed (headers, body) or not (idle). */
export class HttpTimeout extends Error {
  constructor(
    readonly phase: Exclude<ReadPhase, "off">,
    readonly ms: number,
  ) {
    super(`${phase === "idle" ? "keep-alive idle" : phase === "headers" ? "headers" : "request"} timeout (${ms} ms)`);
    this.name = "HttpTimeout";
  }
}

/** Read timeouts in ms (`Infinity` or 0 turns one off). Defaults: Node's. */
export interface ReadTimeouts {
  /** Idle time allowed between requests on a kept-alive connection (Node: 5 s). */
  keepAliveTimeout: number;
  /** Time to receive a whole head, from its first byte (Node: 60 s). */
  headersTimeout: number;
  /** Time to receive a whole request, head and body (Node: 300 s). */
  requestTimeout: number;
}

export const NODE_TIMEOUTS: Readonly<ReadTimeouts> = Object.freeze({
  keepAliveTimeout: 5_000,
  headersTimeout: 60_000,
  requestTimeout: 300_000,
});

const never = (ms: number): number => (ms > 0 ? ms : Infinity);

export class ReadDeadline implements TimerEntry {
  /** The armed entry's deadline (the heap's key; only changed while not in the heap). */
  deadline = 0;
  waker: Waker | null = null;
  slot = -1;
  private timers: Timers | null = null;
  private phase: ReadPhase = "headers";
  /** When the current phase's clock started; NaN until its first blocked read. */
  private start = NaN;
  private readonly idleMs: number;
  private readonly headersMs: number;
  private readonly requestMs: number;

  constructor(timeouts: ReadTimeouts) {
    this.idleMs = never(timeouts.keepAliveTimeout);
    this.requestMs = never(timeouts.requestTimeout);
    this.headersMs = Math.min(never(timeouts.headersTimeout), this.requestMs);
  }

  /** Enter `phase`; `restart` starts a new clock (a new message or idle period), else the message's clock runs on. */
  enter(phase: ReadPhase, restart: boolean): void {
    this.phase = phase;
    if (restart) this.start = NaN;
  }

  get current(): ReadPhase {
    return this.phase;
  }

  /**
   * Called by a read that is about to return PENDING: throws {@link HttpTimeout} if
   * the phase has expired, else makes sure a timer will wake this task in time.
   */
  check(cx: Context): void {
    const limit =
      this.phase === "idle"
        ? this.idleMs
        : this.phase === "headers"
          ? this.headersMs
          : this.phase === "body"
            ? this.requestMs
            : Infinity;
    const timers = cx.timers;
    if (limit === Infinity || timers === undefined) return;
    const now = timers.now();
    if (this.start !== this.start) this.start = now; // NaN: the phase's first blocked read
    const due = this.start + limit;
    if (now >= due) throw new HttpTimeout(this.phase as Exclude<ReadPhase, "off">, limit);
    this.waker = cx.waker;
    this.timers = timers;
    if (this.slot === -1) {
      this.deadline = due;
      timers.register(this);
    } else if (this.deadline > due) {
      timers.cancel(this);
      this.deadline = due;
      timers.register(this);
    }
  }

  /** Leave the heap (the connection is over). */
  dispose(): void {
    if (this.slot !== -1) this.timers?.cancel(this);
    this.waker = null;
  }
}
