/**
 * `AsyncRead` / `AsyncWrite`: the poll-style I/O traits (futures-io / hyper's), and
 * the small futures built on them — `read`, `readExact`, `writeAll`, `shutdown`.
 *
 * The contract is the poll contract's: `pollRead` either returns at once (bytes, or
 * `null` at end of stream) or returns `PENDING` having parked `cx.waker` on the
 * source's readiness. Nothing here ever waits on a promise: a read that would block
 * is `PENDING`, and the socket's next event is the wake.
 *
 * Each future is a {@link BaseFuture}, so inside `co(function*(){ … })` a read is
 * `const chunk = yield* stream.read()`. One reader and one writer at a time per
 * stream (Rust's `&mut self`); `cancel()` unparks the waker.
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "../../futures/poll.js";

export interface AsyncRead {
  /** Up to `max` buffered bytes, `null` at end of stream, or `PENDING` (woken when readable). */
  pollRead(cx: Context, max?: number): Poll<Buffer | null>;
  /** Give bytes back to the front of the read buffer (a parser read too far). */
  unread(bytes: Buffer): void;
}

export interface AsyncWrite {
  /** Accept some prefix of `bytes` (returns how many, ≥ 1), or `PENDING` until writable. */
  pollWrite(cx: Context, bytes: Buffer): Poll<number>;
  /** Ready once everything written has left our buffer (ends the write side). */
  pollShutdown(cx: Context): Poll<void>;
  /** Forget the waker a `pollRead` / `pollWrite` parked (for cancellation). */
  forgetWaker(direction: "read" | "write"): void;
}

export type AsyncReadWrite = AsyncRead & AsyncWrite;

/** One read: whatever is buffered (up to `max`), `null` at end of stream. */
export class ReadFuture extends BaseFuture<Buffer | null> {
  private done = false;
  constructor(
    private readonly source: AsyncRead & Pick<AsyncWrite, "forgetWaker">,
    private readonly max: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<Buffer | null> {
    if (this.done) throw new PolledAfterCompletion("read()");
    const r = this.source.pollRead(cx, this.max);
    if (r !== PENDING) this.done = true;
    return r;
  }
  override cancel(): void {
    if (!this.done) this.source.forgetWaker("read");
    this.done = true;
  }
}

/** Exactly `n` bytes; an early end of stream is an error. */
export class ReadExactFuture extends BaseFuture<Buffer> {
  private readonly parts: Buffer[] = [];
  private got = 0;
  constructor(
    private readonly source: AsyncRead & Pick<AsyncWrite, "forgetWaker">,
    private readonly n: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<Buffer> {
    while (this.got < this.n) {
      const r = this.source.pollRead(cx, this.n - this.got);
      if (r === PENDING) return PENDING;
      if (r === null) throw new Error(`unexpected end of stream: wanted ${this.n} bytes, got ${this.got}`);
      this.parts.push(r);
      this.got += r.length;
    }
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.n);
  }
  override cancel(): void {
    this.source.forgetWaker("read");
  }
}

/** Everything until end of stream. */
export class ReadToEndFuture extends BaseFuture<Buffer> {
  private readonly parts: Buffer[] = [];
  constructor(private readonly source: AsyncRead & Pick<AsyncWrite, "forgetWaker">) {
    super();
  }
  poll(cx: Context): Poll<Buffer> {
    for (;;) {
      const r = this.source.pollRead(cx);
      if (r === PENDING) return PENDING;
      if (r === null) return Buffer.concat(this.parts);
      this.parts.push(r);
    }
  }
  override cancel(): void {
    this.source.forgetWaker("read");
  }
}

/** Write all of `bytes`, however many partial writes it takes (each waits for writability). */
export class WriteAllFuture extends BaseFuture<void> {
  private offset = 0;
  /** How many `pollWrite` calls accepted bytes — more than one means partial writes happened. */
  writes = 0;
  constructor(
    private readonly sink: AsyncWrite,
    private readonly bytes: Buffer,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    const bytes = this.bytes;
    while (this.offset < bytes.length) {
      const n = this.sink.pollWrite(cx, this.offset === 0 ? bytes : bytes.subarray(this.offset));
      if (n === PENDING) return PENDING;
      this.offset += n;
      this.writes++;
    }
    return undefined;
  }
  override cancel(): void {
    this.sink.forgetWaker("write");
  }
}

/** End the write side once buffered bytes are flushed. */
export class ShutdownFuture extends BaseFuture<void> {
  constructor(private readonly sink: AsyncWrite) {
    super();
  }
  poll(cx: Context): Poll<void> {
    return this.sink.pollShutdown(cx);
  }
  override cancel(): void {
    this.sink.forgetWaker("write");
  }
}
