/**
 * async-lab — the public surface. Every export is named here on purpose (no
 * `export *`): what is not listed is internal and may change.
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
export { RingQueue } from "./runtime/run-queue.js";
export type { RunQueue } from "./runtime/run-queue.js";
export { TimerHeap } from "./runtime/timer-heap.js";
export { LiveTimers } from "./runtime/live-timers.js";
export * as config from "./runtime/config.js";
export { blockingSleep, busyWork } from "./runtime/blocking.js";
export { seededRandom, randomInt } from "./runtime/rng.js";
export type { Rng } from "./runtime/rng.js";

// --- threads: the work-stealing pool on worker_threads ---
export { ThreadPool, DEFAULT_CAPACITY } from "./runtime/threads/thread-pool.js";
export type { TaskDescriptor, SubmitOptions, ThreadPoolOptions, WorkerStats } from "./runtime/threads/thread-pool.js";
export { PoolHandle, WorkerDiedError, PoolClosedError } from "./runtime/threads/pool-handle.js";
export type { PoolTaskState } from "./runtime/threads/pool-handle.js";
export { TaskContext } from "./runtime/threads/worker-loop.js";

// --- sync: thread-level mutex and condvar on Atomics, module workers (chapter 1) ---
export { AtomicMutex } from "./runtime/sync/atomic-mutex.js";
export { AtomicCondvar } from "./runtime/sync/atomic-condvar.js";
export { startModuleWorker, siblingModule, workerResult } from "./runtime/module-worker.js";

// --- runtime: readiness-based I/O and HTTP (chapter 4) ---
export { READABLE, WRITABLE, ERROR, ScheduledIo } from "./runtime/io/readiness.js";
export type { Interest } from "./runtime/io/readiness.js";
export { Poller } from "./runtime/io/poller.js";
export type { IoEvent, Source } from "./runtime/io/poller.js";
export { ReadFuture, ReadExactFuture, ReadToEndFuture, WriteAllFuture, ShutdownFuture } from "./runtime/io/async-io.js";
export type { AsyncRead, AsyncWrite, AsyncReadWrite } from "./runtime/io/async-io.js";
export { PollStream } from "./runtime/io/stream.js";
export { connect } from "./runtime/io/connect.js";
export type { ConnectTarget } from "./runtime/io/connect.js";
export { Listener, AcceptFuture } from "./runtime/io/listener.js";
export type { BindTarget } from "./runtime/io/listener.js";
export { HttpParseError, parseHead, decodeChunked, encodeChunked, serializeResponse, serializeRequest } from "./runtime/io/http-message.js";
export type { HttpRequest, HttpResponse, Headers, Framing, ParsedHead } from "./runtime/io/http-message.js";
export { MessageReader, IncompleteMessage } from "./runtime/io/http-reader.js";
export { HttpServer } from "./runtime/io/http-server.js";
export type { HttpHandler, HttpServerStats } from "./runtime/io/http-server.js";
export { HttpClient } from "./runtime/io/http-client.js";
export type { ClientRequest, ClientResponse, HttpClientOptions } from "./runtime/io/http-client.js";

// --- scheduling (chapter 3): policies, the runtime builder, the sim driver, traces ---
export { Runtime } from "./runtime/builder.js";
export { SimRuntime } from "./runtime/sim/sim-runtime.js";
export type { MultiQueueOptions } from "./runtime/sim/sim-runtime.js";
export { LiveLoopsRuntime } from "./runtime/live-loops.js";
export { burn, block } from "./runtime/cost.js";
export { createPolicy } from "./runtime/policy/index.js";
export { POLICY_NAMES, isPolicyName, WorkerLayout } from "./runtime/policy/policy.js";
export type { PolicyName, QueueSpec, SchedulingPolicy, PolicyContext, StealListener } from "./runtime/policy/policy.js";
export { TraceRecorder } from "./runtime/trace.js";
export type { TraceEvent, TraceKind, ChromeTraceEvent, TimelineData } from "./runtime/trace.js";
export type { SchedulerReport } from "./runtime/scheduler-report.js";
export type { LatencySummary } from "./runtime/latency.js";
export type { SchedulerConfig } from "./runtime/config.js";

// --- reactive: subjects, observers, event bus (issue 7) ---
export { AtomicCell } from "./reactive/atomic-cell.js";
export type { CompareExchange } from "./reactive/atomic-cell.js";
export { WatchedCell } from "./reactive/watched-cell.js";
export { HeaterSubjects, BOOK_HEATER, startHeater, summarizeHeater } from "./reactive/heater.js";
export type { HeaterParams, HeaterTrace, HeaterRun, HeaterSummary, ObserverDesign } from "./reactive/heater.js";
export { simulateHeater, SIM_POLL_COST_MS } from "./reactive/simulate-heater.js";
export type { SimulatedHeater } from "./reactive/simulate-heater.js";
export { EventBus, EventHandle } from "./reactive/event-bus.js";
export type { BackpressurePolicy, SubscribeOptions, EventBusOptions, SubscriberStats } from "./reactive/event-bus.js";

// --- patterns: virtual clock, state machine, retry, circuit breaker, decorator, waterfall (issue 7) ---
export { VirtualRuntime } from "./runtime/virtual-runtime.js";
export { VirtualTimers } from "./runtime/virtual-timers.js";
export type { VirtualRuntimeOptions } from "./runtime/virtual-runtime.js";
export { transition } from "./patterns/state-machine.js";
export type { SwitchState, SwitchEvent } from "./patterns/state-machine.js";
export { retry } from "./patterns/retry.js";
export type { RetryOptions } from "./patterns/retry.js";
export { CircuitBreaker, CircuitOpenError } from "./patterns/circuit-breaker.js";
export type { BreakerState, CircuitBreakerOptions } from "./patterns/circuit-breaker.js";
export { LoggingFuture, withLogging } from "./patterns/logging-future.js";
export { waterfall } from "./patterns/waterfall.js";
export type { Step as WaterfallStep } from "./patterns/waterfall.js";
export { IsolatedRuntime, IsolatedTimeoutError } from "./patterns/isolated-runtime.js";
export type { IsolatedJob, IsolatedRuntimeOptions, IsolatedLogLine } from "./patterns/isolated-runtime.js";

// --- labs: the data shapes experiments return (for people writing their own) ---
export type {
  Block, BookComparisonBlock, Cell, Chapter, ChapterOption, ChartBlock, Column, Experiment, ExperimentResult,
  LabOptions, NoticeBlock, TableBlock, TextBlock, TimelineBlock,
} from "./labs/types.js";

// --- actors ---
export { ActorSystem, actorSystem, spawnActor } from "./actors/system.js";
export type { ActorSystemOptions } from "./actors/system.js";
export type { Actor, ActorContext, ActorExit, ActorFactory, ActorRef, Cancellable, Phase, Recipient, SpawnActorOptions, Step } from "./actors/actor.js";
export { ActorStopped, RequestTimeout, MailboxFull, AlreadyRegistered, Escalated } from "./actors/errors.js";
export { Mailbox } from "./actors/mailbox.js";
export { RestartPolicy } from "./actors/supervision.js";
export type { Backoff, Decision, Directive, Strategy, SupervisionOptions } from "./actors/supervision.js";
export { randomChooser } from "./runtime/rng.js";
export type { Chooser, ChoiceKind } from "./runtime/rng.js";
export type { SimObserver } from "./runtime/sim/sim-runtime.js";
export { AnyReadyPolicy } from "./runtime/policy/any-ready.js";
export { explore, replay } from "./runtime/explore/explore.js";
export type { ExploreOptions, ExploreResult, ExploreFailure, ReplayResult } from "./runtime/explore/explore.js";
export type { ExploreProgram, ExploreContext, Failure as ScheduleFailure, FailureKind } from "./runtime/explore/run-schedule.js";
export { formatSchedule, parseSchedule } from "./runtime/explore/decisions.js";
export type { Decision as ScheduleDecision } from "./runtime/explore/decisions.js";
export { STRATEGY_NAMES } from "./runtime/explore/strategies.js";
export type { StrategyName } from "./runtime/explore/strategies.js";
