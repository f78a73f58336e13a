/**
 * Connecting: a future that resolves to a connected {@link PollStream}.
 *
 * `connect` is mio's `TcpStream::connect` plus waiting for WRITABLE — the way a
 * readiness API reports that a non-blocking connect finished. Host names are
 * resolved by Node (`dns.lookup` on libuv's thread pool): that is the book's
 * `smol::unblock` for DNS, for free. TLS waits for the handshake (`secureConnect`),
 * so the stream it returns carries plaintext.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "../../futures/poll.js";
import { WRITABLE } from "./readiness.js";
import { PollStream } from "./stream.js";

export type ConnectTarget =
  | { host?: string; port: number; tls?: undefined }
  | { path: string; tls?: undefined }
  | { host?: string; port: number; tls: tls.ConnectionOptions };

class ConnectFuture extends BaseFuture<PollStream> {
  private stream: PollStream | null = null;
  private connected = false;
  private done = false;

  constructor(private readonly target: ConnectTarget) {
    super();
  }

  poll(cx: Context): Poll<PollStream> {
    if (this.done) throw new PolledAfterCompletion("connect()");
    if (this.stream === null) this.stream = this.open();
    const stream = this.stream;
    if (stream.error !== null) {
      this.done = true;
      stream.close();
      throw stream.error;
    }
    if (this.connected) {
      this.done = true;
      return stream;
    }
    stream.io.waitFor(WRITABLE, cx.waker);
    return PENDING;
  }

  override cancel(): void {
    if (!this.done) this.stream?.close();
    this.done = true;
  }

  private open(): PollStream {
    const t = this.target;
    let socket: net.Socket;
    let event: string;
    if ("path" in t) {
      socket = net.connect({ path: t.path });
      event = "connect";
    } else if (t.tls !== undefined) {
      socket = tls.connect({
        host: t.host ?? "127.0.0.1",
        port: t.port,
        servername: t.host === undefined || net.isIP(t.host) !== 0 ? undefined : t.host,
        ...t.tls,
      });
      event = "secureConnect";
    } else {
      socket = net.connect({ host: t.host ?? "127.0.0.1", port: t.port });
      event = "connect";
    }
    socket.setNoDelay(true);
    const stream = new PollStream(socket, false);
    socket.once(event, () => {
      this.connected = true;
      stream.io.setReady(WRITABLE);
    });
    return stream;
  }
}

/** Connect over TCP, TLS (`tls` options given) or a Unix-domain socket (`path`). */
export function connect(target: ConnectTarget): BaseFuture<PollStream> {
  return new ConnectFuture(target);
}
