/**
 * Entry point of a pool worker thread: build the loop over the pool's shared
 * memory, route the submitter's messages to it, start it. Kept tiny so the path
 * `new Worker(new URL("./worker-main.js", import.meta.url))` loads little.
 */
import { parentPort, workerData } from "node:worker_threads";
import { WorkerLoop, type WorkerLoopInit } from "./worker-loop.js";

if (parentPort === null) throw new Error("worker-main.js must be started as a worker thread by ThreadPool");
const port = parentPort;
const init = workerData as Omit<WorkerLoopInit, "post">;
const loop = new WorkerLoop({ ...init, post: (batch) => port.postMessage(batch) });
port.on("message", (message: { kind: "abort"; id: number; task: number }) => {
  if (message.kind === "abort") loop.abort(message.id, message.task);
});
loop.start();
