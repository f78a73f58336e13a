/**
 * E4.1 a library bound to another runtime's reactor. The book's hyper panics on its
 * executor: "there is no reactor running, must be called from the context of a Tokio
 * 1.x runtime". Here the library is Node's `fetch`: its socket events come from Node's
 * event loop (libuv), so it only makes progress while that loop runs.
 *
 *   - on our virtual runtime, which runs its tasks to completion without ever giving
 *     the thread back to Node's loop, fetch can never finish: the runtime reports a
 *     task that is not finished with nothing runnable and no timer — our "no reactor";
 *   - the adapter: the same future on our live runtime, which polls its tasks between
 *     turns of Node's loop and is woken by the promise (`fromPromise`): it completes.
 *
 * Invariant: the stuck fetch is aborted before the experiment returns, so nothing it
 * started outlives the run.
 */
import {
  blockOn,
  co,
  fromPromise,
  HttpClient,
  HttpServer,
  Listener,
  LiveRuntime,
  sleep,
  VirtualRuntime,
  type Co,
} from "../../index.js";
import type { ExperimentResult } from "../types.js";
import { page } from "./page.js";

/** The "library": a GET through Node's fetch, awaited in our task via the promise adapter. */
function* libraryGet(url: string, signal: AbortSignal): Co<number> {
  const res = yield* fromPromise(fetch(url, { signal }));
  yield* fromPromise(res.text());
  return res.status;
}

export async function reactor(): Promise<ExperimentResult> {
  const lines: string[] = [];
  // 1. A future bound to a runtime's timers, polled with no runtime at all.
  try {
    sleep(10).poll({ waker: { wake() {} } });
    lines.push("sleep(10) polled outside any runtime: (no error?)");
  } catch (error) {
    lines.push(`sleep(10) polled outside any runtime → Error: ${(error as Error).message}`);
  }
  const listener = await blockOn(Listener.bind({ port: 0 }));
  const server = HttpServer.serve(listener, page);
  const url = `http://127.0.0.1:${server.port}/`;
  let stuck = false;
  try {
    // 2. The library on an executor that never yields to Node's event loop.
    const abort = new AbortController();
    const vrt = new VirtualRuntime();
    try {
      // 1 virtual ms is plenty: nothing on this runtime can move the fetch on.
      vrt.runToCompletion(vrt.spawn(co(libraryGet, url, abort.signal)), 1);
      lines.push("fetch() on the virtual runtime finished (unexpected)");
    } catch (error) {
      stuck = true;
      lines.push(`fetch() on our virtual runtime (never yields to Node's loop) → Error: ${(error as Error).message}`);
    } finally {
      abort.abort();
    }
    // 3. The adapter: our live runtime runs between turns of Node's loop; the promise wakes our task.
    const status = await new LiveRuntime().blockOn(co(libraryGet, url, new AbortController().signal));
    lines.push(
      `fetch() on our live runtime (polls between turns of Node's loop; fromPromise wakes the task) → status ${status}`,
    );
    // 4. Our own client on our own reactor: no adapter needed.
    const client = new HttpClient();
    const ours = await new LiveRuntime().blockOn(client.request(url));
    client.close();
    lines.push(`HttpClient (our PollStream reactor) in our task → status ${ours.status}, ${ours.body.length} bytes`);
  } finally {
    server.close();
  }
  return {
    blocks: [
      { kind: "text", title: "a library bound to another runtime's reactor (Node's fetch), and the adapter", lines },
      {
        kind: "book",
        rows: [
          {
            label: "hyper on the book's executor",
            book: "panic: there is no reactor running …",
            ours: stuck ? "task not finished: nothing runnable, no timer" : "(it finished)",
          },
          {
            label: "the fix",
            book: "a custom executor + connector for hyper",
            ours: "run it where Node's loop turns (LiveRuntime + fromPromise)",
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "A future that needs a reactor only makes progress where that reactor " +
            "runs: fetch's sockets are serviced by Node's event loop, which our " +
            "virtual runtime never lets turn.",
          "The adapter runs our tasks between turns of Node's loop and lets the " +
            "library's promise wake our task — the role of the book's custom " +
            "executor and connector.",
          "Our HttpClient needs no adapter on the live runtime: its sockets report readiness straight to our tasks.",
        ],
      },
    ],
  };
}
