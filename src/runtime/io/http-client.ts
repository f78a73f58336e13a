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
 */
import type { ConnectionOptions } from "node:tls";
import { co, type Co } from "../../futures/generator-future.js";
import { awaitable, type BaseFuture } from "../../futures/base-future.js";
import type { Future } from "../../futures/poll.js";
import { connect } from "./connect.js";
import { serializeRequest, type Headers } from "./http-message.js";
import { MessageReader } from "./http-reader.js";
import type { PollStream } from "./stream.js";

export interface ClientRequest {
  method?: string;
  headers?: Headers;
  body?: string | Buffer;
}

export interface ClientResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
}

interface Idle {
  stream: PollStream;
  reader: MessageReader;
}

export interface HttpClientOptions {
  /** TLS options for `https:` (e.g. `{ ca }` for a self-signed server, or `rejectUnauthorized: false`). */
  tls?: ConnectionOptions;
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
    const request = co(sendRequest, this, typeof url === "string" ? new URL(url) : url, init);
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

  /** @internal */
  release(origin: string, c: Idle): void {
    let list = this.idle.get(origin);
    if (list === undefined) this.idle.set(origin, (list = []));
    list.push(c);
  }
}

function* sendRequest(client: HttpClient, url: URL, init: ClientRequest): Co<ClientResponse> {
  const secure = url.protocol === "https:";
  if (client.options.connector === undefined && !secure && url.protocol !== "http:") throw new Error(`unsupported scheme ${JSON.stringify(url.protocol)} (http: and https: only)`);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  const origin = `${url.protocol}//${url.host}`;
  let conn = client.takeIdle(origin);
  if (conn === undefined) {
    const stream = yield* (client.options.connector !== undefined ? client.options.connector(url) : secure ? connect({ host, port, tls: client.options.tls ?? {} }) : connect({ host, port }));
    client.connectsMade++;
    conn = { stream, reader: new MessageReader(stream) };
  }
  const { stream, reader } = conn;
  let reusable = false;
  try {
    const method = init.method ?? "GET";
    const body = init.body === undefined ? null : typeof init.body === "string" ? Buffer.from(init.body) : init.body;
    yield* stream.writeAll(serializeRequest(method, url.pathname + url.search, url.host, init.headers ?? {}, body));
    let head = yield* reader.readHead(false);
    while (head !== null && head.start[0].startsWith("1")) head = yield* reader.readHead(false); // skip 100 Continue
    if (head === null) throw new Error(`${origin} closed the connection without a response`);
    const status = Number(head.start[0]);
    const noBody = method === "HEAD" || status === 204 || status === 304;
    const responseBody = noBody ? Buffer.alloc(0) : yield* reader.readBody(head.framing);
    reusable = head.keepAlive && head.framing.kind !== "close";
    return { status, headers: head.headers, body: responseBody, text: textOf };
  } finally {
    if (reusable) client.release(origin, conn);
    else stream.close();
  }
}

function textOf(this: ClientResponse): string {
  return this.body.toString("utf8");
}
