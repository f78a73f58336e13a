/**
 * A small HTTP/1.1 client on the runtime's I/O futures, with keep-alive.
 *
 * `client.request(url)` is a future (usable with `yield*`): take an idle connection
 * to the origin or connect (TCP, or TLS for `https:`), write the request, read the
 * head and the framed body, then give the connection back to the idle pool if both
 * sides agreed to keep it alive. Invariant: a connection is in the idle pool only
 * between requests, with nothing unread on it; `close()` closes every idle one, so a
 * client that is closed holds no socket.
 *
 * A pooled connection the server has since closed is detected before reuse (its
 * stream is already at end or closed) and replaced — the race where the server closes
 * it while our request is in flight is not retried (it would need idempotency rules).
 *
 * Hardening, each for a reason:
 * - Any byte the server sent beyond a response (an unsolicited second response, a
 *   body after a HEAD answer) means we and the server disagree on framing: that
 *   connection is closed, at release or when it is next taken, never read from by
 *   the next request.
 * - The method, target and every field are checked before a byte is sent (a
 *   `TypeError`, like Node's `ERR_INVALID_HTTP_TOKEN` / `ERR_INVALID_CHAR`): a CR or
 *   LF in a value would let a caller's data inject headers or a second request.
 * - Every body framing obeys `maxBodySize`, a close-delimited one too.
 * - `connectTimeout`, `headersTimeout` (until the final response head) and `timeout`
 *   (the whole request) end the request with an {@link HttpClientTimeout}; the
 *   cancelled future's `finally` closes the socket, so nothing is left open.
 */
import type { ConnectionOptions } from "node:tls";
import { co, type Co } from "../../futures/generator-future.js";
import { awaitable, type BaseFuture } from "../../futures/base-future.js";
import { TimeoutError } from "../../futures/errors.js";
import type { Future } from "../../futures/poll.js";
import { timeout } from "../../futures/select.js";
import { MAX_HTTP_BODY } from "../config.js";
import { connect } from "./connect.js";
import { asksToClose, serializeRequest, type Headers, type ParsedHead } from "./http-message.js";
import { MessageReader } from "./http-reader.js";
import type { PollStream } from "./stream.js";

export interface ClientRequest {
  method?: string;
  headers?: Headers;
  body?: string | Buffer;
  /** Override the client's {@link HttpClientOptions.timeout} for this request (ms). */
  timeout?: number;
}

/** Which of the client's timeouts expired. */
export class HttpClientTimeout extends TimeoutError {
  constructor(
    readonly phase: "connect" | "headers" | "total",
    ms: number,
  ) {
    super(ms);
    this.name = "HttpClientTimeout";
    this.message =
      `${phase === "connect" ? "connect" : phase === "headers" ? "response headers" : "request"} ` +
      `timed out after ${ms} ms`;
  }
}

export interface ClientResponse {
  status: number;
  /** Lower-case names; repeated fields joined with ", " — `set-cookie` with "\n" (see `getSetCookie`). */
  headers: Headers;
  body: Buffer;
  /** Fields sent after a chunked body (lower-case names; empty for other framings), as Node's `res.trailers`. */
  trailers: Readonly<Headers>;
  /** The body as UTF-8 text. */
  text(): string;
  /** Each `Set-Cookie` line's value (fetch's `headers.getSetCookie()`, Node's `set-cookie` array). */
  getSetCookie(): string[];
}

interface Idle {
  stream: PollStream;
  reader: MessageReader;
}

export interface HttpClientOptions {
  /** TLS options for `https:` (e.g. `{ ca }` for a self-signed server, or `rejectUnauthorized: false`). */
  tls?: ConnectionOptions;
  /** ms to establish a connection (TCP connect and TLS handshake); default none. */
  connectTimeout?: number;
  /** ms from sending the request to the final response head; default none. */
  headersTimeout?: number;
  /** ms for the whole request, connect to last body byte; default none. */
  timeout?: number;
  /** Largest response body in bytes, any framing (default 8 MiB). */
  maxBodySize?: number;
  /**
   * Where a request runs: called with each request's future, returns the future the
   * caller awaits (hyper's `Executor`: e.g. spawn it as a task). Default: run in place.
   */
  executor?: <T>(request: BaseFuture<T>) => Future<T>;
  /**
   * How a connection is opened for a URL (hyper's connector: scheme → plain or TLS
   * stream, DNS, errors for schemes it does not speak). Default: `connect` by scheme,
   * http: and https: only.
   */
  connector?: (url: URL) => BaseFuture<PollStream>;
}

export class HttpClient {
  private readonly idle = new Map<string, Idle[]>();
  /** Connections opened (a keep-alive run opens one). */
  connectsMade = 0;

  constructor(readonly options: HttpClientOptions = {}) {}

  /** Send one request; the future resolves with the whole response. */
  request(url: string | URL, init: ClientRequest = {}): BaseFuture<ClientResponse> {
    const total = init.timeout ?? this.options.timeout;
    const send = co(sendRequest, this, typeof url === "string" ? new URL(url) : url, init);
    const request = total === undefined ? send : co(within, send, total, "total" as const);
    return this.options.executor === undefined ? request : awaitable(this.options.executor(request));
  }

  /** Close all idle connections. */
  close(): void {
    for (const list of this.idle.values()) for (const c of list) c.stream.close();
    this.idle.clear();
  }

  /** @internal */
  takeIdle(origin: string): Idle | undefined {
    const list = this.idle.get(origin);
    while (list !== undefined && list.length > 0) {
      const c = list.pop()!;
      if (!c.stream.closed && !c.stream.readable) return c;
      c.stream.close();
    }
    return undefined;
  }

  /** @internal Pool `c` again; a connection with bytes beyond its response is closed instead. */
  release(origin: string, c: Idle): void {
    if (c.reader.buffered > 0 || c.stream.readable) {
      c.stream.close();
      return;
    }
    let list = this.idle.get(origin);
    if (list === undefined) this.idle.set(origin, (list = []));
    list.push(c);
  }
}

function* sendRequest(client: HttpClient, url: URL, init: ClientRequest): Co<ClientResponse> {
  const secure = url.protocol === "https:";
  if (client.options.connector === undefined && !secure && url.protocol !== "http:")
    throw new Error(`unsupported scheme ${JSON.stringify(url.protocol)} (http: and https: only)`);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  const origin = `${url.protocol}//${url.host}`;
  // Upper-cased, as Node's client does: `head` must be read as a HEAD (no body follows
  // its answer), and servers match methods case-sensitively (RFC 9110 §9.1).
  const method = (init.method ?? "GET").toUpperCase();
  const body = init.body === undefined ? null : typeof init.body === "string" ? Buffer.from(init.body) : init.body;
  // Built (and so validated) before any connection is touched.
  const request = serializeRequest(method, url.pathname + url.search, url.host, init.headers ?? {}, body);
  const options = client.options;
  let conn = client.takeIdle(origin);
  if (conn === undefined) {
    const connecting =
      options.connector !== undefined
        ? options.connector(url)
        : secure
          ? connect({ host, port, tls: options.tls ?? {} })
          : connect({ host, port });
    const stream =
      options.connectTimeout === undefined
        ? yield* connecting
        : yield* within(connecting, options.connectTimeout, "connect");
    client.connectsMade++;
    conn = { stream, reader: new MessageReader(stream, null, { maxBody: options.maxBodySize ?? MAX_HTTP_BODY }) };
  }
  const { stream, reader } = conn;
  let reusable = false;
  try {
    // A server may answer before it has read the whole body, then close (an early 413,
    // as our own server sends): the write fails, but the answer is already on its way.
    // RFC 9112 §9.5 asks a client to watch for it; Node's client returns it. So a failed
    // write is reported only if no response can be read after it.
    let writeFailed = false;
    let writeError: unknown;
    try {
      yield* stream.writeAll(request);
    } catch (error) {
      writeFailed = true;
      writeError = error;
    }
    const reading = co(finalHead, reader, origin);
    let head: ParsedHead | null;
    try {
      head =
        options.headersTimeout === undefined
          ? yield* reading
          : yield* within(reading, options.headersTimeout, "headers");
    } catch (error) {
      throw writeFailed ? writeError : error;
    }
    if (head === null) {
      if (writeFailed) throw writeError;
      throw new Error(`${origin} closed the connection without a response`);
    }
    const status = Number(head.start[0]);
    const noBody = method === "HEAD" || status === 204 || status === 304;
    const responseBody = noBody ? Buffer.alloc(0) : yield* reader.readBody(head.framing);
    // RFC 9112 §9.6: a client that sent `close` MUST NOT send another request on the
    // connection, whatever the server answered.
    reusable = !writeFailed && head.keepAlive && head.framing.kind !== "close" && !asksToClose(init.headers);
    return { status, headers: head.headers, body: responseBody, trailers: reader.trailers, text: textOf, getSetCookie };
  } finally {
    if (reusable) client.release(origin, conn);
    else stream.close();
  }
}

/**
 * The response head after any 1xx interim responses (`100 Continue`, `103 Early Hints`).
 * `101 Switching Protocols` is not interim: no HTTP response follows it (RFC 9110
 * §15.2.2), so waiting for one would hang; this client speaks no other protocol, so
 * it is an error (and the connection is closed).
 */
function* finalHead(reader: MessageReader, origin: string): Co<ParsedHead | null> {
  let head = yield* reader.readHead(false);
  while (head !== null && head.start[0].startsWith("1")) {
    if (head.start[0] === "101")
      throw new Error(`${origin} answered 101 Switching Protocols: this client does not switch protocols`);
    head = yield* reader.readHead(false);
  }
  return head;
}

/** `f`, or an {@link HttpClientTimeout} for `phase` after `ms` (the loser is cancelled, which closes its socket). */
function* within<T>(f: Future<T>, ms: number, phase: "connect" | "headers" | "total"): Co<T> {
  try {
    return yield* timeout(f, ms);
  } catch (error) {
    if (error instanceof TimeoutError && !(error instanceof HttpClientTimeout)) throw new HttpClientTimeout(phase, ms);
    throw error;
  }
}

function textOf(this: ClientResponse): string {
  return this.body.toString("utf8");
}

function getSetCookie(this: ClientResponse): string[] {
  const joined = this.headers["set-cookie"];
  return joined === undefined ? [] : joined.split("\n");
}
