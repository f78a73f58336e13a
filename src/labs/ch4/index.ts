/**
 * Chapter 4 — Integrating Networking Into Our Own Async Runtime.
 *
 * Everything runs on loopback (no internet here): the book's GET of rust-lang.org
 * becomes a GET of a local HTTP and HTTPS server (self-signed certificate generated
 * at run time with `openssl`), fetched by our HTTP client on our executor. The mio
 * experiment uses our `Poller` (tokens, readiness, would-block) the way the book uses
 * mio's `Poll`.
 */

import {
  BaseFuture,
  blockOn,
  co,
  connect,
  HttpClient,
  HttpServer,
  Listener,
  LiveRuntime,
  PENDING,
  Poller,
  READABLE,
  WRITABLE,
  type Co,
  type Context,
  type Poll,
  type PollStream,
} from "../../index.js";
import { UsageError, type Chapter, type ExperimentResult, type LabOptions } from "../types.js";
import { page } from "./page.js";
import { reactor } from "./reactor.js";
import { fetchLocal } from "./fetch.js";

// ---------------------------------------------------------------- E4.3

const SERVER = 0;
const CLIENT = 1;

/** The book's ServerFuture: accept on SERVER readiness, then read until data, waking itself on would-block. */
class ServerFuture extends BaseFuture<string> {
  private stream: PollStream | null = null;
  wouldBlocks = 0;
  polls = 0;
  constructor(
    private readonly listener: Listener,
    private readonly poller: Poller,
    private readonly log: string[],
  ) {
    super();
  }
  poll(cx: Context): Poll<string> {
    this.polls++;
    if (this.stream === null) {
      const ready = this.poller.pollNow().some((e) => e.token === SERVER && e.readable);
      const accepted = ready ? this.listener.tryAccept() : "wouldBlock";
      if (accepted === "wouldBlock") {
        cx.waker.wake();
        return PENDING;
      }
      this.stream = accepted;
    }
    const got = this.stream.tryRead(1024);
    if (got === "wouldBlock") {
      this.wouldBlocks++;
      if (this.wouldBlocks === 1)
        this.log.push("Error reading from stream: Resource temporarily unavailable (os error 11: would block)");
      cx.waker.wake();
      return PENDING;
    }
    const text = got === null ? "" : got.toString();
    this.stream.close();
    return text.trimEnd();
  }
}

function* mioClient(port: number, poller: Poller): Co<void> {
  const stream = yield* connect({ port });
  try {
    poller.register(stream, CLIENT, WRITABLE);
    const events = yield* poller.poll(); // the book's poll(None): wait for writability
    if (!events.some((e) => e.token === CLIENT && e.writable)) throw new Error("client never became writable");
    yield* stream.writeAll("that's so dingo!\n");
    yield* stream.shutdown();
  } finally {
    poller.deregister(CLIENT);
    stream.close();
  }
}

async function mio(): Promise<ExperimentResult> {
  let listener: Listener;
  try {
    listener = await blockOn(Listener.bind({ host: "127.0.0.1", port: 13265 }));
  } catch {
    listener = await blockOn(Listener.bind({ port: 0 })); // the book's port is taken: any port teaches the same
  }
  const port = listener.port;
  const log: string[] = [];
  const poller = new Poller();
  poller.register(listener, SERVER, READABLE);
  const rt = new LiveRuntime();
  const server = new ServerFuture(listener, poller, log);
  try {
    const serverTask = rt.spawn(server);
    rt.spawn(co(mioClient, port, poller));
    const outcome = await serverTask.toPromise();
    log.push(`outcome: ${outcome}`);
  } finally {
    poller.deregister(SERVER);
    listener.close();
  }
  return {
    blocks: [
      { kind: "text", title: `server on 127.0.0.1:${port}, client writes once writable`, lines: log },
      {
        kind: "table",
        title: "the server future's polls",
        columns: [{ header: "polls" }, { header: "reads that would block" }],
        rows: [[server.polls, server.wouldBlocks]],
      },
      {
        kind: "book",
        rows: [
          {
            label: "printout",
            book: "Error reading from stream: Resource temporarily unavailable... / outcome: that's so dingo!",
            ours: log.join(" / "),
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "The server's first read happens before the client's bytes arrive: " +
            "would-block, which the future turns into wake + PENDING (WouldBlock → " +
            "Pending).",
          "Like the book's ServerFuture it wakes itself on would-block (busy " +
            "polling: count the polls); PollStream.read() instead parks the waker " +
            "on READABLE and is polled once.",
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------- accept loop + spawn per connection

async function acceptLoop(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new LiveRuntime();
  const listener = await rt.blockOn(Listener.bind({ port: 0 }));
  const server = await rt.blockOn(
    co(function* (): Co<HttpServer> {
      return HttpServer.serve(listener, (req) => ({ status: 200, body: req.target }));
    }),
  );
  const clients = 20;
  const perClient = 5;
  const spawnedBefore = rt.stats.spawned;
  try {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        rt.blockOn(
          co(function* (): Co<void> {
            const client = new HttpClient();
            try {
              for (let i = 0; i < perClient; i++) {
                const res = yield* client.request(`http://127.0.0.1:${server.port}/c${c}/r${i}`);
                if (res.text() !== `/c${c}/r${i}`) throw new Error(`wrong answer ${res.text()}`);
              }
            } finally {
              client.close();
            }
          }),
        ),
      ),
    );
    const ms = performance.now() - t0;
    opts.log(`accept loop served ${clients * perClient} requests`);
    const spawned = rt.stats.spawned - spawnedBefore - clients; // minus the client tasks themselves
    return {
      blocks: [
        {
          kind: "table",
          title: `${clients} keep-alive clients × ${perClient} requests`,
          columns: [
            { header: "connections accepted" },
            { header: "connection tasks spawned" },
            { header: "requests" },
            { header: "malformed" },
            { header: "time", unit: "ms", digits: 1 },
          ],
          rows: [[server.stats.connections, spawned, server.stats.requests, server.stats.malformed, ms]],
        },
        {
          kind: "notice",
          lines: [
            "One task per connection, spawned by the accept loop (the book's " +
              "L3090-3106): a slow client blocks only its own task.",
          ],
        },
      ],
    };
  } finally {
    server.close();
  }
}

// ---------------------------------------------------------------- serve

async function serveForever(opts: LabOptions): Promise<ExperimentResult> {
  const raw = opts.extra["port"];
  const port = raw === undefined ? 8080 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer 0-65535, got ${JSON.stringify(raw)}`);
  const timeouts: Record<string, number> = {};
  for (const [key, flag] of [
    ["keepAliveTimeout", "--keep-alive-timeout"],
    ["headersTimeout", "--headers-timeout"],
    ["requestTimeout", "--request-timeout"],
  ] as const) {
    const v = opts.extra[key];
    if (v === undefined) continue;
    const ms = Number(v);
    if (!Number.isFinite(ms) || ms < 0)
      throw new UsageError(`${flag} must be a number of ms ≥ 0 (0 = off), got ${JSON.stringify(v)}`);
    timeouts[key] = ms;
  }
  const listener = await blockOn(Listener.bind({ host: "127.0.0.1", port }));
  const server = HttpServer.serve(
    listener,
    (req) => {
      opts.log(`${req.method} ${req.target}`);
      return page(req);
    },
    timeouts,
  );
  opts.log(
    `serving on http://127.0.0.1:${server.port}/ — try: curl -i http://127.0.0.1:${server.port}/   (Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  server.close();
  return {
    blocks: [
      {
        kind: "table",
        title: "served",
        columns: [
          { header: "connections" },
          { header: "requests" },
          { header: "malformed" },
          { header: "abandoned" },
          { header: "timed out" },
        ],
        rows: [
          [
            server.stats.connections,
            server.stats.requests,
            server.stats.malformed,
            server.stats.abandoned,
            server.stats.timedOut,
          ],
        ],
      },
    ],
  };
}

export const ch4: Chapter = {
  id: "ch4",
  title: "Integrating Networking Into Our Own Async Runtime",
  options: [
    { flags: "--port <n>", description: "port for `lab ch4 serve` (default 8080)" },
    {
      flags: "--keep-alive-timeout <ms>",
      description: "`lab ch4 serve`: idle ms between requests before closing (default 5000, Node's; 0 = off)",
    },
    {
      flags: "--headers-timeout <ms>",
      description: "`lab ch4 serve`: ms to receive a request head, then 408 (default 60000, Node's; 0 = off)",
    },
    {
      flags: "--request-timeout <ms>",
      description: "`lab ch4 serve`: ms to receive a whole request, then 408 (default 300000, Node's; 0 = off)",
    },
  ],
  experiments: [
    {
      id: "reactor",
      book: "E4.1",
      title: "A library bound to another runtime's reactor",
      summary: "sleep() outside a runtime fails; fetch() works through the fromPromise adapter",
      run: reactor,
    },
    {
      id: "fetch",
      book: "E4.2",
      title: "Our HTTP client on our executor (HTTPS + plain, loopback)",
      summary: "GET a local HTTPS (self-signed) and plain server, print the page",
      run: fetchLocal,
    },
    {
      id: "mio",
      book: "E4.3",
      title: "Socket polling with tokens: would-block, then the message",
      summary: "Poller + tokens SERVER/CLIENT: first read would block, then 'that's so dingo!'",
      run: mio,
    },
    {
      id: "accept-loop",
      book: "E4.3",
      title: "Accept loop + spawn per connection",
      summary: "20 keep-alive clients, one task per connection",
      run: acceptLoop,
    },
    {
      id: "serve",
      title: "Keep the HTTP server running",
      summary: "serve on --port until Ctrl-C (point curl or a browser at it)",
      default: false,
      run: serveForever,
    },
  ],
};
