/**
 * E1.2–E1.4: four HTTP requests to a server that takes 140 ms to answer, awaited
 * one after another vs joined. The book calls jsonplaceholder over the internet;
 * here the server is local (node:http on 127.0.0.1, an ephemeral port) and the
 * 140 ms is a timer in its handler — the book's measured single-request latency,
 * real milliseconds (not time-scaled: it is short already, and it is the figure).
 *
 * The client side is this project's: `HttpClient` (src/runtime/io, readiness-based
 * sockets) inside generator tasks on a `LiveRuntime` — `join` is the book's `tokio::join!`.
 */
import { createServer, type Server } from "node:http";
import { co, HttpClient, joinAll, LiveRuntime, type Co, type Future } from "../../index.js";
import { TOO_BUSY } from "../claims.js";
import type { Block, TimelineBlock } from "../types.js";

/** The book's single-request latency (L167-168). */
export const LATENCY_MS = 140;
const REQUESTS = 4;

interface Server140 {
  url: string;
  served: () => number;
  close: () => Promise<void>;
}

async function startServer(): Promise<Server140> {
  let served = 0;
  const server: Server = createServer((req, res) => {
    setTimeout(() => {
      served++;
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          userId: 1,
          id: Number(req.url?.split("/").pop() ?? 0),
          title: "delectus aut autem",
          completed: false,
        }),
      );
    }, LATENCY_MS);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    served: () => served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections(); // keep-alive sockets would otherwise hold the process open
        server.close(() => resolve());
      }),
  };
}

/** When one request started and ended (ms since its run started): a bar in Figure 1-1. */
export interface RequestSpan {
  id: number;
  from: number;
  to: number;
}

function* getTodo(client: HttpClient, base: string, id: number, spans: RequestSpan[] = []): Co<number> {
  const from = performance.now();
  const response = yield* client.request(`${base}/todos/${id}`);
  if (response.status !== 200) throw new Error(`GET /todos/${id} → ${response.status}`);
  spans.push({ id, from, to: performance.now() });
  return (JSON.parse(response.text()) as { id: number }).id;
}

function* sequentially(client: HttpClient, base: string, spans: RequestSpan[]): Co<number[]> {
  const ids: number[] = [];
  for (let id = 1; id <= REQUESTS; id++) ids.push(yield* co(getTodo, client, base, id, spans));
  return ids;
}

function joined(client: HttpClient, base: string, spans: RequestSpan[]) {
  return joinAll(Array.from({ length: REQUESTS }, (_, i) => co(getTodo, client, base, i + 1, spans)));
}

export interface HttpRun {
  oneMs: number;
  sequentialMs: number;
  joinedMs: number;
  ids: { one: number[]; sequential: number[]; joined: number[] };
  served: number;
  connections: { one: number; sequential: number; joined: number };
  /** Each request's start and end, relative to its run's start (Figure 1-1). */
  spans: { sequential: RequestSpan[]; joined: RequestSpan[] };
}

export async function runHttp(): Promise<HttpRun> {
  const server = await startServer();
  const rt = new LiveRuntime();
  try {
    const timed = async <T>(f: (client: HttpClient, spans: RequestSpan[]) => Future<T> | Co<T>) => {
      const client = new HttpClient();
      const spans: RequestSpan[] = [];
      const start = performance.now();
      const value = await rt.blockOn(f(client, spans));
      const ms = performance.now() - start;
      client.close();
      const relative = spans.map((s) => ({ id: s.id, from: s.from - start, to: s.to - start }));
      return { value, ms, connections: client.connectsMade, spans: relative };
    };
    // One untimed request first: the first request of a process also pays for loading and
    // optimising the client's code, which would make "1 request" look slower than it is.
    await timed((c) => getTodo(c, server.url, 1));
    const one = await timed((c, spans) => getTodo(c, server.url, 1, spans));
    const seq = await timed((c, spans) => sequentially(c, server.url, spans));
    const join = await timed((c, spans) => joined(c, server.url, spans));
    return {
      oneMs: one.ms,
      sequentialMs: seq.ms,
      joinedMs: join.ms,
      ids: { one: [one.value], sequential: seq.value, joined: join.value },
      served: server.served(),
      connections: { one: one.connections, sequential: seq.connections, joined: join.connections },
      spans: { sequential: seq.spans, joined: join.spans },
    };
  } finally {
    await server.close();
  }
}

export function httpBlocks(run: HttpRun): Block[] {
  return [
    {
      kind: "table",
      title:
        `GET /todos/{id} from a local server that answers after ${LATENCY_MS} ` +
        `ms (client: our HttpClient on a LiveRuntime)`,
      columns: [
        { header: "requests" },
        { header: "ours", unit: "ms", digits: 1, best: "min" },
        { header: "book", unit: "ms", digits: 0 },
        { header: "TCP connections" },
        { header: "ids back, in order" },
      ],
      rows: [
        ["1 request", run.oneMs, 140, run.connections.one, run.ids.one.join(",")],
        [
          "4, awaited one after another",
          run.sequentialMs,
          656,
          run.connections.sequential,
          run.ids.sequential.join(","),
        ],
        ["4, joined (tokio::join! → join)", run.joinedMs, 137, run.connections.joined, run.ids.joined.join(",")],
      ],
    },
    {
      kind: "book",
      title: "E1.3 / E1.4 beside ours",
      rows: [
        { label: "4 sequential", book: "656ms", ours: `${run.sequentialMs.toFixed(1)}ms` },
        { label: "4 joined", book: "137ms", ours: `${run.joinedMs.toFixed(1)}ms` },
        {
          label: "speed-up",
          book: "4.7×",
          ours: `${(run.sequentialMs / run.joinedMs).toFixed(1)}×`,
          note: "one thread in both: concurrency, not parallelism",
        },
      ],
    },
    httpTimeline(run),
    { kind: "notice", lines: httpNotices(run) },
  ];
}

/** The book's Figure 1-1, drawn from what ran: each request a row, time across, both runs from 0. */
export function httpTimeline(run: HttpRun): TimelineBlock {
  const rows = [
    ...run.spans.sequential.map((s) => ({ name: `awaited in turn: GET /todos/${s.id}`, s })),
    ...run.spans.joined.map((s) => ({ name: `joined:          GET /todos/${s.id}`, s })),
  ];
  return {
    kind: "timeline",
    title: "Figure 1-1 (book): sequential vs concurrent requests — each row one request, both runs from 0 ms",
    unit: "ms",
    workers: rows.map((r) => r.name),
    spans: rows.map((r, i) => ({ worker: i, from: r.s.from, to: r.s.to, label: "waiting for the response" })),
  };
}

/** The E1.2–E1.4 lines, computed from the run: how many latencies each took, and the connections used. */
export function httpNotices(run: Pick<HttpRun, "oneMs" | "sequentialMs" | "joinedMs" | "connections">): string[] {
  const seqX = run.sequentialMs / run.oneMs;
  const joinX = run.joinedMs / run.oneMs;
  const lines = [
    seqX >= REQUESTS * 0.8
      ? `Awaiting one request after another is synchronous code with extra ` +
        `steps: ${seqX.toFixed(1)} × one request's time.`
      : `Awaited one after another, 4 requests took only ${seqX.toFixed(1)} × ` +
        `one request's time — not the ~${REQUESTS}× expected; the single ` +
        `request was slow (${run.oneMs.toFixed(0)} ms).`,
    joinX <= 1.5
      ? `Joined, the four requests waited at the same time on one thread: ` +
        `${joinX.toFixed(1)} × one request's time, with no extra threads.`
      : `Joined, the four requests took ${joinX.toFixed(1)} × one request's ` +
        `time — they overlapped less than they could: ${TOO_BUSY}.`,
  ];
  const c = run.connections;
  lines.push(
    `Connections opened: ${c.sequential} for the requests awaited in turn ` +
      `(${c.sequential === 1 ? "one keep-alive connection reused" : "not reused"}), ` +
      `${c.joined} for the joined ones ` +
      `(${c.joined === REQUESTS ? "one per request: they were in flight together" : "fewer than the requests"}).`,
  );
  return lines;
}
