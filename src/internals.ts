/// <reference lib="esnext.disposable" preserve="true" />
/**
 * async-lab/internals — the parts the labs take apart to teach how a runtime works.
 *
 * These are real, tested modules, published so a reader can drive them directly (push
 * onto a run queue, arm the timer heap, feed bytes to the HTTP reader) the way the book
 * pokes at Tokio's insides. They are not the user API: names and shapes here may change
 * in any minor version, while `"async-lab"` (src/index.ts) changes only with the
 * version number's rules. An application should not need anything from this file.
 *
 * Every export is named (no `export *`), like the main entry, so the list below is the
 * whole of what is reachable.
 */

// --- futures: the timer seam a runtime gives its futures, the leaf futures' classes ---
export type { Timers, TimerEntry } from "./futures/poll.js";
export { YieldNow } from "./futures/basic.js";
export { Sleep } from "./futures/sleep.js";

// --- runtime: queues and timers ---
export { RingQueue } from "./runtime/run-queue.js";
export type { RunQueue } from "./runtime/run-queue.js";
export { TimerHeap } from "./runtime/timer-heap.js";
export { TimerBuckets } from "./runtime/timer-buckets.js";
export { TaskQueue } from "./runtime/task-queue.js";
export { LiveTimers } from "./runtime/live-timers.js";
export * as config from "./runtime/config.js";
export { Task } from "./runtime/task.js";
export type { TaskScheduler } from "./runtime/task.js";

// --- runtime: scheduling policies (what `Runtime.withPolicy(name)` builds) ---
export { createPolicy } from "./runtime/policy/index.js";
export { WorkerLayout } from "./runtime/policy/policy.js";
export type { SchedulingPolicy, PolicyContext, StealListener } from "./runtime/policy/policy.js";
export { TraceRecorder } from "./runtime/trace.js";

// --- runtime: readiness-based I/O, mio style (chapter 4) ---
export { READABLE, WRITABLE, ERROR, ScheduledIo } from "./runtime/io/readiness.js";
export type { Interest } from "./runtime/io/readiness.js";
export { Poller } from "./runtime/io/poller.js";
export type { IoEvent, Source } from "./runtime/io/poller.js";
export { ReadFuture, ReadExactFuture, ReadToEndFuture, WriteAllFuture, ShutdownFuture } from "./runtime/io/async-io.js";
export { PollStream } from "./runtime/io/stream.js";

// --- runtime: the HTTP/1.1 parser and framing the server and client share ---
export {
  HttpParseError,
  parseHead,
  decodeChunked,
  encodeChunked,
  serializeResponse,
  serializeRequest,
} from "./runtime/io/http-message.js";
export type { Framing, ParsedHead } from "./runtime/io/http-message.js";
export { MessageReader, IncompleteMessage } from "./runtime/io/http-reader.js";

// --- reactive and patterns: the cells and the virtual clock under chapters 6 and 9 ---
export { AtomicCell } from "./reactive/atomic-cell.js";
export type { CompareExchange } from "./reactive/atomic-cell.js";
export { WatchedCell } from "./reactive/watched-cell.js";
export { VirtualTimers } from "./runtime/virtual-timers.js";
export { LoggingFuture } from "./patterns/logging-future.js";

// --- actors: the mailbox under every actor ---
export { Mailbox } from "./actors/mailbox.js";
