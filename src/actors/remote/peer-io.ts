/**
 * The two tasks of a peer: the reader (bytes → frames → dispatch) and the writer
 * (queued frames → bytes). Each is a future spawned on the peer's runtime and polls
 * the stream's `pollRead` / `pollWrite` — readiness-based I/O on the project's reactor,
 * not stream events.
 *
 * Invariants:
 * 1. Backpressure in: while `inFlight` incoming asks reach the cap, the reader does
 *    not dispatch and does not read: bytes stay in the socket, the kernel buffers
 *    fill, TCP slows the sender. The end of an incoming ask wakes the reader.
 * 2. A bad frame (length over the limit, under the header) is a `FrameError`: the
 *    peer reports it and closes; nothing of the announced size is allocated.
 * 3. The writer writes whatever frames were queued since its last turn as one write
 *    (the frame writer encodes them into one batch buffer, frame-writer.ts): a burst
 *    of small tells costs a few syscalls, not one per frame, and no copy to join them.
 * 4. Both end when the peer is closed (their poll returns).
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, type Context, type Poll, type Waker } from "../../futures/poll.js";
import type { AsyncRead, AsyncWrite } from "../../runtime/io/async-io.js";
import type { FrameReader } from "./wire.js";

/** What the reader needs from its peer. */
export interface ReaderHost {
  readonly open: boolean;
  readonly frames: FrameReader;
  /** Incoming asks being handled now, and the cap. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /**
   * Dispatch the complete frames buffered in `frames`, until none is left, the
   * in-flight cap is reached or the peer closed; throws on a bad frame (FrameError).
   */
  dispatchBuffered(): void;
  /** The stream ended (null) or failed, or a frame was bad. */
  ended(reason: "eof" | "error", error?: unknown): void;
  readerWaker: Waker | null;
}

export class PeerReader extends BaseFuture<void> {
  constructor(
    private readonly host: ReaderHost,
    private readonly stream: AsyncRead,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    const host = this.host;
    for (;;) {
      if (!host.open) return undefined;
      // Dispatch what is buffered, as far as the in-flight cap allows.
      try {
        host.dispatchBuffered();
      } catch (error) {
        host.ended("error", error);
        return undefined;
      }
      if (!host.open) return undefined;
      if (host.inFlight >= host.maxInFlight) {
        host.readerWaker = cx.waker; // an incoming ask's end wakes us; the socket is not read meanwhile
        return PENDING;
      }
      let chunk: Buffer | null | typeof PENDING;
      try {
        chunk = this.stream.pollRead(cx);
      } catch (error) {
        host.ended("error", error);
        return undefined;
      }
      if (chunk === PENDING) {
        host.readerWaker = cx.waker;
        return PENDING;
      }
      if (chunk === null) {
        host.ended("eof");
        return undefined;
      }
      host.frames.push(chunk);
    }
  }
}

/** What the writer needs from its peer. */
export interface WriterHost {
  readonly open: boolean;
  /** The next bytes to write (frames queued since the last take), or null. */
  takeOutgoing(): Buffer | null;
  writerWaker: Waker | null;
  ended(reason: "error", error: unknown): void;
}

export class PeerWriter extends BaseFuture<void> {
  private current: Buffer | null = null;

  constructor(
    private readonly host: WriterHost,
    private readonly stream: AsyncWrite,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    const host = this.host;
    for (;;) {
      if (!host.open) return undefined;
      let bytes = this.current;
      if (bytes === null) {
        bytes = host.takeOutgoing();
        if (bytes === null) {
          host.writerWaker = cx.waker;
          return PENDING;
        }
      }
      let n: number | typeof PENDING;
      try {
        n = this.stream.pollWrite(cx, bytes);
      } catch (error) {
        host.ended("error", error);
        return undefined;
      }
      if (n === PENDING) {
        this.current = bytes;
        return PENDING;
      }
      this.current = n === bytes.length ? null : bytes.subarray(n);
    }
  }
}
