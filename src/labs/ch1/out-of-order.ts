/**
 * E1.12: out-of-order completion. `fetch_data(5)` asks a server that answers after
 * 5 s (the book: httpbin.org/delay/5; here a local node:http server on 127.0.0.1,
 * an ephemeral port, whose handler waits `seconds × book second` like httpbin), while
 * `calculate_last_login()` sleeps 1 s and prints `Logged in 2 days ago`. Joined, the
 * login line prints first although its future was created second, and the whole
 * takes about the longer delay (book ≈5 s), not the sum (6 s). Awaited in turn, the
 * order follows the code and the times add up — printed beside it for contrast.
 *
 * Both delays are time-scaled by the same factor, so their 5 : 1 ratio (and with it
 * the order) is the book's at any scale.
 */
import { createServer } from "node:http";
import { co, HttpClient, join, LiveRuntime, sleep, type Co } from "../../index.js";
import { TOO_BUSY } from "../claims.js";
import type { Block, TimelineBlock, LabOptions } from "../types.js";
import { bookMs } from "../book-time.js";

/** The book's delays in seconds (L862-866, L868-871). */
export const FETCH_DELAY_S = 5;
export const LOGIN_DELAY_S = 1;
/** Floor for one scaled book second: below ~20 ms, timer and connection jitter would rival the 1 s vs 5 s gap. */
const MIN_BOOK_SECOND_MS = 20;

export interface PrintedLine {
  /** ms since the run started. */
  at: number;
  line: string;
}

/** One future's life in a run (ms since the run started): a bar in the timeline. */
export interface FutureSpan {
  future: "fetch_data(5)" | "calculate_last_login()";
  from: number;
  to: number;
}

export interface OrderRun {
  how: "joined" | "awaited in turn";
  lines: PrintedLine[];
  totalMs: number;
  spans: FutureSpan[];
}

/** The clock of one run: what it printed and when each future started and ended. */
interface RunLog {
  say: (line: string) => void;
  now: () => number;
  spans: FutureSpan[];
}

/** Await `body` and record, as `future`, when it was first polled and when it finished. */
function* tracked<T>(log: RunLog, future: FutureSpan["future"], body: Co<T>): Co<T> {
  const from = log.now();
  const value = yield* body;
  log.spans.push({ future, from, to: log.now() });
  return value;
}

export interface OutOfOrderRun {
  bookSecondMs: number;
  runs: OrderRun[];
}

interface DelayServer {
  base: string;
  close(): Promise<void>;
}

/** httpbin's `/delay/{n}`: answer `{url, args}` after n (scaled) seconds. */
async function startDelayServer(bookSecondMs: number): Promise<DelayServer> {
  const server = createServer((req, res) => {
    const seconds = Number(/^\/delay\/(\d+)$/.exec(req.url ?? "")?.[1] ?? NaN);
    if (!Number.isFinite(seconds)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    setTimeout(() => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ url: `http://${req.headers.host}${req.url}`, args: {} }));
    }, seconds * bookSecondMs);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    base: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections(); // keep-alive sockets would otherwise hold the process open
        server.close(() => resolve());
      }),
  };
}

interface Response {
  url: string;
  args: Record<string, unknown>;
}

/** The book's `fetch_data(seconds)`. */
function* fetchData(client: HttpClient, base: string, seconds: number): Co<Response> {
  const response = yield* client.request(`${base}/delay/${seconds}`);
  if (response.status !== 200) throw new Error(`GET /delay/${seconds} → ${response.status}`);
  return JSON.parse(response.text()) as Response;
}

/** The book's `calculate_last_login()`: a stand-in for a database query. */
function* calculateLastLogin(say: (line: string) => void, bookSecondMs: number): Co<void> {
  yield* sleep(LOGIN_DELAY_S * bookSecondMs);
  say("Logged in 2 days ago");
}

/** Rust's `{:?}` of the book's `Result<Response, Error>`. */
function debugFormat(r: Response): string {
  return (
    `Ok(Response { url: ${JSON.stringify(r.url)}, args: Object ` +
    `{${Object.keys(r.args).length === 0 ? "" : " … "}} })`
  );
}

function* joined(client: HttpClient, base: string, log: RunLog, bookSecondMs: number): Co<void> {
  const data = co(tracked<Response>, log, "fetch_data(5)", fetchData(client, base, FETCH_DELAY_S));
  const timeSince = co(tracked<void>, log, "calculate_last_login()", calculateLastLogin(log.say, bookSecondMs));
  const [posts] = yield* join(data, timeSince);
  log.say(`Fetched ${debugFormat(posts)}`);
}

function* inTurn(client: HttpClient, base: string, log: RunLog, bookSecondMs: number): Co<void> {
  const posts = yield* tracked(log, "fetch_data(5)", fetchData(client, base, FETCH_DELAY_S));
  log.say(`Fetched ${debugFormat(posts)}`);
  yield* tracked(log, "calculate_last_login()", calculateLastLogin(log.say, bookSecondMs));
}

export async function runOutOfOrder(opts: LabOptions): Promise<OutOfOrderRun> {
  const bookSecondMs = bookMs(opts, 1, MIN_BOOK_SECOND_MS);
  const server = await startDelayServer(bookSecondMs);
  const rt = new LiveRuntime();
  const runs: OrderRun[] = [];
  try {
    // One untimed request first, so neither timed run pays for loading the client's code.
    const warm = new HttpClient();
    await rt.blockOn(co(fetchData, warm, server.base, 0)).finally(() => warm.close());
    for (const [how, main] of [
      ["joined", joined],
      ["awaited in turn", inTurn],
    ] as const) {
      const client = new HttpClient();
      const lines: PrintedLine[] = [];
      const start = performance.now();
      const now = () => performance.now() - start;
      const log: RunLog = { say: (line) => lines.push({ at: now(), line }), now, spans: [] };
      try {
        await rt.blockOn(co(main, client, server.base, log, bookSecondMs));
      } finally {
        client.close();
      }
      runs.push({ how, lines, totalMs: now(), spans: log.spans });
    }
  } finally {
    await server.close();
  }
  return { bookSecondMs, runs };
}

export function outOfOrderBlocks(run: OutOfOrderRun): Block[] {
  const s = run.bookSecondMs;
  const joinedRun = run.runs.find((r) => r.how === "joined")!;
  return [
    ...run.runs.map((r): Block => ({
      kind: "text",
      title:
        (r.how === "joined"
          ? "join(fetch_data(5), calculate_last_login())"
          : "fetch_data(5).await, then calculate_last_login().await") + " — printout, with ms since start",
      lines: r.lines.map((l) => `${l.at.toFixed(1).padStart(7)} ms  ${l.line}`),
    })),
    {
      kind: "table",
      title:
        `Book second = ${s} ms: fetch ${FETCH_DELAY_S} s = ${FETCH_DELAY_S * s} ` +
        `ms, login ${LOGIN_DELAY_S} s = ${LOGIN_DELAY_S * s} ms`,
      columns: [
        { header: "how" },
        { header: "total", unit: "ms", digits: 1, best: "min" },
        { header: "total", unit: "book s", digits: 2 },
        { header: "first line printed" },
      ],
      rows: run.runs.map((r) => [r.how, r.totalMs, r.totalMs / s, r.lines[0]?.line.slice(0, 20) ?? ""]),
    },
    {
      kind: "book",
      title: "E1.12 beside ours (L899-900)",
      rows: [
        { label: "first line", book: "Logged in 2 days ago", ours: joinedRun.lines[0]?.line ?? "(none)" },
        {
          label: "second line",
          book: 'Fetched Ok(Response { url: "https://httpbin.org/d…',
          ours: joinedRun.lines[1]?.line ?? "(none)",
        },
        {
          label: "total",
          book: "≈5 s (the longer delay), not 6 (the sum)",
          ours: `${(joinedRun.totalMs / s).toFixed(2)} book s (${joinedRun.totalMs.toFixed(1)} ms)`,
        },
      ],
    },
    outOfOrderTimeline(run),
    { kind: "notice", lines: outOfOrderNotices(run) },
  ];
}

/** Each future of each run as a row, time across, both runs from 0 (the book describes this; it draws no figure). */
export function outOfOrderTimeline(run: OutOfOrderRun): TimelineBlock {
  const rows = run.runs.flatMap((r) =>
    [...r.spans].sort((a, b) => a.future.localeCompare(b.future)).map((sp) => ({ name: `${r.how}: ${sp.future}`, sp })),
  );
  return {
    kind: "timeline",
    title: "E1.12 out-of-order completion, per future: joined, the shorter wait ends first; in turn, the waits add up",
    unit: "ms",
    workers: rows.map((r) => r.name),
    spans: rows.map((r, i) => ({
      worker: i,
      from: r.sp.from,
      to: r.sp.to,
      label: r.sp.future.startsWith("fetch") ? "fetch (5 s)" : "login (1 s)",
    })),
  };
}

/** The E1.12 lines, computed from the printout order and the totals they describe. */
export function outOfOrderNotices(run: OutOfOrderRun): string[] {
  const joinedRun = run.runs.find((r) => r.how === "joined")!;
  const inTurnRun = run.runs.find((r) => r.how === "awaited in turn")!;
  const loginFirst = joinedRun.lines[0]?.line === "Logged in 2 days ago";
  const joinedS = joinedRun.totalMs / run.bookSecondMs;
  const inTurnS = inTurnRun.totalMs / run.bookSecondMs;
  const longer = Math.max(FETCH_DELAY_S, LOGIN_DELAY_S);
  return [
    loginFirst
      ? "fetch_data was started first, yet the login line printed first: joined " +
        "futures finish in the order their waits end, not the order they were " +
        "written."
      : `fetch_data's line printed first this time ` +
        `("${joinedRun.lines[0]?.line.slice(0, 30) ?? ""}…"): the 1 s wait did ` +
        `not end first — ${TOO_BUSY}.`,
    inTurnS - joinedS >= 0.5 * LOGIN_DELAY_S
      ? `Joined, the total was ${joinedS.toFixed(2)} book s, about the longer ` +
        `wait (${longer} s); awaited in turn, ${inTurnS.toFixed(2)} s: the ` +
        `waits add up.`
      : `Joined took ${joinedS.toFixed(2)} book s and in turn ` +
        `${inTurnS.toFixed(2)} s — not the expected ≈${longer} s vs ` +
        `≈${FETCH_DELAY_S + LOGIN_DELAY_S} s: ${TOO_BUSY}.`,
    "The data is used only after the join: await where you need the value, and independent waits overlap.",
  ];
}
