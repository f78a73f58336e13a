/**
 * An isolated async module with synchronous entry points (E9.1): a private runtime in a
 * worker thread, driven from plain synchronous code. `spawn(job, args)` starts a task
 * and returns a handle id at once (the book's `send_add`); `get(id)` blocks the caller
 * until that task has finished and returns its value or throws its error (`get_add`,
 * which `block_on`s the `JoinHandle`).
 *
 * Invariants: every synchronous call posts exactly one request and consumes exactly one
 * reply, so replies can never be matched to the wrong call; a handle id is in the
 * worker's map from `spawn` until the one `get` that removes it (a second `get`, or an
 * unknown id, is "No handle found"); after `close()` the worker is terminated and every
 * call throws at once. The worker is `unref`'d: a program that forgot `close()` still
 * exits (unfinished tasks die with it, as Tokio's threads die with a Rust process).
 * While a call blocks, the caller's thread runs nothing at all — not even a SIGINT
 * handler — so give `timeoutMs` where a caller must stay interruptible.
 *
 * Why a worker and `Atomics.wait`: the book's `block_on` parks the calling thread while
 * the runtime's own threads make progress. Node's main thread has a single event loop:
 * while synchronous code runs, nothing else on that thread can — no timer fires, no
 * promise settles, so a runtime living on the main thread would never finish the task
 * we are waiting for (deadlock). Rejected alternatives:
 *  - busy-loop on the main thread until a flag flips: the flag is set by a callback that
 *    can only run after the loop ends — it spins forever;
 *  - drive the executor by hand inside `get` (poll tasks, `blockingSleep` until the next
 *    timer): works for our own timers only; anything that needs Node's event loop
 *    (sockets, fs, promises from other libraries) never completes;
 *  - `child_process.execSync` per call: a new process per call, and no shared handle map;
 *  - make the caller async: exactly what an isolated module with synchronous entry
 *    points exists to avoid.
 * So the runtime runs on its own thread with its own event loop, and the caller sleeps
 * in `Atomics.wait` on a SharedArrayBuffer word the worker bumps and notifies after each
 * reply; the reply itself is taken off a MessagePort synchronously with
 * `receiveMessageOnPort` (structured clone does the marshalling; no hand-made encoding).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { siblingModule, startModuleWorker } from "../runtime/module-worker.js";
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";

/**
 * A job the isolated module offers: cloneable arguments in, a future (or generator) out.
 * It runs inside the worker; `log` sends a line back to the caller (see `drainLogs`).
 */
export type IsolatedJob = (args: unknown[], log: (line: string) => void) => Future<unknown> | Co<unknown>;

/** Requests the caller sends; each gets exactly one reply. */
export type IsolatedRequest = { kind: "spawn"; job: string; args: unknown[] } | { kind: "get"; id: string };

/** What crosses back: a value, or an error flattened to plain fields (structured clone keeps them). */
export type IsolatedReply =
  { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; stack?: string } };

/** A line logged inside the worker, stamped on the shared wall clock so it can be merged with the caller's lines. */
export interface IsolatedLogLine {
  at: number;
  line: string;
}

/** Word 0 of the signal buffer counts replies; the caller waits for it to move. */
const REPLIES = 0;

export interface IsolatedRuntimeOptions {
  /** Longest a synchronous call may block before it throws (default: forever, as `block_on`). */
  timeoutMs?: number;
}

/**
 * Thrown by a call the worker did not answer within its timeout. The runtime is closed
 * with it: the late reply would otherwise be taken as the answer to the *next* call.
 */
export class IsolatedTimeoutError extends Error {
  override readonly name = "IsolatedTimeoutError";
}

export class IsolatedRuntime {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly logPort: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly timeoutMs: number;
  private closed = false;

  /**
   * `jobsModule`: the URL of an ES module exporting `jobs: Record<string, IsolatedJob>`
   * (see isolated-runtime-worker.ts). It is imported inside the worker only: functions
   * cannot cross threads, so the caller names a job and passes cloneable arguments.
   */
  constructor(jobsModule: URL, options: IsolatedRuntimeOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? Infinity;
    const requests = new MessageChannel();
    const logs = new MessageChannel();
    this.port = requests.port1;
    this.logPort = logs.port1;
    const workerData = { jobsModule: jobsModule.href, signal: this.signal, port: requests.port2, logPort: logs.port2 };
    this.worker = startWorker(workerData, [requests.port2, logs.port2]);
    this.worker.unref();
  }

  /** Start `job(...args)` on the private runtime; returns its handle id without waiting for it. */
  spawn(job: string, args: unknown[] = []): string {
    return this.call({ kind: "spawn", job, args }, this.timeoutMs) as string;
  }

  /** Block until the task behind `id` has finished; its value, or its error thrown here. */
  get<T = unknown>(id: string, options: IsolatedRuntimeOptions = {}): T {
    return this.call({ kind: "get", id }, options.timeoutMs ?? this.timeoutMs) as T;
  }

  /** Lines the jobs logged since the last call, in the order they were logged. */
  drainLogs(): IsolatedLogLine[] {
    const out: IsolatedLogLine[] = [];
    for (let m = receiveMessageOnPort(this.logPort); m !== undefined; m = receiveMessageOnPort(this.logPort))
      out.push(m.message as IsolatedLogLine);
    return out;
  }

  /** Terminate the worker (and every unfinished task in it). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    this.logPort.close();
    void this.worker.terminate();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private call(request: IsolatedRequest, timeoutMs: number): unknown {
    if (this.closed) throw new Error("isolated runtime is closed");
    const seen = Atomics.load(this.signal, REPLIES);
    this.port.postMessage(request);
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(this.signal, REPLIES) === seen) {
      const left = deadline - performance.now();
      if (left <= 0) {
        this.close();
        throw new IsolatedTimeoutError(
          `isolated runtime: no reply to '${request.kind}' within ${timeoutMs} ms (runtime closed)`,
        );
      }
      // The caller's thread sleeps here (no CPU) until the worker bumps REPLIES and notifies.
      Atomics.wait(this.signal, REPLIES, seen, left === Infinity ? undefined : left);
    }
    const reply = receiveMessageOnPort(this.port)?.message as IsolatedReply | undefined;
    if (reply === undefined) throw new Error("isolated runtime: signalled without a reply (worker protocol broken)");
    if (reply.ok) return reply.value;
    const error = new Error(reply.error.message);
    error.name = reply.error.name;
    // Keep the worker's stack: that is where the failure happened; ours only says who waited.
    if (reply.error.stack !== undefined)
      error.stack =
        `${reply.error.stack}\n    --- awaited synchronously in the caller ` +
        `---${error.stack?.slice(error.stack.indexOf("\n")) ?? ""}`;
    throw error;
  }
}

/** Start the worker script next to this file (compiled, or from sources through tsx: see module-worker.ts). */
function startWorker(workerData: object, transferList: MessagePort[]): Worker {
  return startModuleWorker(siblingModule(import.meta.url, "isolated-runtime-worker"), workerData, { transferList });
}
