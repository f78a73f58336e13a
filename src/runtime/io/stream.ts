/**
 * `PollStream`: a Node socket (TCP, TLS or Unix-domain — any `net.Socket`) turned
 * into a readiness-based, poll-style `AsyncRead + AsyncWrite`.
 *
 * Invariants:
 * 1. Reading: Node pushes `data` chunks into `chunks` (this is the kernel buffer mio
 *    would read from); `pollRead` takes from it. An empty buffer is "would block":
 *    READABLE is cleared, the waker parked, and the next `data`/`end`/`error` wakes
 *    it exactly once.
 * 2. Read backpressure: past {@link READ_BUFFER_LIMIT} buffered bytes the socket is
 *    paused (the kernel buffer fills and TCP slows the peer); a read that brings the
 *    buffer under the limit resumes it.
 * 3. Write backpressure: `pollWrite` accepts at most the room left under the write
 *    window (`writeWindow`: the socket's `writableHighWaterMark` unless the owner
 *    sets more) — a *partial write*, like `write(2)` on a full socket buffer. With no
 *    room, WRITABLE is cleared and only `drain` sets it again (it comes: a full window
 *    is at least the high-water mark, so `socket.write` said "wait for drain").
 *    (Rejected: accept everything, as `socket.write` would — memory then grows
 *    without bound under a slow reader and backpressure is a lie.)
 * 4. Closing: `close()` destroys the socket at once; it is idempotent, and every
 *    socket a test opens is closed by it or by the peer's end.
 */
import type { Socket } from "node:net";
import { PENDING, type Context, type Poll } from "../../futures/poll.js";
import { READ_BUFFER_LIMIT } from "../config.js";
import {
  ReadExactFuture,
  ReadFuture,
  ReadToEndFuture,
  ShutdownFuture,
  WriteAllFuture,
  type AsyncRead,
  type AsyncWrite,
} from "./async-io.js";
import { ERROR, READABLE, ScheduledIo, WRITABLE } from "./readiness.js";

export class PollStream implements AsyncRead, AsyncWrite {
  readonly io = new ScheduledIo();
  private chunks: Buffer[] = [];
  /** Bytes in `chunks`. */
  buffered = 0;
  private eof = false;
  private failure: Error | null = null;
  private paused = false;
  private shutdownStarted = false;
  private finished = false;
  /** `data` events seen (tests and the mio lab count them). */
  chunksReceived = 0;
  /** See `writeWindow`. */
  private window: number;

  constructor(
    readonly socket: Socket,
    connected = true,
  ) {
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
    socket.on("drain", this.onDrain);
    socket.on("finish", this.onFinish);
    this.window = socket.writableHighWaterMark;
    if (connected) this.io.readiness = WRITABLE;
  }

  /**
   * The most bytes writes may leave queued in the socket (invariant 3). A writer that
   * batches — a peer's frame writer hands out 64 KiB at a time — widens it to its batch
   * size, so that one batch is one write, not four 16 KiB ones. It is never below the
   * socket's high-water mark: under it, a full window would not make `socket.write`
   * ask for a `drain`, and a writer waiting for one would wait for ever.
   */
  get writeWindow(): number {
    return this.window;
  }
  set writeWindow(bytes: number) {
    this.window = Math.max(bytes, this.socket.writableHighWaterMark);
  }

  /** Readable now: bytes buffered, end of stream, or an error to report. */
  get readable(): boolean {
    return this.buffered > 0 || this.eof || this.failure !== null;
  }

  /** The error this socket failed with, if any. */
  get error(): Error | null {
    return this.failure;
  }

  pollRead(cx: Context, max = Infinity): Poll<Buffer | null> {
    if (this.buffered > 0) return this.take(max);
    if (this.failure !== null) throw this.failure;
    if (this.eof) return null;
    this.io.clearReady(READABLE);
    this.io.waitFor(READABLE, cx.waker);
    return PENDING;
  }

  /** Non-blocking read for mio-style code: bytes, `null` at EOF, or `"wouldBlock"`. */
  tryRead(max = Infinity): Buffer | null | "wouldBlock" {
    if (this.buffered > 0) return this.take(max);
    if (this.failure !== null) throw this.failure;
    if (this.eof) return null;
    this.io.clearReady(READABLE);
    return "wouldBlock";
  }

  unread(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.unshift(bytes);
    this.buffered += bytes.length;
  }

  pollWrite(cx: Context, bytes: Buffer): Poll<number> {
    if (this.failure !== null) throw this.failure;
    const socket = this.socket;
    if (this.shutdownStarted || socket.destroyed) throw new Error("write on a closed stream");
    if (bytes.length === 0) return 0;
    const room = this.window - socket.writableLength;
    if (room <= 0) {
      this.io.clearReady(WRITABLE);
      this.io.waitFor(WRITABLE, cx.waker);
      return PENDING;
    }
    const n = bytes.length <= room ? bytes.length : room;
    socket.write(n === bytes.length ? bytes : bytes.subarray(0, n));
    return n;
  }

  /**
   * Write all of `bytes` at once if the socket's buffer has room for them (the usual
   * case for a response): one `socket.write`, no future, no partial write. `false`
   * (nothing written) when there is no room or the stream cannot take writes —
   * then `writeAll` does the waiting and reports the error, so invariant 3 holds.
   */
  writeNow(bytes: Buffer): boolean {
    const socket = this.socket;
    if (this.failure !== null || this.shutdownStarted || socket.destroyed) return false;
    if (bytes.length > this.window - socket.writableLength) return false;
    if (bytes.length > 0) socket.write(bytes);
    return true;
  }

  pollShutdown(cx: Context): Poll<void> {
    if (this.finished) return undefined;
    if (this.failure !== null) throw this.failure;
    if (!this.shutdownStarted) {
      this.shutdownStarted = true;
      this.socket.end();
    }
    if (this.finished) return undefined;
    this.io.waitFor(WRITABLE, cx.waker);
    return PENDING;
  }

  forgetWaker(direction: "read" | "write"): void {
    this.io.forget(direction === "read" ? READABLE : WRITABLE);
  }

  /** Whatever is buffered (up to `max` bytes), `null` at end of stream. */
  read(max = Infinity): ReadFuture {
    return new ReadFuture(this, max);
  }
  readExact(n: number): ReadExactFuture {
    return new ReadExactFuture(this, n);
  }
  readToEnd(): ReadToEndFuture {
    return new ReadToEndFuture(this);
  }
  writeAll(bytes: Buffer | string): WriteAllFuture {
    return new WriteAllFuture(this, typeof bytes === "string" ? Buffer.from(bytes) : bytes);
  }
  /** Half-close: flush, then send FIN (Rust's `shutdown(Write)`). */
  shutdown(): ShutdownFuture {
    return new ShutdownFuture(this);
  }

  /** Close both directions now. Idempotent. */
  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  private take(max: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length <= max) {
      this.chunks.shift();
      out = first;
    } else {
      out = first.subarray(0, max);
      this.chunks[0] = first.subarray(max);
    }
    this.buffered -= out.length;
    if (this.buffered === 0 && !this.eof && this.failure === null) this.io.clearReady(READABLE);
    if (this.paused && this.buffered < READ_BUFFER_LIMIT) {
      this.paused = false;
      this.socket.resume();
    }
    return out;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.chunksReceived++;
    if (this.buffered >= READ_BUFFER_LIMIT && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.io.setReady(READABLE);
  };
  private readonly onEnd = (): void => {
    this.eof = true;
    this.io.setReady(READABLE);
  };
  private readonly onError = (error: Error): void => {
    this.failure = error;
    this.io.setReady(ERROR);
  };
  private readonly onClose = (): void => {
    // A peer reset without 'end' still has to unblock a reader.
    if (!this.eof && this.failure === null) this.eof = true;
    this.io.setReady(ERROR | READABLE);
  };
  private readonly onDrain = (): void => {
    this.io.setReady(WRITABLE);
  };
  private readonly onFinish = (): void => {
    this.finished = true;
    this.io.setReady(WRITABLE);
  };
}
