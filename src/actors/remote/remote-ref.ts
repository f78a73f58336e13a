/**
 * A remote address: `tell` / `ask` to a service on the other side of a peer — the
 * same `Recipient<M, R>` a local `ActorRef` is, so code written against `Recipient`
 * works with either (location transparency).
 *
 * Invariants:
 * 1. `tell` encodes and queues the frame at once (or throws: `ConnectionClosed`, a
 *    cborg error for a value CBOR cannot carry, `RemoteError` frame-too-large).
 * 2. An ask is sent at once; its answer settles it once — the reply, a typed
 *    `RemoteError`, `RequestTimeout` (default 60 s, thespis_remote's; counted from
 *    the send, never early, any length: the peer's deadline queue), or
 *    `ConnectionClosed` the moment the connection drops. Like a local ask it can be
 *    awaited by any number of awaiters (waiter list) and gives the same outcome again.
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, type Context, type Poll } from "../../futures/poll.js";
import { WaiterList, type Waiter } from "../../futures/waiter-list.js";
import type { Recipient } from "../actor.js";
import { RequestTimeout } from "../errors.js";
import type { AskDeadlines, Expiring } from "./ask-deadlines.js";
import { RemoteError } from "./remote-errors.js";
import type { Service } from "./service-map.js";
import { decodeAt } from "./wire.js";

/** What a remote ref needs from its peer. */
export interface AskChannel {
  readonly name: string;
  /** Queue a frame carrying `value` (throws if the connection is closed, the value cannot be encoded or the frame is
   * too large). `service` is the id or its int32 twin (`id | 0`): the header holds the same 32 bits. */
  writeValue(service: number, correlation: number, value: unknown, serviceName: string): void;
  /** Register `ask` under a fresh correlation id and send `message`; returns the id. */
  startAsk(service: number, message: unknown, ask: RemoteAsk<unknown>, serviceName: string): number;
  /** The ask gave up: its reply, if it comes, is dropped. */
  forgetAsk(correlation: number): void;
  /** The timeouts of this peer's asks: one timer for all of them (ask-deadlines.ts). */
  readonly deadlines: AskDeadlines;
  readonly askTimeoutMs: number;
}

const WAITING = 0;
const OK = 1;
const FAILED = 2;

type Resolve<R> = (value: R) => void;
type Reject = (error: unknown) => void;

export class RemoteAsk<R> extends BaseFuture<R> implements PromiseLike<R>, Expiring {
  deadline = 0;
  correlation = 0;
  private state = WAITING;
  /** Its only awaiter cancelled it: it no longer waits (its deadline entry is dropped, not expired). */
  private withdrawn = false;
  private outcome: unknown = undefined;
  /** Made at the first poll: an ask that is only `await`ed never needs them. */
  private waiters: WaiterList | null = null;
  private keys: Waiter[] | null = null;
  private promise: Promise<R> | null = null;
  /** The `then` path: the promise's settle functions (two fields, not an object: one allocation less per ask). */
  private resolve: Resolve<R> | null = null;
  private reject: Reject | null = null;

  constructor(
    private readonly channel: AskChannel,
    private readonly service: string,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  /** Expiring: still waiting for its answer. */
  get waiting(): boolean {
    return this.state === WAITING && !this.withdrawn;
  }

  /** @internal the reply's payload arrived: `bytes[at, end)`. */
  settleOk(bytes: Uint8Array, at: number, end: number): void {
    let value: unknown;
    try {
      value = decodeAt(bytes, at, end);
    } catch (error) {
      this.settle(
        FAILED,
        new RemoteError("decode", `reply could not be decoded: ${(error as Error).message}`, this.service),
      );
      return;
    }
    this.settle(OK, value);
  }

  /** @internal the ask failed (remote error, connection closed). */
  settleError(error: unknown): void {
    this.settle(FAILED, error);
  }

  /** Its timeout (the peer's deadline queue, armed when the ask was sent) is the same polled or awaited. */
  poll(cx: Context): Poll<R> {
    if (this.state === OK) return this.outcome as R;
    if (this.state === FAILED) throw this.outcome;
    const waker = cx.waker;
    const keys = (this.keys ??= []);
    for (const k of keys) if (k.waiting && k.waker === waker) return PENDING;
    keys.push((this.waiters ??= new WaiterList()).register(null, waker));
    return PENDING;
  }

  /** Expiring: the deadline passed. */
  expire(): void {
    if (this.state !== WAITING) return;
    this.channel.forgetAsk(this.correlation);
    this.settle(FAILED, new RequestTimeout(`${this.service}@${this.channel.name}`, this.timeoutMs));
  }

  /** The only awaiter gave up: the reply, if it comes, is dropped. With several awaiters the ask stays (see ask.ts). */
  override cancel(): void {
    const keys = this.keys;
    if (this.state !== WAITING || (keys !== null && keys.length > 1) || this.resolve !== null) return;
    this.channel.forgetAsk(this.correlation);
    this.withdrawn = true;
    this.channel.deadlines.settled(this);
    if (keys !== null) for (const k of keys) this.waiters!.leave(k);
    this.keys = null;
  }

  /**
   * `await ask`: a promise settled straight from `settle` — no task polls it (a task
   * per awaited remote ask was a third of a round trip's cost). Shared by every `then`.
   */
  then<T1 = R, T2 = never>(
    onFulfilled?: ((v: R) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((e: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    let promise = this.promise;
    if (promise === null) {
      promise = this.promise = new Promise<R>((resolve, reject) => {
        if (this.state === OK) return resolve(this.outcome as R);
        if (this.state === FAILED) return reject(this.outcome);
        this.resolve = resolve;
        this.reject = reject;
      });
    }
    return promise.then(onFulfilled, onRejected);
  }

  private settle(state: number, outcome: unknown): void {
    if (this.state !== WAITING) return;
    this.state = state;
    this.outcome = outcome;
    this.channel.deadlines.settled(this);
    this.keys = null;
    this.waiters?.wakeAll();
    if (state === OK) this.resolve?.(outcome as R);
    else this.reject?.(outcome);
    this.resolve = this.reject = null;
  }
}

/** A future that is ready at once (a remote `send`: the frame is queued when it is made). */
class Queued extends BaseFuture<void> implements PromiseLike<void> {
  constructor(private readonly error: unknown) {
    super();
  }
  poll(): Poll<void> {
    if (this.error !== undefined) throw this.error;
    return undefined;
  }
  then<T1 = void, T2 = never>(
    onFulfilled?: ((v: void) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((e: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return (this.error === undefined ? Promise.resolve() : Promise.reject(this.error)).then(onFulfilled, onRejected);
  }
}

export class RemoteRef<M, R = unknown> implements Recipient<M, R> {
  readonly name: string;
  /**
   * The service id as the int32 with the same 32 bits (`id | 0`): the header's
   * `setUint32` writes the same four bytes. Why: an id is a u32, mostly past 2^31, so
   * not a small integer — passed into a call V8 did not inline, it is boxed in a fresh
   * heap number, one per tell. Whether V8 inlines that call varies from run to run:
   * measured on thread-tell, 3 runs in 8 collected the sending thread's young
   * generation ~125 times a second instead of ~20 (16 bytes per tell); none since.
   */
  private readonly wireId: number;
  constructor(
    private readonly channel: AskChannel,
    readonly service: Service<M, R>,
  ) {
    this.name = `${service.name}@${channel.name}`;
    this.wireId = service.id | 0;
  }

  tell(message: M): void {
    this.channel.writeValue(this.wireId, 0, message, this.service.name);
  }

  tryTell(message: M): boolean {
    try {
      this.tell(message);
      return true;
    } catch {
      return false;
    }
  }

  /** Queued at once (the peer's writer drains it); the future reports a failure to queue. */
  send(message: M): Queued {
    try {
      this.tell(message);
      return new Queued(undefined);
    } catch (error) {
      return new Queued(error);
    }
  }

  ask(message: M, timeoutMs: number = this.channel.askTimeoutMs): RemoteAsk<R> {
    if (!(timeoutMs > 0)) throw new RangeError(`ask timeout must be > 0 ms, got ${timeoutMs}`);
    const ask = new RemoteAsk<R>(this.channel, this.service.name, timeoutMs);
    try {
      ask.correlation = this.channel.startAsk(this.service.id, message, ask as RemoteAsk<unknown>, this.service.name);
      this.channel.deadlines.add(ask, timeoutMs);
    } catch (error) {
      ask.settleError(error);
    }
    return ask;
  }
}
