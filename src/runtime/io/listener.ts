/**
 * `Listener`: a listening socket whose `accept()` is a future — mio's `TcpListener`
 * with Tokio's `accept().await` on top.
 *
 * Invariant: Node's `connection` event (for TLS: `secureConnection`, after the
 * handshake) queues the socket and sets READABLE; `accept` takes from the queue, and
 * on an empty queue clears READABLE and parks its waker — so an accept loop costs
 * nothing between connections. `close()` stops listening and destroys every socket
 * still queued (nobody will ever accept it), so closing leaks nothing.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "../../futures/poll.js";
import { ERROR, READABLE, ScheduledIo } from "./readiness.js";
import { PollStream } from "./stream.js";

export type BindTarget =
  | { host?: string; port: number; tls?: undefined }
  | { path: string; tls?: undefined }
  | { host?: string; port: number; tls: tls.TlsOptions };

export class Listener {
  readonly io = new ScheduledIo();
  private readonly queue: net.Socket[] = [];
  private failure: Error | null = null;
  private closedFlag = false;

  private constructor(
    readonly server: net.Server,
    readonly secure: boolean,
  ) {
    server.on(secure ? "secureConnection" : "connection", (socket: net.Socket) => {
      if (this.closedFlag) {
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      this.queue.push(socket);
      this.io.setReady(READABLE);
    });
    // A failed TLS handshake is the client's problem, not the listener's.
    if (secure) server.on("tlsClientError", (_e, socket) => socket.destroy());
    server.on("error", (error) => {
      this.failure = error;
      this.io.setReady(ERROR);
    });
  }

  /** Start listening; resolves once bound (port 0 → an ephemeral port, see `port`). */
  static bind(target: BindTarget): BaseFuture<Listener> {
    return new BindFuture(target);
  }

  /** The bound TCP port (0 for a Unix-domain socket). */
  get port(): number {
    const a = this.server.address();
    return typeof a === "object" && a !== null ? a.port : 0;
  }

  /** Next incoming connection. */
  accept(): AcceptFuture {
    return new AcceptFuture(this);
  }

  /** Non-blocking accept for mio-style code: a stream, or `"wouldBlock"`. */
  tryAccept(): PollStream | "wouldBlock" {
    const socket = this.take();
    if (socket !== undefined) return new PollStream(socket);
    return "wouldBlock";
  }

  /** @internal AcceptFuture */
  pollAccept(cx: Context): Poll<PollStream> {
    if (this.failure !== null) throw this.failure;
    if (this.closedFlag) throw new Error("accept on a closed listener");
    const socket = this.take();
    if (socket !== undefined) return new PollStream(socket);
    this.io.waitFor(READABLE, cx.waker);
    return PENDING;
  }

  /** Next queued socket; READABLE stays set exactly while the queue is non-empty. */
  private take(): net.Socket | undefined {
    const socket = this.queue.shift();
    if (this.queue.length === 0) this.io.clearReady(READABLE);
    return socket;
  }

  /** Stop listening; destroys connections not yet accepted and wakes a pending accept (it then throws). */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const s of this.queue) s.destroy();
    this.queue.length = 0;
    this.server.close();
    this.io.setReady(ERROR);
  }

  get closed(): boolean {
    return this.closedFlag;
  }
}

export class AcceptFuture extends BaseFuture<PollStream> {
  private done = false;
  constructor(private readonly listener: Listener) {
    super();
  }
  poll(cx: Context): Poll<PollStream> {
    if (this.done) throw new PolledAfterCompletion("accept()");
    const r = this.listener.pollAccept(cx);
    if (r !== PENDING) this.done = true;
    return r;
  }
  override cancel(): void {
    if (!this.done) this.listener.io.forget(READABLE);
    this.done = true;
  }
}

class BindFuture extends BaseFuture<Listener> {
  private listener: Listener | null = null;
  private listening = false;
  private failure: Error | null = null;
  private done = false;
  constructor(private readonly target: BindTarget) {
    super();
  }
  poll(cx: Context): Poll<Listener> {
    if (this.done) throw new PolledAfterCompletion("Listener.bind()");
    if (this.listener === null) {
      const t = this.target;
      const secure = !("path" in t) && t.tls !== undefined;
      const server = secure ? tls.createServer((t as { tls: tls.TlsOptions }).tls) : net.createServer();
      const listener = new (Listener as unknown as new (s: net.Server, secure: boolean) => Listener)(server, secure);
      this.listener = listener;
      const waker = () => listener.io.setReady(READABLE);
      server.once("listening", () => {
        this.listening = true;
        waker();
      });
      server.once("error", (e) => {
        this.failure = e;
      });
      if ("path" in t) server.listen(t.path);
      else server.listen(t.port, t.host ?? "127.0.0.1");
    }
    if (this.failure !== null) {
      this.done = true;
      throw this.failure;
    }
    if (this.listening) {
      this.done = true;
      this.listener.io.clearReady(READABLE);
      return this.listener;
    }
    this.listener.io.waitFor(READABLE, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    if (!this.done) this.listener?.close();
    this.done = true;
  }
}
