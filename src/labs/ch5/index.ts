/**
 * Chapter 5 — Coroutines. Generators are JavaScript's coroutines; `fromGenerator`
 * gives them the book's `resume → yielded | complete` face, and `asFuture` is the
 * adapter back to futures. One file per experiment in this folder.
 */
import { RandCoroutine } from "./coroutines.js";

import type { Chapter } from "../types.js";
import { writeNumbersExperiment, readCsv, fileTransfer, symmetric } from "./file-coroutines.js";
import { sleepCoroutines } from "./sleep-coroutines.js";
import { randomControl } from "./random-control.js";
import { nestingFuture } from "./nesting-future.js";
import { toWorker } from "./to-worker.js";
import { mutexCoroutine } from "./mutex-coroutine.js";
import { nestingCost } from "./nesting-cost.js";

export const ch5: Chapter = {
  id: "ch5",
  title: "Coroutines",
  experiments: [
    {
      id: "write-numbers",
      book: "E5.1",
      title: "200,000 numbers: reopen vs coroutine",
      summary: "reopening the file per number vs a coroutine holding the handle",
      run: writeNumbersExperiment,
    },
    {
      id: "read-csv",
      book: "E5.2",
      title: "ReadCoroutine over test.csv",
      summary: "resume until Complete: 1 2 3 4 5",
      run: readCsv,
    },
    {
      id: "transfer",
      book: "E5.3",
      title: "File transfer through two coroutines",
      summary: "peak heap stays flat while the file grows",
      run: fileTransfer,
    },
    {
      id: "symmetric",
      book: "E5.4",
      title: "Symmetric coroutines",
      summary: "reader and writer shuttled by main",
      run: symmetric,
    },
    {
      id: "sleep",
      book: "E5.5-E5.6",
      title: "Three sleep coroutines take one sleep",
      summary: "round-robin executor, then the asFuture adapter",
      run: sleepCoroutines,
    },
    {
      id: "random",
      book: "E5.7",
      title: "Externally controlled random coroutines",
      summary: "lower cut-off → higher total (seeded)",
      run: randomControl,
    },
    {
      id: "nesting-future",
      book: "E5.8",
      title: "NestingFuture: a future that polls another",
      summary: "polls forwarded one for one; a vector of value futures killed by E5.7's rules",
      run: nestingFuture,
    },
    {
      id: "worker",
      book: "E5.9",
      title: "Coroutines handed to a worker thread",
      summary: "generators cannot be posted: state sent, rebuilt",
      run: toWorker,
    },
    {
      id: "mutex",
      book: "E5.10",
      title: "Testing the mutex coroutine",
      summary: "step by step 0,1,2,3,4, then under the executor",
      run: mutexCoroutine,
    },
    {
      id: "nesting",
      title: "The cost of nested yield*",
      summary: "resume cost at depth 1, 10, 100 vs a hand-written future",
      run: nestingCost,
    },
  ],
};

// Keep RandCoroutine reachable for readers of this chapter (it is what E5.7 runs).
export { RandCoroutine };
