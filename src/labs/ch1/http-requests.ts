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
import type { Block } from "../types.js";

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
      res.end(JSON.stringify({ userId: 1, id: Number(req.url?.split("/").pop() ?? 0), title: "delectus aut autem", completed: false }));
    }, LATENCY_MS);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    served: () => served,
    close: () => new Promise((resolve) => {
      server.closeAllConnections(); // keep-alive sockets would otherwise hold the process open
      server.close(() => resolve());
    }),
  };
}

function* getTodo(client: HttpClient, base: string, id: number): Co<number> {
  const response = yield* client.request(`${base}/todos/${id}`);
  if (response.status !== 200) throw new Error(`GET /todos/${id} → ${response.status}`);
  return (JSON.parse(response.text()) as { id: number }).id;
}

function* sequentially(client: HttpClient, base: string): Co<number[]> {
  const ids: number[] = [];
  for (let id = 1; id <= REQUESTS; id++) ids.push(yield* co(getTodo, client, base, id));
  return ids;
}

function joined(client: HttpClient, base: string) {
  return joinAll(Array.from({ length: REQUESTS }, (_, i) => co(getTodo, client, base, i + 1)));
}

export interface HttpRun {
  oneMs: number;
  sequentialMs: number;
  joinedMs: number;
  ids: { sequential: number[]; joined: number[] };
  served: number;
  connections: { sequential: number; joined: number };
}

export async function runHttp(): Promise<HttpRun> {
  const server = await startServer();
  const rt = new LiveRuntime();
  try {
    const timed = async <T>(f: (client: HttpClient) => Future<T> | Co<T>) => {
      const client = new HttpClient();
      const start = performance.now();
      const value = await rt.blockOn(f(client));
      const ms = performance.now() - start;
      client.close();
      return { value, ms, connections: client.connectsMade };
    };
    const one = await timed((c) => getTodo(c, server.url, 1));
    const seq = await timed((c) => sequentially(c, server.url));
    const join = await timed((c) => joined(c, server.url));
    return {
      oneMs: one.ms, sequentialMs: seq.ms, joinedMs: join.ms,
      ids: { sequential: seq.value, joined: join.value },
      served: server.served(),
      connections: { sequential: seq.connections, joined: join.connections },
    };
  } finally {
    await server.close();
  }
}

export function httpBlocks(run: HttpRun): Block[] {
  return [
    {
      kind: "table",
      title: `GET /todos/{id} from a local server that answers after ${LATENCY_MS} ms (client: our HttpClient on a LiveRuntime)`,
      columns: [
        { header: "requests" }, { header: "ours", unit: "ms", digits: 1, best: "min" }, { header: "book", unit: "ms", digits: 0 },
        { header: "TCP connections" }, { header: "ids back, in order" },
      ],
      rows: [
        ["1 request", run.oneMs, 140, 1, "1"],
        ["4, awaited one after another", run.sequentialMs, 656, run.connections.sequential, run.ids.sequential.join(",")],
        ["4, joined (tokio::join! → join)", run.joinedMs, 137, run.connections.joined, run.ids.joined.join(",")],
      ],
    },
    {
      kind: "book",
      title: "E1.3 / E1.4 beside ours",
      rows: [
        { label: "4 sequential", book: "656ms", ours: `${run.sequentialMs.toFixed(1)}ms` },
        { label: "4 joined", book: "137ms", ours: `${run.joinedMs.toFixed(1)}ms` },
        { label: "speed-up", book: "4.7×", ours: `${(run.sequentialMs / run.joinedMs).toFixed(1)}×`, note: "one thread in both: concurrency, not parallelism" },
      ],
    },
    {
      kind: "notice",
      lines: [
        "Awaiting one request after another is synchronous code with extra steps: 4 × the latency.",
        "Joined, the four requests wait at the same time on one thread: about one latency in total, with no extra threads.",
        "The joined run opens one connection per request (they are in flight together); the sequential one reuses a single keep-alive connection.",
      ],
    },
  ];
}
