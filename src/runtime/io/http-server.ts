/**
 * A small HTTP/1.1 server on the runtime's I/O futures: an accept loop that spawns
 * one task per connection (the book's production pattern for mio, L3090-3106).
 *
 * Per connection (one generator coroutine, `serveConnection`):
 *   1. read a head (`MessageReader`); a clean close here ends the connection;
 *   2. answer `Expect`: `100-continue` gets `100 Continue` before the body is read
 *      (the client is waiting for it), anything else a 417 (RFC 9110 §10.1.1);
 *   3. read the body its framing describes (Content-Length or chunked);
 *   4. call the handler (its answer may be a value or a future);
 *   5. write the response in one buffer (one `socket.write` when the socket has room);
 *      loop if keep-alive, else half-close.
 * A malformed request gets its 400 (or 413 / 417 / 431 / 505) with
 * `Connection: close`, and the connection ends; a request that runs out of time
 * (headers or request timeout) gets a 408 the same way, an idle keep-alive connection
 * is closed quietly (see `http-deadline.ts`); a client that disconnects mid-request
 * just ends its task; a handler that throws gets a 500. None of them reach the accept
 * loop, so the server keeps serving. An error reply is written under a short grace
 * period: a client that does not read cannot hold the connection open through it.
 *
 * Invariant for `close()`: the listener is closed, then every live connection's task
 * is cancelled and its socket destroyed — a task waiting on its handler too (the
 * handler's future is cancelled with it: its answer could no longer be sent, and its
 * timers must not keep the process alive). So once `close()` has run no socket,
 * task or handle of this server is left.
 */
import { awaitable } from "../../futures/base-future.js";
import { co, type Co } from "../../futures/generator-future.js";
import { isFuture, type Future } from "../../futures/poll.js";
import { timeout } from "../../futures/select.js";
import { MAX_HTTP_BODY, MAX_HTTP_HEAD } from "../config.js";
import { spawnerHere } from "../current.js";
import type { JoinHandle } from "../task.js";
import { HttpTimeout, NODE_TIMEOUTS, ReadDeadline, type ReadTimeouts } from "./http-deadline.js";
import {
  HttpParseError,
  responseCloses,
  serializeResponse,
  type HttpRequest,
  type HttpResponse,
} from "./http-message.js";
import { IncompleteMessage, MessageReader, type MessageLimits } from "./http-reader.js";
import type { Listener } from "./listener.js";
import type { PollStream } from "./stream.js";

export type HttpHandler = (request: HttpRequest) => HttpResponse | Future<HttpResponse>;

/**
 * Server options. Timeouts are in ms, default to Node's (`keepAliveTimeout` 5 s,
 * `headersTimeout` 60 s, `requestTimeout` 300 s); 0 turns one off.
 */
export interface HttpServerOptions extends Partial<ReadTimeouts> {
  /** Largest request head in bytes before a 431 (default 16 KiB, Node's `maxHeaderSize`). */
  maxHeaderSize?: number;
  /** Largest request body in bytes before a 413 (default 8 MiB: this server buffers whole bodies). */
  maxBodySize?: number;
}

/** How long an error reply (400, 408, …) may take to leave before the connection is simply closed. */
const ERROR_REPLY_GRACE_MS = 1_000;

const CONTINUE = Buffer.from("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
const EMPTY_BODY = Buffer.alloc(0);

export interface HttpServerStats {
  connections: number;
  requests: number;
  /** Requests answered 4xx because they could not be parsed. */
  malformed: number;
  /** Connections the client closed in the middle of a request. */
  abandoned: number;
  /** Connections closed by a timeout (408 sent for a pending request; idle ones closed quietly). */
  timedOut: number;
}

export class HttpServer {
  readonly stats: HttpServerStats = { connections: 0, requests: 0, malformed: 0, abandoned: 0, timedOut: 0 };
  /** Open connections and the task serving each. */
  private readonly live = new Map<PollStream, JoinHandle<void>>();
  private acceptLoop: JoinHandle<void> | null = null;
  /** The read timeouts in force (ms; `Infinity` = off). */
  readonly timeouts: Readonly<ReadTimeouts>;
  /** @internal */
  readonly limits: MessageLimits;
  /** @internal The `Keep-Alive` line of every kept-alive response ("" with no idle timeout). */
  readonly keepAliveHint: string;

  private constructor(
    readonly listener: Listener,
    readonly handler: HttpHandler,
    options: HttpServerOptions,
  ) {
    const pick = (ms: number | undefined, fallback: number): number => {
      if (ms === undefined) return fallback;
      if (!(ms >= 0)) throw new RangeError(`an HTTP server timeout must be a number of ms ≥ 0 (0 = off), got ${ms}`);
      return ms === 0 ? Infinity : ms;
    };
    this.timeouts = Object.freeze({
      keepAliveTimeout: pick(options.keepAliveTimeout, NODE_TIMEOUTS.keepAliveTimeout),
      headersTimeout: pick(options.headersTimeout, NODE_TIMEOUTS.headersTimeout),
      requestTimeout: pick(options.requestTimeout, NODE_TIMEOUTS.requestTimeout),
    });
    const idle = this.timeouts.keepAliveTimeout;
    // Whole seconds, rounded down as Node does: the hint must not promise more than we keep.
    this.keepAliveHint = idle === Infinity ? "" : `Keep-Alive: timeout=${Math.floor(idle / 1000)}\r\n`;
    this.limits = { maxHead: options.maxHeaderSize ?? MAX_HTTP_HEAD, maxBody: options.maxBodySize ?? MAX_HTTP_BODY };
  }

  /** Serve `listener` with `handler` on the current runtime. */
  static serve(listener: Listener, handler: HttpHandler, options: HttpServerOptions = {}): HttpServer {
    const server = new HttpServer(listener, handler, options);
    server.acceptLoop = spawnerHere().spawn(co(acceptConnections, server), { name: "http-accept" });
    return server;
  }

  get port(): number {
    return this.listener.port;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.live.size;
  }

  /** Stop accepting and close every open connection. */
  close(): void {
    this.acceptLoop?.cancel();
    this.listener.close();
    for (const [stream, task] of this.live) {
      task.cancel();
      stream.close();
    }
    // A task cancelled before its first poll never reaches its `finally` to untrack itself.
    this.live.clear();
  }

  /** @internal `stream` is served by `task`, or (`null`) closed. */
  track(stream: PollStream, task: JoinHandle<void> | null): void {
    if (task !== null) this.live.set(stream, task);
    else this.live.delete(stream);
  }
}

function* acceptConnections(server: HttpServer): Co<void> {
  const spawner = spawnerHere();
  for (;;) {
    const stream = yield* server.listener.accept();
    server.stats.connections++;
    server.track(stream, spawner.spawn(co(serveConnection, server, stream)));
  }
}

function* serveConnection(server: HttpServer, stream: PollStream): Co<void> {
  const deadline = new ReadDeadline(server.timeouts);
  const reader = new MessageReader(stream, deadline, server.limits);
  try {
    for (;;) {
      const head = yield* reader.readHead(true);
      if (head === null) return;
      const [method, target, version] = head.start;
      const expect = head.headers["expect"];
      // Node ignores Expect in HTTP/1.0 (RFC 9110 §10.1.1: a 1.0 client cannot mean it).
      if (expect !== undefined && version === "1.1") {
        if (expect.toLowerCase() !== "100-continue")
          throw new HttpParseError(417, `unsupported expectation ${JSON.stringify(expect)}`);
        // A body we would refuse gets its 413 instead of an invitation to send it.
        if (head.framing.kind === "length" && head.framing.length > server.limits.maxBody)
          throw new HttpParseError(413, `body larger than ${server.limits.maxBody} bytes`);
        if (head.framing.kind !== "none") yield* stream.writeAll(CONTINUE);
      }
      // Most requests have no body: no reader coroutine for them.
      const body = head.framing.kind === "none" ? EMPTY_BODY : yield* reader.readBody(head.framing);
      deadline.enter("off", false);
      const request: HttpRequest = {
        method,
        target,
        version,
        headers: head.headers,
        body,
        trailers: reader.trailers,
        keepAlive: head.keepAlive,
      };
      server.stats.requests++;
      let bytes: Buffer;
      let keepAlive = request.keepAlive;
      try {
        const answer = server.handler(request);
        const response = isFuture(answer) ? yield* awaitable(answer) : answer;
        keepAlive = keepAlive && !responseCloses(response);
        bytes = serializeResponse(response, keepAlive, method === "HEAD", version === "1.0", server.keepAliveHint);
      } catch (error) {
        const response = {
          status: 500,
          headers: { "Content-Type": "text/plain" },
          body: `internal error: ${error instanceof Error ? error.message : String(error)}\n`,
        };
        bytes = serializeResponse(response, keepAlive, method === "HEAD", version === "1.0", server.keepAliveHint);
      }
      if (!stream.writeNow(bytes)) yield* stream.writeAll(bytes);
      if (!keepAlive) {
        yield* stream.shutdown();
        return;
      }
    }
  } catch (error) {
    if (error instanceof HttpParseError) {
      server.stats.malformed++;
      yield* replyAndClose(stream, error.status, error.message);
    } else if (error instanceof HttpTimeout) {
      server.stats.timedOut++;
      if (error.phase !== "idle") yield* replyAndClose(stream, 408, error.message);
    } else if (error instanceof IncompleteMessage) {
      server.stats.abandoned++;
    } else if (!(error instanceof Error && "code" in error)) {
      // Socket errors (ECONNRESET, EPIPE) end the connection quietly; anything else is a bug.
      throw error;
    }
  } finally {
    deadline.dispose();
    stream.close();
    server.track(stream, null);
  }
}

/** Send a short error reply with `Connection: close`, within the grace period; never throws. */
function* replyAndClose(stream: PollStream, status: number, message: string): Co<void> {
  if (stream.closed) return;
  const reply = serializeResponse({ status, headers: { "Content-Type": "text/plain" }, body: `${message}\n` }, false);
  try {
    yield* timeout(
      co(function* (): Co<void> {
        yield* stream.writeAll(reply);
        yield* stream.shutdown();
      }),
      ERROR_REPLY_GRACE_MS,
    );
  } catch {
    // Timed out or the socket failed: closing is all that is left, and `finally` does it.
  }
}
