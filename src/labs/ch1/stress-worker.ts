/**
 * One thread of E1.1 (stress.ts): the book's `fibonacci(4000)`, which never
 * returns — about φ^4000 ≈ 10^836 calls. It says "computing" first, so the
 * measured window starts only once every thread is busy (thread start-up excluded),
 * and it is stopped by `worker.terminate()`, which interrupts the running
 * JavaScript (no cooperative stop flag is needed, or possible, inside `fibonacci`).
 */
import { parentPort, workerData } from "node:worker_threads";
import { fibonacci } from "./work.js";

const { n } = workerData as { n: number };
parentPort!.postMessage("computing");
parentPort!.postMessage(fibonacci(n)); // not reached for the book's n: the thread is terminated first
