/**
 * A small HTTP/1.1 server on the runtime's I/O futures: an accept loop that spawns
 * one task per connection (the book's production pattern for mio, L3090-3106).
 *
 * Per connection (one generator coroutine, `serveConnection`):
 *   1. read a head (`MessageReader`); a clean close here ends the connection;
 *   2. read the body its framing describes (Content-Length or chunked);
 *   3. call the handler (its answer may be a value or a future);
 *   4. write the response in one buffer; loop if keep-alive, else half-close.
 * A malformed request gets its 400 (or 413 / 431) with `Connection: close`, and the
 * connection ends; a client that disconnects mid-request just ends its task; a
 * handler that throws gets a 500. None of them reach the accept loop, so the server
 * keeps serving.
 *
 * Invariant for `close()`: the listener is closed, then every live connection's
 * socket is destroyed; each connection task then ends (its read throws or returns
 * `null`), so once `close()` has run no socket or handle of this server is left.
 */
import { awaitable } from "../../futures/base-future.js";
import { co, type Co } from "../../futures/generator-future.js";
import { isFuture, type Future } from "../../futures/poll.js";
import { spawnerHere } from "../current.js";
import type { JoinHandle } from "../task.js";
import { HttpParseError, serializeResponse, type HttpRequest, type HttpResponse } from "./http-message.js";
import { IncompleteMessage, MessageReader } from "./http-reader.js";
import type { Listener } from "./listener.js";
import type { PollStream } from "./stream.js";

export type HttpHandler = (request: HttpRequest) => HttpResponse | Future<HttpResponse>;

export interface HttpServerStats {
  connections: number;
  requests: number;
  /** Requests answered 4xx because they could not be parsed. */
  malformed: number;
  /** Connections the client closed in the middle of a request. */
  abandoned: number;
}

export class HttpServer {
  readonly stats: HttpServerStats = { connections: 0, requests: 0, malformed: 0, abandoned: 0 };
  private readonly live = new Set<PollStream>();
  private acceptLoop: JoinHandle<void> | null = null;

  private constructor(readonly listener: Listener, readonly handler: HttpHandler) {}

  /** Serve `listener` with `handler` on the current runtime. */
  static serve(listener: Listener, handler: HttpHandler): HttpServer {
    const server = new HttpServer(listener, handler);
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
    for (const s of this.live) s.close();
  }

  /** @internal */
  track(stream: PollStream, open: boolean): void {
    if (open) this.live.add(stream);
    else this.live.delete(stream);
  }
}

function* acceptConnections(server: HttpServer): Co<void> {
  const spawner = spawnerHere();
  for (;;) {
    const stream = yield* server.listener.accept();
    server.stats.connections++;
    server.track(stream, true);
    spawner.spawn(co(serveConnection, server, stream));
  }
}

function* serveConnection(server: HttpServer, stream: PollStream): Co<void> {
  const reader = new MessageReader(stream);
  try {
    for (;;) {
      const head = yield* reader.readHead(true);
      if (head === null) return;
      const body = yield* reader.readBody(head.framing);
      const request: HttpRequest = { method: head.start[0], target: head.start[1], version: head.start[2], headers: head.headers, body, keepAlive: head.keepAlive };
      server.stats.requests++;
      let response: HttpResponse;
      try {
        const answer = server.handler(request);
        response = isFuture(answer) ? yield* awaitable(answer) : answer;
      } catch (error) {
        response = { status: 500, headers: { "Content-Type": "text/plain" }, body: `internal error: ${error instanceof Error ? error.message : String(error)}\n` };
      }
      yield* stream.writeAll(serializeResponse(response, request.keepAlive, request.method === "HEAD"));
      if (!request.keepAlive) {
        yield* stream.shutdown();
        return;
      }
    }
  } catch (error) {
    if (error instanceof HttpParseError) {
      server.stats.malformed++;
      if (!stream.closed) {
        const reply = { status: error.status, headers: { "Content-Type": "text/plain" }, body: `${error.message}\n` };
        yield* stream.writeAll(serializeResponse(reply, false));
        yield* stream.shutdown();
      }
    } else if (error instanceof IncompleteMessage) {
      server.stats.abandoned++;
    } else if (!(error instanceof Error && "code" in error)) {
      // Socket errors (ECONNRESET, EPIPE) end the connection quietly; anything else is a bug.
      throw error;
    }
  } finally {
    stream.close();
    server.track(stream, false);
  }
}
