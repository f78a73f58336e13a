/// <reference lib="esnext.disposable" preserve="true" />
/**
 * async-lab — the user API: futures and combinators, generator coroutines, the
 * runtimes (live, sim, threads), channels and locks, sockets and HTTP, the event bus,
 * patterns and actors. Every export is named here on purpose (no `export *`); what is
 * not listed is not public.
 *
 * The pieces the labs take apart to teach how a runtime works (timer heap, run queues,
 * poller and readiness, HTTP parser, scheduling policies, the mailbox …) are
 * published separately under `"async-lab/internals"`: documented, but free to change
 * between minor versions. A few of them are still listed here as well, because the
 * chapter labs import them from this entry; see `src/internals.ts`.
 *
 * Why the `reference lib` line above: the library is compiled with `esnext.disposable`
 * (`Mutex` guards, `EventHandle` and `IsolatedRuntime` implement `Disposable`, so
 * `using` works with them). In a consumer whose `lib` lacks it — `target es2022` with its
 * default lib — the `Future<T> | Co<T>` parameters of `spawn` and `blockOn` inferred
 * `unknown` (TS18046 on `x + 1` after `yield* join(...)`; test/consumer/types.ts). The
 * directive makes the published declarations bring the lib they were written against.
 */

// --- futures: the poll contract ---
export { PENDING, isFuture, noopWaker, PolledAfterCompletion } from "./futures/poll.js";
export type { Pending, Poll, Waker, Context, Future, Output, Timers, TimerEntry } from "./futures/poll.js";
export { BaseFuture, awaitable } from "./futures/base-future.js";
export type { Awaitable } from "./futures/base-future.js";
export { TimeoutError, CancelledError } from "./futures/errors.js";

// --- futures: combinators and leaf futures ---
export { ready, pending, pollFn, yieldNow, lazy, map, YieldNow } from "./futures/basic.js";
export { sleep, Sleep } from "./futures/sleep.js";
export { sleepUntil } from "./futures/sleep.js";
export { interval, Interval, LATE_SLACK_MS } from "./futures/interval.js";
export type { IntervalOptions, MissedTickBehavior } from "./futures/interval.js";
export { join, joinAll, tryJoin, tryJoinAll } from "./futures/join.js";
export type { Outputs } from "./futures/join.js";
export { select, timeout } from "./futures/select.js";
export type { Selected } from "./futures/select.js";
export { timeoutAt } from "./futures/select.js";
export type { SelectOptions } from "./futures/select.js";
export { fromPromise, abortFuture } from "./futures/promise.js";
export { Mutex, MutexGuard } from "./futures/mutex.js";
export { oneshot, ChannelClosed, type OneshotSender, type OneshotReceiver } from "./futures/oneshot.js";

// --- futures: watch channel (chapter 1, file watcher) ---
export { watch, WatchSender, WatchReceiver, Changed } from "./futures/watch.js";

// --- futures: the waiter list and the sync primitives built on it (tokio::sync) ---
export { WaiterList, Waiter } from "./futures/waiter-list.js";
export type { WaiterChooser } from "./futures/waiter-list.js";
export { Semaphore, SemaphorePermit, SemaphoreClosed } from "./futures/semaphore.js";
export { Notify } from "./futures/notify.js";
export { channel, unboundedChannel, Sender, UnboundedSender, Receiver, SendError, CLOSED } from "./futures/mpsc.js";
export type { Closed, TrySend } from "./futures/mpsc.js";
export { broadcast, BroadcastSender, BroadcastReceiver, Lagged } from "./futures/broadcast.js";

// --- futures: coroutines ---
export { co, GeneratorFuture, isGenerator } from "./futures/generator-future.js";
export type { Co } from "./futures/generator-future.js";
export { fromGenerator, asFuture } from "./futures/coroutine.js";
export type { Coroutine, CoroutineState } from "./futures/coroutine.js";

// --- runtime ---
export { Task, JoinError } from "./runtime/task.js";
export { abandon, ABANDON } from "./futures/abandon.js";
export type { Abandonable } from "./futures/abandon.js";
export type { DetachedErrorHandler } from "./runtime/driver-kit.js";
export type { JoinHandle, SpawnOptions, TaskScheduler } from "./runtime/task.js";
export { LiveRuntime, getDefaultRuntime } from "./runtime/live-runtime.js";
export type { LiveRuntimeOptions, RuntimeStats } from "./runtime/live-runtime.js";
export { spawn, blockOn } from "./runtime/spawn.js";
export { JoinSet } from "./runtime/join-set.js";
export type { JoinNext, AbortHandle } from "./runtime/join-set.js";
export { currentRuntime, enterRuntime } from "./runtime/current.js";
export type { Spawner } from "./runtime/current.js";
export * as config from "./runtime/config.js";
export { blockingSleep, busyWork } from "./runtime/blocking.js";
export { seededRandom, randomInt } from "./runtime/rng.js";
export type { Rng } from "./runtime/rng.js";

// --- threads: the work-stealing pool on worker_threads ---
export { ThreadPool, DEFAULT_CAPACITY } from "./runtime/threads/thread-pool.js";
export type { TaskDescriptor, SubmitOptions, ThreadPoolOptions, WorkerStats } from "./runtime/threads/thread-pool.js";
export { PoolHandle, WorkerDiedError, PoolClosedError } from "./runtime/threads/pool-handle.js";
export { ResultLostError } from "./runtime/threads/pool-handle.js";
export type { PoolTaskState } from "./runtime/threads/pool-handle.js";
export { TaskContext } from "./runtime/threads/worker-loop.js";

// --- sync: thread-level mutex and condvar on Atomics, module workers (chapter 1) ---
export { AtomicMutex } from "./runtime/sync/atomic-mutex.js";
export { AtomicCondvar } from "./runtime/sync/atomic-condvar.js";
export { startModuleWorker, siblingModule, workerResult } from "./runtime/module-worker.js";

// --- runtime: readiness-based I/O and HTTP (chapter 4) ---
export { READABLE, WRITABLE } from "./runtime/io/readiness.js";
export { Poller } from "./runtime/io/poller.js";
export type { AsyncRead, AsyncWrite, AsyncReadWrite } from "./runtime/io/async-io.js";
export { PollStream } from "./runtime/io/stream.js";
export { connect } from "./runtime/io/connect.js";
export type { ConnectTarget } from "./runtime/io/connect.js";
export { Listener, AcceptFuture } from "./runtime/io/listener.js";
export type { BindTarget } from "./runtime/io/listener.js";
export { HttpParseError } from "./runtime/io/http-message.js";
export type { HttpRequest, HttpResponse, Headers } from "./runtime/io/http-message.js";
export { HttpServer } from "./runtime/io/http-server.js";
export type { HttpHandler, HttpServerStats } from "./runtime/io/http-server.js";
export { HttpClient } from "./runtime/io/http-client.js";
export type { ClientRequest, ClientResponse, HttpClientOptions } from "./runtime/io/http-client.js";
export { HttpClientTimeout } from "./runtime/io/http-client.js";
export type { HttpServerOptions } from "./runtime/io/http-server.js";
export { ChunkedDecoder } from "./runtime/io/http-chunked.js";
export { HttpTimeout, NODE_TIMEOUTS } from "./runtime/io/http-deadline.js";
export type { ReadTimeouts } from "./runtime/io/http-deadline.js";
export type { MessageLimits } from "./runtime/io/http-reader.js";

// --- scheduling (chapter 3): policies, the runtime builder, the sim driver, traces ---
export { Runtime } from "./runtime/builder.js";
export { SimRuntime } from "./runtime/sim/sim-runtime.js";
export type { MultiQueueOptions } from "./runtime/sim/sim-runtime.js";
export { LiveLoopsRuntime } from "./runtime/live-loops.js";
export { burn, block } from "./runtime/cost.js";
export { createPolicy } from "./runtime/policy/index.js";
export { POLICY_NAMES, isPolicyName, WorkerLayout } from "./runtime/policy/policy.js";
export type { PolicyName, QueueSpec } from "./runtime/policy/policy.js";
export { TraceRecorder } from "./runtime/trace.js";
export type { TraceEvent, TraceKind, ChromeTraceEvent, TimelineData } from "./runtime/trace.js";
export type { SchedulerReport } from "./runtime/scheduler-report.js";
export type { LatencySummary } from "./runtime/latency.js";
export type { SchedulerConfig } from "./runtime/config.js";

// --- reactive: subjects, observers, event bus (issue 7) ---
export { AtomicCell } from "./reactive/atomic-cell.js";
export type { CompareExchange } from "./reactive/atomic-cell.js";
export { WatchedCell } from "./reactive/watched-cell.js";
export { EventBus, EventHandle } from "./reactive/event-bus.js";
export { NO_EVENT } from "./reactive/event-bus.js";
export type { NoEvent } from "./reactive/event-bus.js";
export type { BackpressurePolicy, SubscribeOptions, EventBusOptions, SubscriberStats } from "./reactive/event-bus.js";

// --- patterns: virtual clock, state machine, retry, circuit breaker, decorator, waterfall (issue 7) ---
export { VirtualRuntime } from "./runtime/virtual-runtime.js";
export { VirtualTimers } from "./runtime/virtual-timers.js";
export type { VirtualRuntimeOptions } from "./runtime/virtual-runtime.js";
export { retry } from "./patterns/retry.js";
export type { RetryOptions } from "./patterns/retry.js";
export { CircuitBreaker, CircuitOpenError } from "./patterns/circuit-breaker.js";
export type { BreakerState, CircuitBreakerOptions } from "./patterns/circuit-breaker.js";
export { withLogging } from "./patterns/logging-future.js";
export { waterfall } from "./patterns/waterfall.js";
export type { Step as WaterfallStep } from "./patterns/waterfall.js";
export { IsolatedRuntime, IsolatedTimeoutError } from "./patterns/isolated-runtime.js";
export type { IsolatedJob, IsolatedRuntimeOptions, IsolatedLogLine } from "./patterns/isolated-runtime.js";

// --- actors ---
export { ActorSystem, actorSystem, spawnActor } from "./actors/system.js";
export type { ActorSystemOptions } from "./actors/system.js";
export type {
  Actor,
  ActorContext,
  ActorExit,
  ActorFactory,
  ActorRef,
  Cancellable,
  Phase,
  Recipient,
  SpawnActorOptions,
  Step,
} from "./actors/actor.js";
export { ActorStopped, RequestTimeout, MailboxFull, AlreadyRegistered, Escalated } from "./actors/errors.js";
export { RestartPolicy } from "./actors/supervision.js";
export type { Backoff, Decision, Directive, Strategy, SupervisionOptions } from "./actors/supervision.js";
export { randomChooser } from "./runtime/rng.js";
export type { Chooser, ChoiceKind } from "./runtime/rng.js";
export type { SimObserver } from "./runtime/sim/sim-runtime.js";
export { AnyReadyPolicy } from "./runtime/policy/any-ready.js";
export { explore, replay } from "./runtime/explore/explore.js";
export type { ExploreOptions, ExploreResult, ExploreFailure, ReplayResult } from "./runtime/explore/explore.js";
export type {
  ExploreProgram,
  ExploreContext,
  Failure as ScheduleFailure,
  FailureKind,
} from "./runtime/explore/run-schedule.js";
export { formatSchedule, parseSchedule } from "./runtime/explore/decisions.js";
export type { Decision as ScheduleDecision } from "./runtime/explore/decisions.js";
export { STRATEGY_NAMES } from "./runtime/explore/strategies.js";
export type { StrategyName } from "./runtime/explore/strategies.js";
export { DeadLetters } from "./actors/dead-letters.js";
export type { DeadLetter, DeadLetterListener, DeadLetterReason } from "./actors/dead-letters.js";
export { WeakActorRef } from "./actors/weak-ref.js";
export type { ActorMetricsSnapshot } from "./actors/actor-metrics.js";
export { Deadlock } from "./actors/errors.js";
export { Peer } from "./actors/remote/peer.js";
export type { ByteStream, PeerEvent, PeerOptions } from "./actors/remote/peer.js";
export { connectPeer, servePeers, portPeer } from "./actors/remote/connect-peer.js";
export { ServiceMap, service, fnv1a32 } from "./actors/remote/service-map.js";
export type { Service } from "./actors/remote/service-map.js";
export { RemoteRef, RemoteAsk } from "./actors/remote/remote-ref.js";
export { RemoteError, ConnectionClosed } from "./actors/remote/remote-errors.js";
export { PortStream } from "./actors/remote/port-stream.js";
export {
  FrameReader,
  FrameError,
  encodeFrame,
  encodePayload,
  decodePayload,
  REPLY as FRAME_REPLY,
  ERROR as FRAME_ERROR,
  HEADER_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
} from "./actors/remote/wire.js";
export type { Frame, RemoteErrorKind } from "./actors/remote/wire.js";
export { spawnThreadActor, ThreadActorRef } from "./actors/thread/thread-actor.js";
export type { ThreadActorOptions } from "./actors/thread/thread-actor.js";
export { BlockingActorRef } from "./actors/thread/blocking.js";
export type { BlockingDescriptor } from "./actors/thread/blocking.js";
