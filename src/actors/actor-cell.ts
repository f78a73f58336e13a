/**
 * One actor: its address (actor-address.ts), the context its handlers get
 * (actor-context.ts), and the lifecycle state machine its task drives. The message loop (message-loop.ts), the
 * children (actor-children.ts) and the resources (actor-resources.ts) live in their
 * own files; this one decides which of them runs, and what a failure does.
 *
 * States: STARTING (factory + `started`) → RUNNING (messages, and `run` alongside)
 * → STOPPING (`stopped(killed)`) → DONE; BACKOFF waits before a restart's STARTING.
 *
 * Invariants:
 * 1. Requests from outside the poll (stop, kill, restart, a child's escalation, a
 *    background failure) only set a flag and wake the task; the poll acts on them.
 *    So state changes happen in one place, never in the middle of a handler.
 * 2. Every throw of a hook or handler goes through `stepFailed(phase, error)`: the
 *    step is dropped, a waiting ask fails, and supervision decides (step.ts).
 * 3. On DONE nothing of the actor stays armed: timers, sources and background tasks
 *    are cancelled, children killed, names unregistered, queued asks failed.
 * 4. The cell is not a future: its task is an `ActorTask`, so a ref is never
 *    mistaken for something to await (actor-address.ts).
 * 5. With the host's `slowPollMs` set (e.g. 10), a poll longer than that is counted
 *    and may be logged (spawned's warning for its async backend): such an actor
 *    stalls every other task on its thread — move it to a thread (thread/thread-actor.ts).
 *    Off by default: it costs two clock reads per poll.
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
  Phase,
  SpawnActorOptions,
} from "./actor.js";
import { ActorScope } from "./actor-context.js";
import { Children } from "./actor-children.js";
import type { ActorHost } from "./actor-host.js";
import { AllEnded, EndFuture } from "./actor-end.js";
import { AskEnvelope } from "./ask.js";
import { ActorStopped, Escalated } from "./errors.js";
import { AGAIN, runConcurrent, runSequential, type InFlight, type LoopCell } from "./message-loop.js";
import { sleep } from "../futures/sleep.js";
import { PLAIN, pollStep, THREW, toStep } from "./step.js";
import { RestartPolicy } from "./supervision.js";

const STARTING = 0;
const RUNNING = 1;
const BACKOFF = 2;
const STOPPING = 3;
const DONE = 4;

const STOP_REQUESTED = 1;
const KILL_REQUESTED = 2;
const KILLED = 4;
const RESTART_REQUESTED = 8;
const STARTED = 16;
/** A failure reported from outside the poll waits in `extras.failure` (so `interrupted()` is one flags test). */
const FAILURE_REPORTED = 32;

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

export class ActorCell<M, R> extends ActorScope<M, R> implements ActorContext<M, R>, LoopCell<M, R> {
  private instance: Actor<M, R> | null = null;
  private state = STARTING;
  private flags = 0;
  /** @internal the start / handle / stop / backoff step in flight. */
  step: Future<unknown> | null = null;
  /** @internal the ask the handler step in flight will answer. */
  asking: AskEnvelope<M, R> | null = null;
  /** @internal the system's list of top-level actors (shutdown walks it). */
  prevRoot: ActorCell<any, any> | null = null;
  /** @internal */
  nextRoot: ActorCell<any, any> | null = null;

  constructor(
    id: number,
    private readonly factory: ActorFactory<M, R>,
    host: ActorHost,
    private readonly parent: ActorCell<any, any> | null,
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

  /** @internal handlers in flight when `concurrency` > 1. */
  get flights(): InFlight<R>[] | null {
    const extras = this.extras;
    return extras === null ? null : extras.flights;
  }

  set flights(flights: InFlight<R>[] | null) {
    if (flights !== null || this.extras !== null) this.more().flights = flights;
  }

  /** This actor's children, if it ever had any. */
  private get children(): Children<ActorCell<any, any>> | null {
    const extras = this.extras;
    return extras === null ? null : extras.children;
  }

  // ------------------------------------------------------- the address face
  get isAlive(): boolean {
    return this.state !== DONE;
  }

  /** @internal shutdown: each child's subtree first (leaves first), then this actor; resolves when it ended. */
  async stopTree(): Promise<void> {
    const children = this.children?.list.slice() ?? [];
    await Promise.all(children.map((c) => c.stopTree()));
    this.stop();
    await this.whenEnded();
  }

  protected requestStop(): void {
    if (this.mailbox.closed) return;
    this.mailbox.close(false);
    this.flags |= STOP_REQUESTED;
    this.wakeLoop();
  }

  protected requestKill(): void {
    if (this.state === DONE || (this.flags & KILL_REQUESTED) !== 0) return;
    this.dropQueued(this.mailbox.close(true));
    this.flags |= KILL_REQUESTED;
    this.wakeLoop();
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

  // ------------------------------------------------------------- LoopCell
  /** @internal */
  interrupted(): boolean {
    return (this.flags & (KILL_REQUESTED | RESTART_REQUESTED | FAILURE_REPORTED)) !== 0;
  }

  /** @internal the mailbox is empty: a source item (none once stop was asked: stop drains the mailbox only). */
  takeFromSources(): unknown {
    const resources = this.resources;
    if (resources === null || (this.flags & STOP_REQUESTED) !== 0) return undefined;
    return resources.takeSourceItem();
  }

  /** @internal */
  stopIfAsked(): boolean {
    if ((this.flags & STOP_REQUESTED) === 0) return false;
    this.state = STOPPING;
    return true;
  }

  /** @internal a hook or handler threw in `phase` (invariant 2). */
  stepFailed(phase: Phase, error: unknown): void {
    if (phase === "run") {
      if (this.extras !== null) this.extras.runStep = null;
    } else {
      this.step = null;
      const ask = this.asking;
      this.asking = null;
      ask?.fail(error);
    }
    if (phase === "stop") this.finish({ kind: "failed", phase, error });
    else this.failed(phase, error);
  }

  // ------------------------------------------------------------ supervision
  /** A failure in `phase`: ask the supervisor (the parent, else the system) what to do. */
  private failed(phase: Phase, error: unknown): void {
    const parent = this.parent;
    const policy = parent?.extras?.policy ?? this.host.rootPolicy;
    const { directive, delayMs } = policy.decide(error, this.name, this.now());
    switch (directive) {
      case "resume":
        // Keep the state: a handler loses only its message; a background task, a
        // source or `run` loses only that piece of work (`run` is called again).
        if ((phase === "handle" || phase === "run") && this.state === RUNNING) return;
        this.finish({ kind: "failed", phase, error });
        return;
      case "stop":
        this.finish({ kind: "failed", phase, error });
        return;
      case "escalate":
        this.finish({ kind: "failed", phase, error });
        parent?.reportFailure("handle", new Escalated(this.name, error));
        return;
      case "restart":
        parent?.children?.restartSiblings(policy.strategy, this, delayMs);
        this.restart(delayMs);
    }
  }

  /** @internal fail from outside the loop (a child escalated, a background task threw). */
  override reportFailure(phase: Phase, error: unknown): void {
    if (this.state >= STOPPING || (this.flags & FAILURE_REPORTED) !== 0) return;
    this.more().failure = { phase, error };
    this.flags |= FAILURE_REPORTED;
    this.wakeLoop();
  }

  /** @internal a sibling's restart touches this actor (one-for-all, rest-for-one). */
  requestRestart(delayMs: number): void {
    if (this.state >= STOPPING) return;
    this.flags |= RESTART_REQUESTED;
    if (delayMs !== 0 || this.extras !== null) this.more().restartDelay = delayMs;
    this.wakeLoop();
  }

  /** Throw away the instance and build a fresh one; the mailbox and address stay. */
  private restart(delayMs: number): void {
    this.flags &= ~(RESTART_REQUESTED | STARTED);
    this.dropInFlight();
    const orphans = this.releaseResources().length;
    if (orphans > 0) this.more().orphans += orphans;
    this.instance = null;
    this.step = delayMs > 0 ? sleep(delayMs) : null;
    this.state = orphans > 0 || (this.extras !== null && this.extras.orphans > 0) || delayMs > 0 ? BACKOFF : STARTING;
  }

  private beginKill(): void {
    this.flags = (this.flags & ~KILL_REQUESTED) | KILLED | STOP_REQUESTED;
    this.dropInFlight();
    if ((this.flags & STARTED) !== 0) this.state = STOPPING;
    else this.finish({ kind: "completed", killed: true });
  }

  private dropInFlight(): void {
    this.step?.cancel?.();
    this.step = null;
    const extras = this.extras;
    if (extras !== null) {
      extras.runStep?.cancel?.();
      extras.runStep = null;
    }
    const ask = this.asking;
    this.asking = null;
    ask?.fail(new ActorStopped(this.name));
    const flights = this.flights;
    if (flights !== null && flights.length > 0) {
      this.flights = null;
      for (const flight of flights) {
        flight.step.cancel?.(); // a generator handler's finally blocks run here
        flight.ask?.fail(new ActorStopped(this.name));
      }
    }
  }

  private finish(exit: ActorExit): void {
    this.dropInFlight();
    this.releaseResources();
    this.dropQueued(this.mailbox.close(true));
    this.instance = null;
    this.state = DONE;
    this.exit = exit;
    this.endWaiters?.wakeAll();
    this.host.actorEnded(this);
    this.parent?.childEnded(this);
  }

  /** A child ended: out of the list; if it belonged to a discarded instance, a restart may be waiting for it. */
  private childEnded(child: ActorCell<any, any>): void {
    const extras = this.extras;
    if (extras === null || extras.children?.remove(child)) return;
    if (extras.orphans > 0 && --extras.orphans === 0 && this.state === BACKOFF) this.wakeLoop();
  }

  /** Cancel timers, sources and tasks, kill the children; their join handles. */
  private releaseResources(): ReturnType<Children<any>["killAll"]> {
    const extras = this.extras;
    if (extras === null) return [];
    const resources = extras.resources;
    if (resources !== null) {
      extras.resources = null;
      resources.release();
    }
    const children = extras.children;
    if (children === null) return [];
    extras.children = null;
    return children.killAll();
  }

  // ---------------------------------------------------------------- helpers
  /** Messages dropped from the mailbox by a kill or a failure: dead letters; their asks fail. */
  private dropQueued(dropped: unknown[]): void {
    for (const m of dropped) {
      if (m instanceof AskEnvelope) {
        if (m.abandoned) continue;
        m.fail(new ActorStopped(this.name));
        this.lost(m.message, "killed");
      } else {
        this.lost(m, "killed");
      }
    }
  }
}
