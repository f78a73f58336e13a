/**
 * E4.3: the book's mio server and client on our `Poller` — tokens, readiness and
 * would-block, a ServerFuture that accepts on SERVER readiness and wakes itself.
 */
import {
  BaseFuture,
  blockOn,
  co,
  connect,
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
import type { ExperimentResult } from "../types.js";

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

export async function mio(): Promise<ExperimentResult> {
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
