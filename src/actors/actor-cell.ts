/**
 * One actor: its address (actor-address.ts), the context its handlers get
 * (actor-context.ts), its lifecycle (actor-lifecycle.ts: the states, and what a
 * request or a failure does), and the task that drives it — this file: the poll of
 * each state. The message loop (message-loop.ts), the children (actor-children.ts)
 * and the resources (actor-resources.ts) live in their own files; this one decides
 * which of them runs.
 *
 * Invariants:
 * 1. The cell is not a future: its task is an `ActorTask`, so a ref is never
 *    mistaken for something to await (actor-address.ts).
 * 2. With the host's `slowPollMs` set (e.g. 10), a poll longer than that is counted
 *    and may be logged (spawned's warning for its async backend): such an actor
 *    stalls every other task on its thread — move it to a thread (thread/thread-actor.ts).
 *    Off by default: it costs two clock reads per poll.
 * 3. A hook or handler that throws is handed to `stepFailed` (actor-lifecycle.ts,
 *    invariant 2); a request seen at the top of the poll is acted on before any step.
 */
import { performance } from "node:perf_hooks";
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Future, type Poll } from "../futures/poll.js";
import type {
  Actor,
  ActorContext,
  ActorExit,
  ActorFactory,
  ActorRef,
  Cancellable,
  SpawnActorOptions,
} from "./actor.js";
import { Children } from "./actor-children.js";
import type { ActorHost } from "./actor-host.js";
import { AllEnded, EndFuture } from "./actor-end.js";
import {
  ActorLifecycle,
  BACKOFF,
  FAILURE_REPORTED,
  KILL_REQUESTED,
  KILLED,
  RESTART_REQUESTED,
  RUNNING,
  STARTED,
  STARTING,
  STOP_REQUESTED,
  STOPPING,
} from "./actor-lifecycle.js";
import { AGAIN, runConcurrent, runSequential, type LoopCell } from "./message-loop.js";
import { PLAIN, pollStep, THREW, toStep } from "./step.js";
import { RestartPolicy } from "./supervision.js";

/** Start an actor on `host`: build its cell and spawn its task. */
export function startActor<M, R>(
  host: ActorHost,
  factory: ActorFactory<M, R>,
  options: SpawnActorOptions | undefined,
  parent: ActorCell<any, any> | null,
): ActorCell<M, R> {
  if (typeof factory !== "function") throw new TypeError("spawn needs a factory function that returns a fresh actor");
  const cell = new ActorCell<M, R>(host.nextId(), factory, host, parent, options);
  cell.handle = host.spawner.spawn(
    new ActorTask(cell),
    options?.name === undefined ? undefined : { name: options.name },
  );
  return cell;
}

/** The actor's task future: the cell's loop, behind an object that is not the ref. */
class ActorTask extends BaseFuture<ActorExit> {
  constructor(private readonly cell: ActorCell<any, any>) {
    super();
  }
  poll(cx: Context): Poll<ActorExit> {
    return this.cell.pollLoop(cx);
  }
}

export class ActorCell<M, R> extends ActorLifecycle<M, R> implements ActorContext<M, R>, LoopCell<M, R> {
  /** @internal the system's list of top-level actors (shutdown walks it). */
  prevRoot: ActorCell<any, any> | null = null;
  /** @internal */
  nextRoot: ActorCell<any, any> | null = null;

  constructor(
    id: number,
    private readonly factory: ActorFactory<M, R>,
    host: ActorHost,
    protected readonly parent: ActorCell<any, any> | null,
    options: SpawnActorOptions | undefined,
  ) {
    super(id, options?.name ?? `actor-${id}`, options?.capacity, host, options?.metrics ?? host.metricsByDefault);
    const concurrency = options?.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`actor ${this.name}: concurrency must be an integer >= 1, got ${concurrency}`);
    }
    if (concurrency > 1) this.more().concurrency = concurrency;
    if (options?.supervision !== undefined) this.more().policy = new RestartPolicy(options.supervision);
  }

  /** @internal the handler limit (`SpawnActorOptions.concurrency`). */
  get concurrency(): number {
    const extras = this.extras;
    return extras === null ? 1 : extras.concurrency;
  }

  // ----------------------------------------------------------- ActorContext
  spawn<CM, CR>(factory: ActorFactory<CM, CR>, options?: SpawnActorOptions): ActorRef<CM, CR> {
    const child = startActor(this.host, factory, options, this);
    (this.more().children ??= new Children()).add(child);
    return child;
  }

  stopChildren(): AllEnded {
    const children = this.children?.list.slice() ?? [];
    for (const child of children) child.stop();
    return new AllEnded(children);
  }

  restartChildren(): void {
    for (const child of this.children?.list ?? []) child.requestRestart(0);
  }

  watch<X>(actor: ActorRef<X, any>, toMessage: (exit: ActorExit) => M): Cancellable {
    if (!(actor instanceof ActorCell)) throw new TypeError(`actor ${this.name}: watch needs a local actor ref`);
    return this.task(new EndFuture(actor), toMessage);
  }

  // ------------------------------------------------------- the state machine
  /** @internal the actor task's poll. With deadlock detection on, asks made during it are this actor's. */
  pollLoop(taskCx: Context): Poll<ActorExit> {
    const host = this.host;
    const slowMs = host.slowPollMs;
    const start = slowMs > 0 ? performance.now() : 0;
    const graph = host.deadlocks;
    let out: Poll<ActorExit>;
    if (graph === null) out = this.pollStates(taskCx);
    else {
      const previous = graph.current;
      graph.current = this;
      try {
        out = this.pollStates(taskCx);
      } finally {
        graph.current = previous;
      }
    }
    if (slowMs > 0) {
      const ms = performance.now() - start;
      if (ms > slowMs) host.slowPoll(this, ms);
    }
    return out;
  }

  private pollStates(taskCx: Context): Poll<ActorExit> {
    let cx = this.cx;
    if (cx === null) cx = this.cx = { waker: taskCx.waker, timers: this.host.timers ?? taskCx.timers };
    for (;;) {
      const flags = this.flags;
      if (this.state < STOPPING) {
        if ((flags & KILL_REQUESTED) !== 0) {
          this.beginKill();
          continue;
        }
        if ((flags & RESTART_REQUESTED) !== 0) {
          this.restart(this.extras?.restartDelay ?? 0);
          continue;
        }
        if ((flags & FAILURE_REPORTED) !== 0) {
          const extras = this.more();
          const failure = extras.failure!;
          extras.failure = null;
          this.flags &= ~FAILURE_REPORTED;
          this.failed(failure.phase, failure.error);
          continue;
        }
      }
      switch (this.state) {
        case STARTING:
          if (this.pollStart(cx) === PENDING) return PENDING;
          break;
        case RUNNING:
          if (this.pollRunning(cx) === PENDING) return PENDING;
          break;
        case BACKOFF:
          // First the old instance's children end (childEnded wakes us), so the new
          // instance can re-register their names; then the backoff delay, a sleep
          // (which does not throw).
          if (this.extras !== null && this.extras.orphans > 0) return PENDING;
          if (this.step !== null && this.step.poll(cx) === PENDING) return PENDING;
          this.step = null;
          this.state = STARTING;
          break;
        case STOPPING:
          if (this.pollStop(cx) === PENDING) return PENDING;
          break;
        default:
          return this.exit!;
      }
    }
  }

  private pollStart(cx: Context): typeof PENDING | typeof AGAIN {
    let step = this.step;
    if (step === null) {
      let result: unknown;
      try {
        const instance = (this.instance = this.factory());
        result = instance.started?.(this);
      } catch (error) {
        this.stepFailed("start", error);
        return AGAIN;
      }
      const s = toStep(result);
      if (s === PLAIN) return this.enterRunning();
      step = this.step = s;
    }
    const out = pollStep(step, cx, this, "start");
    if (out === THREW) return AGAIN;
    if (out === PENDING) return PENDING;
    this.step = null;
    return this.enterRunning();
  }

  private enterRunning(): typeof AGAIN {
    this.flags |= STARTED;
    this.state = RUNNING;
    return AGAIN;
  }

  private pollRunning(cx: Context): typeof PENDING | typeof AGAIN {
    const actor = this.instance!;
    if (actor.run !== undefined && (this.flags & STOP_REQUESTED) === 0 && this.pollRun(actor, cx) === AGAIN)
      return AGAIN;
    return this.concurrency === 1 ? runSequential(this, actor, cx) : runConcurrent(this, actor, cx);
  }

  /** Drive `run` alongside messages; AGAIN if it failed (the state changed). */
  private pollRun(actor: Actor<M, R>, cx: Context): typeof PENDING | typeof AGAIN {
    const extras = this.more(); // an actor with `run` keeps its step in flight there
    let run = extras.runStep;
    if (run === null) {
      let s: Future<unknown> | typeof PLAIN;
      try {
        s = toStep(actor.run!(this));
      } catch (error) {
        this.stepFailed("run", error);
        return AGAIN;
      }
      if (s === PLAIN) {
        cx.waker.wake(); // synchronous run step: call it again next poll, after others ran
        return PENDING;
      }
      run = extras.runStep = s;
    }
    const out = pollStep(run, cx, this, "run");
    if (out === THREW) return AGAIN;
    if (out !== PENDING) {
      extras.runStep = null;
      cx.waker.wake();
    }
    return PENDING;
  }

  private pollStop(cx: Context): typeof PENDING | typeof AGAIN {
    let step = this.step;
    if (step === null) {
      this.releaseResources();
      const killed = (this.flags & KILLED) !== 0;
      let result: unknown;
      try {
        result = this.instance?.stopped?.(this, killed);
      } catch (error) {
        this.stepFailed("stop", error);
        return AGAIN;
      }
      const s = toStep(result);
      if (s === PLAIN) {
        this.finish({ kind: "completed", killed });
        return AGAIN;
      }
      step = this.step = s;
    }
    const out = pollStep(step, cx, this, "stop");
    if (out === THREW) return AGAIN;
    if (out === PENDING) return PENDING;
    this.step = null;
    this.finish({ kind: "completed", killed: (this.flags & KILLED) !== 0 });
    return AGAIN;
  }
}
