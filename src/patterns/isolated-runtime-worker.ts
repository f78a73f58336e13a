/**
 * The worker side of `IsolatedRuntime` (E9.1): a private `LiveRuntime` with its own event
 * loop, the map from handle id to `JoinHandle` (the book's `MAP`), and the reply protocol.
 *
 * Invariants: each request gets exactly one reply, posted on the request port *before*
 * the reply counter is bumped and notified — so when the blocked caller wakes, the reply
 * is already in its port's queue; a handle leaves the map on the first `get` (found or
 * not, it is never awaited twice). The caller is blocked for the whole of a `get`, so
 * requests never overlap and replies need no sequence numbers.
 */
import { workerData } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { randomUUID } from "node:crypto";
import { LiveRuntime } from "../runtime/live-runtime.js";
import type { JoinHandle } from "../runtime/task.js";
import type { IsolatedJob, IsolatedLogLine, IsolatedReply, IsolatedRequest } from "./isolated-runtime.js";

interface WorkerData {
  jobsModule: string;
  signal: Int32Array;
  port: MessagePort;
  logPort: MessagePort;
}

const { jobsModule, signal, port, logPort } = workerData as WorkerData;
const REPLIES = 0;
const runtime = new LiveRuntime();
const handles = new Map<string, JoinHandle<unknown>>();
const jobs: Promise<Record<string, IsolatedJob>> = import(jobsModule).then(
  (m: { jobs?: Record<string, IsolatedJob> }) => {
    if (m.jobs === undefined) throw new TypeError(`isolated runtime: ${jobsModule} exports no 'jobs'`);
    return m.jobs;
  },
);
jobs.catch(() => {}); // reported to the caller on its first request, not as an unhandled rejection here

const log = (line: string): void =>
  logPort.postMessage({ at: performance.timeOrigin + performance.now(), line } satisfies IsolatedLogLine);

/** True from a request's arrival until its reply: a stray failure never answers a call nobody made. */
let outstanding = false;

function reply(r: IsolatedReply): void {
  if (!outstanding) return;
  outstanding = false;
  port.postMessage(r);
  Atomics.add(signal, REPLIES, 1);
  Atomics.notify(signal, REPLIES);
}

function fail(error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  reply({
    ok: false,
    error: { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) },
  });
}

async function handle(request: IsolatedRequest): Promise<void> {
  if (request.kind === "spawn") {
    const job = (await jobs)[request.job];
    if (job === undefined) throw new Error(`isolated runtime: no job named '${request.job}'`);
    const id = randomUUID();
    handles.set(id, runtime.spawn(job(request.args, log), { name: request.job }));
    reply({ ok: true, value: id });
    return;
  }
  const h = handles.get(request.id);
  handles.delete(request.id);
  if (h === undefined) throw new Error("No handle found");
  // blockOn-style unwrap: the caller wants the job's own error, not the JoinError around it.
  const value = await h.toPromise().catch((error: unknown) => {
    throw error instanceof Error && error.name === "JoinError" && error.cause !== undefined ? error.cause : error;
  });
  reply({ ok: true, value });
}

port.on("message", (request: IsolatedRequest) => {
  outstanding = true;
  handle(request).catch(fail);
});
// A throw that escaped everything would leave the caller blocked forever: answer it instead.
process.on("uncaughtException", fail);
