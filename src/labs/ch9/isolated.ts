/**
 * E9.1: an isolated module with synchronous entry points — `send_add` / `get_add` over a
 * private runtime in a worker, the caller blocking with `Atomics.wait`. It runs in real
 * time (scaled by --time-scale): its point is a real thread blocking while a real
 * runtime progresses, which a virtual clock cannot show.
 */
import { blockingSleep } from "../../index.js";
import { addHandler, asyncModLogs, getAdd, sendAdd, setAddSleep, shutdownAsyncMod } from "./async-mod.js";
import { bookMs } from "../book-time.js";
import type { ExperimentResult, LabOptions } from "../types.js";

/** E9.1: `async_add` sleeps 1 book second, main sleeps 2 (the book's durations are cut off; finishing first is what it
 * shows). */
const ADD_SLEEP_BOOK_S = 1;
const MAIN_SLEEP_BOOK_S = 2;
/** E9.1: how many adds are in flight at once in the concurrency table. */
const IN_FLIGHT = [1, 10, 100];

const wallClock = (): number => performance.timeOrigin + performance.now();

/** E9.1 — synchronous code calls the isolated async module; lines of both threads merged by time. */
export async function isolatedExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const addMs = bookMs(opts, ADD_SLEEP_BOOK_S);
  setAddSleep(addMs);
  const lines: { at: number; line: string }[] = [];
  const println = (line: string): void => void lines.push({ at: wallClock(), line });
  try {
    // The book's main(), line for line; nothing here is async.
    println("Hello, world!");
    const id = sendAdd(1, 2);
    println(`id: ${id}`);
    blockingSleep(bookMs(opts, MAIN_SLEEP_BOOK_S));
    println("main sleep done");
    const result = getAdd(id);
    println(`result: ${result}`);
    lines.push(...asyncModLogs());
    const printout = lines.sort((x, y) => x.at - y.at).map((l) => l.line);

    const errors = [
      (() => {
        try {
          addHandler();
          return "?";
        } catch (e) {
          return `add_handler(None, None, None): Err("${(e as Error).message}")`;
        }
      })(),
      (() => {
        try {
          getAdd(id);
          return "?";
        } catch (e) {
          return `get_add(same id again): Err("${(e as Error).message}")`;
        }
      })(),
    ];

    // Many adds in flight: the sync caller sends them all, then collects; the worker's runtime sleeps them
    // concurrently.
    const rows = IN_FLIGHT.map((n) => {
      const t0 = performance.now();
      const ids = Array.from({ length: n }, (_, i) => sendAdd(i, i));
      const sent = performance.now() - t0;
      const results = ids.map(getAdd);
      const total = performance.now() - t0;
      const correct = results.every((r, i) => r === 2 * i);
      asyncModLogs();
      return [n, sent, total, total / addMs, correct ? "yes" : "NO"];
    });
    return {
      blocks: [
        {
          kind: "text",
          title:
            "the book's main: send_add(1, 2), std::thread::sleep, get_add(id) — " +
            "lines from both threads, merged by time (the book's Figure 9-1: an " +
            "isolated async module)",
          lines: printout,
        },
        {
          kind: "book",
          rows: [
            {
              label: "order",
              book: "Hello, world! / starting async_add / id / finished async_add / main sleep done / result: 3",
              ours: printout.map((l) => (l.startsWith("id: ") ? "id" : l)).join(" / "),
            },
          ],
        },
        { kind: "text", title: "wrong input", lines: errors },
        {
          kind: "table",
          title: `n adds in flight, each sleeping ${addMs} ms in the worker's runtime; the caller blocks in get_add`,
          columns: [
            { header: "in flight" },
            { header: "send_add × n", unit: "ms", digits: 2 },
            { header: "all results", unit: "ms", digits: 1 },
            { header: "÷ one sleep", digits: 2, best: "min" },
            { header: "results correct" },
          ],
          rows,
        },
        {
          kind: "notice",
          lines: [
            "The caller never awaits: send_add returns an id at once, get_add " +
              "blocks (Atomics.wait) until the worker's runtime has the result.",
            "A runtime on the main thread could not do this: while synchronous code " +
              "blocks, Node's event loop — and every timer and promise on it — stands " +
              "still.",
            inFlightNotice(rows.map((r) => [r[0] as number, r[3] as number])),
            "`id:` may print before `starting async_add`: the task is first polled " +
              "just after the spawn is acknowledged, and the two threads race (as the " +
              "book's do).",
          ],
        },
      ],
    };
  } finally {
    shutdownAsyncMod();
  }
}

/** The E9.1 concurrency line, from [adds in flight, total ÷ one sleep] rows. */
export function inFlightNotice(rows: readonly (readonly [n: number, sleeps: number])[]): string {
  const most = rows[rows.length - 1]!;
  return most[1] < Math.max(2, most[0] / 4)
    ? `${most[0]} adds took ${most[1].toFixed(2)} × one sleep, not ` +
        `${most[0]}: the tasks sleep concurrently on the private runtime while ` +
        `the caller waits.`
    : `${most[0]} adds took ${most[1].toFixed(2)} × one sleep — less overlap ` +
        `than the private runtime allows: the machine was too busy to show it.`;
}
