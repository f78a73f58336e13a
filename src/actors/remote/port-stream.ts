/**
 * A `MessagePort` as a byte stream (`AsyncRead + AsyncWrite`), so a peer can join two
 * actor systems on two threads with the same framing as over a socket.
 *
 * Invariants: each `postMessage` carries one chunk of bytes (a copy: the sender may
 * reuse its buffer); chunks arrive in order (a port is FIFO) and are read like socket
 * data — a frame may span chunks or share one. A `close()` on either side is end of
 * stream on the other (the port's `close` event). With `unref` an open port does not
 * by itself keep its thread alive (a thread actor's owner side uses that; the worker
 * side must keep it, or its event loop would end at once).
 */
import type { MessagePort } from "node:worker_threads";
import { PENDING, type Context, type Poll, type Waker } from "../../futures/poll.js";
import type { AsyncRead, AsyncWrite } from "../../runtime/io/async-io.js";

export class PortStream implements AsyncRead, AsyncWrite {
  private chunks: Buffer[] = [];
  private eof = false;
  private reader: Waker | null = null;
  private closedHere = false;

  constructor(
    readonly port: MessagePort,
    /** Let the process (or thread) exit while this port is open — for an owner that does not need it to stay up. */
    unref = false,
  ) {
    port.on("message", (data: Uint8Array) => {
      this.chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      this.wakeReader();
    });
    port.on("close", () => {
      this.eof = true;
      this.wakeReader();
    });
    if (unref) port.unref();
  }

  pollRead(cx: Context, max = Infinity): Poll<Buffer | null> {
    const first = this.chunks[0];
    if (first !== undefined) {
      if (first.length <= max) return this.chunks.shift()!;
      this.chunks[0] = first.subarray(max);
      return first.subarray(0, max);
    }
    if (this.eof || this.closedHere) return null;
    this.reader = cx.waker;
    return PENDING;
  }

  unread(bytes: Buffer): void {
    if (bytes.length > 0) this.chunks.unshift(bytes);
  }

  pollWrite(_cx: Context, bytes: Buffer): Poll<number> {
    if (this.eof || this.closedHere) throw new Error("write on a closed port");
    this.port.postMessage(new Uint8Array(bytes));
    return bytes.length;
  }

  pollShutdown(): Poll<void> {
    this.close();
    return undefined;
  }

  forgetWaker(direction: "read" | "write"): void {
    if (direction === "read") this.reader = null;
  }

  close(): void {
    if (this.closedHere) return;
    this.closedHere = true;
    this.port.close();
  }

  get closed(): boolean {
    return this.closedHere || this.eof;
  }

  private wakeReader(): void {
    const reader = this.reader;
    this.reader = null;
    reader?.wake();
  }
}
