/**
 * The actor loop: one task per actor, whose future is this cell. The cell is also
 * the actor's address (`ActorRef`) and the context its handlers get — one object
 * per actor instead of three, because an idle actor should cost under 1 KiB.
 *
 * States: STARTING (factory + `started`) → RUNNING (messages, and `run` alongside)
 * → STOPPING (`stopped(killed)`) → DONE; BACKOFF waits before a restart's STARTING.
 *
 * Invariants:
 * 1. One message at a time: the next is taken only after the current handler's
 *    step completed (or failed). With `concurrency` N > 1 (opt-in, see
 *    `SpawnActorOptions`): at most N handler steps in flight, the next message taken
 *    only while fewer than N are — so a bounded mailbox still fills and pushes back.
 * 2. A poll handles at most ACTOR_MESSAGES_PER_POLL messages, then wakes itself —
 *    many messages per task switch, but no actor can hog the worker. Rejected
 *    alternative: a promise per message (`await handler()`), measured ~20× slower.
 * 3. Requests from outside the poll (stop, kill, restart, a child's escalation) only
 *    set a flag and wake the task; the poll acts on them. So state changes happen
 *    in one place, never in the middle of a handler.
 * 4. The mailbox comes before the sources (`ctx.addSource`): a source item is taken
 *    only when the mailbox is empty, then by source priority (source-set.ts). speare
 *    selects between its channel and its sources; we choose the mailbox first because
 *    it carries asks and control messages whose senders wait, so a never-ending source
 *    can starve later sources (as in speare) but never the actor's own mailbox — and
 *    the `tell` hot path pays nothing for sources. The price: a flood of tells delays
 *    sources until it drains.
 * 5. On DONE nothing of the actor stays armed: timers, sources and background tasks
 *    are cancelled, children killed, names unregistered, queued asks failed.
 */
import { BaseFuture } from "../futures/base-future.js";
import type { Co } from "../futures/generator-future.js";
import { PENDING, type Context, type Future, type Poll, type Timers } from "../futures/poll.js";
import { sleep } from "../futures/sleep.js";
import { ACTOR_MESSAGES_PER_POLL, ASK_TIMEOUT_MS } from "../runtime/config.js";
import type { JoinHandle } from "../runtime/task.js";
import type { Actor, ActorContext, ActorExit, ActorFactory, ActorRef, Cancellable, Phase, SpawnActorOptions } from "./actor.js";
import { ActorTimer } from "./actor-timer.js";
import { AskEnvelope } from "./ask.js";
import { BackgroundTask } from "./background-task.js";
import { ActorStopped, Escalated, MailboxFull } from "./errors.js";
import { Mailbox } from "./mailbox.js";
import { SendFuture } from "./send.js";
import { SourceSet } from "./source-set.js";
import { PLAIN, toStep } from "./step.js";
import { RestartPolicy } from "./supervision.js";
import type { ActorSystem } from "./system.js";

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

/** `runMessages` result: the state changed, go round the outer loop again. */
const AGAIN = 0;

export class ActorCell<M, R> extends BaseFuture<ActorExit> implements ActorRef<M, R>, ActorContext<M, R> {
  readonly mailbox: Mailbox<unknown>;
  readonly name: string;
  handle!: JoinHandle<ActorExit>;
  private instance: Actor<M, R> | null = null;
  private state = STARTING;
  private flags = 0;
  /** The start / handle / stop / backoff step in flight. */
  private step: Future<unknown> | null = null;
  private asking: AskEnvelope<M, R> | null = null;
  /** Handlers in flight when `concurrency` > 1 (the sequential path uses `step`/`asking`). */
  private flights: InFlight<R>[] | null = null;
  private readonly concurrency: number;
  private runStep: Future<unknown> | null = null;
  private failure: { phase: Phase; error: unknown } | null = null;
  private restartDelay = 0;
  private exit: ActorExit | null = null;
  private cx: Context | null = null;
  private resources: Set<Cancellable> | null = null;
  private sources: SourceSet<M> | null = null;
  private children: ActorCell<any, any>[] | null = null;
  /** How this actor supervises its children (null: the system's default). */
  private readonly policy: RestartPolicy | null;

  constructor(
    readonly id: number,
    private readonly factory: ActorFactory<M, R>,
    private readonly system: ActorSystem,
    private readonly parent: ActorCell<any, any> | null,
    options: SpawnActorOptions | undefined,
  ) {
    super();
    this.name = options?.name ?? `actor-${id}`;
    this.mailbox = new Mailbox(options?.capacity);
    const concurrency = options?.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`actor ${this.name}: concurrency must be an integer >= 1, got ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.policy = options?.supervision === undefined ? null : new RestartPolicy(options.supervision);
  }

  // ---------------------------------------------------------------- ActorRef
  tell(message: M): void {
    if (!this.mailbox.offer(message)) this.rejected();
  }

  tryTell(message: M): boolean {
    return this.mailbox.offer(message);
  }

  send(message: M): SendFuture<M> {
    return new SendFuture(this.mailbox, message, this.name);
  }

  ask(message: M, timeoutMs: number = ASK_TIMEOUT_MS): AskEnvelope<M, R> {
    if (!(timeoutMs > 0)) throw new RangeError(`ask timeout must be > 0 ms, got ${timeoutMs}`);
    const envelope = new AskEnvelope<M, R>(message, timeoutMs, this.name, this.system.timers);
    if (!this.mailbox.offer(envelope)) envelope.fail(this.mailbox.closed ? new ActorStopped(this.name) : new MailboxFull(this.name, this.mailbox.capacity));
    return envelope;
  }

  stop(): void {
    if (this.mailbox.closed) return;
    this.mailbox.close(false);
    this.flags |= STOP_REQUESTED;
    this.wakeLoop();
  }

  kill(): void {
    if (this.state === DONE || (this.flags & KILL_REQUESTED) !== 0) return;
    this.failAsks(this.mailbox.close(true));
    this.flags |= KILL_REQUESTED;
    this.wakeLoop();
  }

  join(): JoinHandle<ActorExit> {
    return this.handle;
  }

  get isAlive(): boolean {
    return this.state !== DONE;
  }

  // ----------------------------------------------------------- ActorContext
  get self(): ActorRef<M, R> {
    return this;
  }

  now(): number {
    return this.timers().now();
  }

  spawn<CM, CR>(factory: ActorFactory<CM, CR>, options?: SpawnActorOptions): ActorRef<CM, CR> {
    const child = this.system.spawnCell(factory, options, this);
    (this.children ??= []).push(child);
    return child;
  }

  sendAfter(message: M, ms: number): Cancellable {
    return this.addTimer(message, 0, ms);
  }

  sendInterval(message: M, ms: number): Cancellable {
    if (!(ms > 0)) throw new RangeError(`interval must be > 0 ms, got ${ms}`);
    return this.addTimer(message, ms, ms);
  }

  addSource<T>(source: AsyncIterable<T>, toMessage: (item: T) => M): Cancellable {
    if (source === null || typeof (source as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] !== "function") {
      throw new TypeError(`actor ${this.name}: addSource needs an async iterable`);
    }
    const sources = (this.sources ??= new SourceSet<M>(
      () => this.wakeLoop(),
      (error) => this.reportFailure("run", error),
    ));
    return sources.add(source, toMessage);
  }

  task<T>(work: Future<T> | Co<T>, toMessage: (value: T) => M): Cancellable {
    const step = toStep(work);
    if (step === PLAIN) throw new TypeError("ctx.task needs a future or a generator");
    const background = new BackgroundTask(this, step as Future<T>, toMessage, this.cx?.timers ?? this.system.timers);
    (this.resources ??= new Set()).add(background);
    background.handle = this.system.spawner.spawn(background);
    return background;
  }

  // ------------------------------------------------------ the loop (Future)
  poll(taskCx: Context): Poll<ActorExit> {
    let cx = this.cx;
    if (cx === null) cx = this.cx = { waker: taskCx.waker, timers: this.system.timers ?? taskCx.timers };
    for (;;) {
      const flags = this.flags;
      if (this.state < STOPPING) {
        if ((flags & KILL_REQUESTED) !== 0) {
          this.beginKill();
          continue;
        }
        if ((flags & RESTART_REQUESTED) !== 0) {
          this.restart(this.restartDelay);
          continue;
        }
        const failure = this.failure;
        if (failure !== null) {
          this.failure = null;
          this.failed(failure.phase, failure.error);
          continue;
        }
      }
      switch (this.state) {
        case STARTING:
          if (this.pollStart(cx) === PENDING) return PENDING;
          break;
        case RUNNING:
          if (this.runMessages(cx) === PENDING) return PENDING;
          break;
        case BACKOFF: {
          let out: unknown;
          try {
            out = this.step!.poll(cx);
          } catch (error) {
            this.step = null;
            this.finish({ kind: "failed", phase: "start", error });
            break;
          }
          if (out === PENDING) return PENDING;
          this.step = null;
          this.state = STARTING;
          break;
        }
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
        this.failed("start", error);
        return AGAIN;
      }
      const s = toStep(result);
      if (s === PLAIN) return this.enterRunning();
      step = this.step = s;
    }
    let out: unknown;
    try {
      out = step.poll(cx);
    } catch (error) {
      this.step = null;
      this.failed("start", error);
      return AGAIN;
    }
    if (out === PENDING) return PENDING;
    this.step = null;
    return this.enterRunning();
  }

  private enterRunning(): typeof AGAIN {
    this.flags |= STARTED;
    this.state = RUNNING;
    return AGAIN;
  }

  private runMessages(cx: Context): typeof PENDING | typeof AGAIN {
    const actor = this.instance!;
    if (actor.run !== undefined && (this.flags & STOP_REQUESTED) === 0 && this.pollRun(actor, cx) === AGAIN) return AGAIN;
    if (this.concurrency !== 1) return this.runConcurrent(actor, cx);
    const step = this.step;
    if (step !== null) {
      let out: unknown;
      try {
        out = step.poll(cx);
      } catch (error) {
        return this.handlerFailed(error);
      }
      if (out === PENDING) return PENDING;
      this.step = null;
      const ask = this.asking;
      this.asking = null;
      ask?.reply(out as R);
    }
    const mailbox = this.mailbox;
    for (let n = 0; n < ACTOR_MESSAGES_PER_POLL; n++) {
      if ((this.flags & (KILL_REQUESTED | RESTART_REQUESTED)) !== 0 || this.failure !== null) return AGAIN;
      let message = mailbox.take();
      if (message === undefined && (message = this.takeFromSources()) === undefined) {
        if ((this.flags & STOP_REQUESTED) !== 0) {
          this.state = STOPPING;
          return AGAIN;
        }
        mailbox.park(cx.waker);
        return PENDING;
      }
      let ask: AskEnvelope<M, R> | null = null;
      if (message instanceof AskEnvelope) {
        if (message.abandoned) continue;
        ask = message;
        message = message.message;
      }
      let result: unknown;
      try {
        result = actor.handle(message as M, this);
      } catch (error) {
        ask?.fail(error);
        this.failed("handle", error);
        return AGAIN;
      }
      if (typeof result === "object" && result !== null) {
        const s = toStep(result);
        if (s !== PLAIN) {
          let out: unknown;
          try {
            out = s.poll(cx);
          } catch (error) {
            ask?.fail(error);
            this.failed("handle", error);
            return AGAIN;
          }
          if (out === PENDING) {
            this.step = s;
            this.asking = ask;
            return PENDING;
          }
          result = out;
        }
      }
      ask?.reply(result as R);
    }
    cx.waker.wake(); // more may be queued: continue after the other tasks had a turn
    return PENDING;
  }

  /**
   * `runMessages` for `concurrency` > 1. Every flight is polled on each wake: they
   * share the actor task's waker, so the poll cannot tell which one woke it. The limit
   * is small, so N polls are cheaper than a waker + context object per message (the
   * rejected alternative). Flights are kept in start order, so replies that become
   * ready in the same poll are sent in the order the messages arrived.
   */
  private runConcurrent(actor: Actor<M, R>, cx: Context): typeof PENDING | typeof AGAIN {
    const flights = (this.flights ??= []);
    for (let i = 0; i < flights.length; ) {
      const flight = flights[i]!;
      let out: unknown;
      try {
        out = flight.step.poll(cx);
      } catch (error) {
        flights.splice(i, 1);
        flight.ask?.fail(error);
        this.failed("handle", error); // resume: the other flights go on; else they are dropped
        return AGAIN;
      }
      if (out === PENDING) {
        i++;
        continue;
      }
      flights.splice(i, 1);
      flight.ask?.reply(out as R);
    }
    const mailbox = this.mailbox;
    const limit = this.concurrency;
    for (let n = 0; n < ACTOR_MESSAGES_PER_POLL; n++) {
      if ((this.flags & (KILL_REQUESTED | RESTART_REQUESTED)) !== 0 || this.failure !== null) return AGAIN;
      if (flights.length >= limit) return PENDING; // full: a finishing flight wakes us
      let message = mailbox.take();
      if (message === undefined && (message = this.takeFromSources()) === undefined) {
        if ((this.flags & STOP_REQUESTED) !== 0) {
          if (flights.length > 0) return PENDING; // stop waits for every handler in flight
          this.state = STOPPING;
          return AGAIN;
        }
        mailbox.park(cx.waker);
        return PENDING;
      }
      let ask: AskEnvelope<M, R> | null = null;
      if (message instanceof AskEnvelope) {
        if (message.abandoned) continue;
        ask = message;
        message = message.message;
      }
      let result: unknown;
      try {
        result = actor.handle(message as M, this);
        const s = toStep(result);
        if (s !== PLAIN) {
          result = s.poll(cx);
          if (result === PENDING) {
            flights.push({ step: s, ask });
            continue;
          }
        }
      } catch (error) {
        ask?.fail(error);
        this.failed("handle", error);
        return AGAIN;
      }
      ask?.reply(result as R);
    }
    cx.waker.wake();
    return PENDING;
  }

  /** The mailbox is empty: a source item by priority, if one is ready (none once stop was asked: stop drains the mailbox only). */
  private takeFromSources(): unknown {
    const sources = this.sources;
    if (sources === null || (this.flags & STOP_REQUESTED) !== 0) return undefined;
    return sources.take();
  }

  private handlerFailed(error: unknown): typeof AGAIN {
    this.step = null;
    const ask = this.asking;
    this.asking = null;
    ask?.fail(error);
    this.failed("handle", error);
    return AGAIN;
  }

  /** Drive `run` alongside messages; AGAIN if it failed (the state changed). */
  private pollRun(actor: Actor<M, R>, cx: Context): typeof PENDING | typeof AGAIN {
    let run = this.runStep;
    try {
      if (run === null) {
        const s = toStep(actor.run!(this));
        if (s === PLAIN) {
          cx.waker.wake(); // synchronous run step: call it again next poll, after others ran
          return PENDING;
        }
        run = this.runStep = s;
      }
      if (run.poll(cx) !== PENDING) {
        this.runStep = null;
        cx.waker.wake();
      }
    } catch (error) {
      this.runStep = null;
      this.failed("run", error);
      return AGAIN;
    }
    return PENDING;
  }

  private pollStop(cx: Context): typeof PENDING | typeof AGAIN {
    let step = this.step;
    if (step === null) {
      this.releaseResources();
      const killed = (this.flags & KILLED) !== 0;
      const actor = this.instance;
      let result: unknown;
      try {
        result = actor?.stopped?.(this, killed);
      } catch (error) {
        this.finish({ kind: "failed", phase: "stop", error });
        return AGAIN;
      }
      const s = toStep(result);
      if (s === PLAIN) {
        this.finish({ kind: "completed", killed });
        return AGAIN;
      }
      step = this.step = s;
    }
    let out: unknown;
    try {
      out = step.poll(cx);
    } catch (error) {
      this.step = null;
      this.finish({ kind: "failed", phase: "stop", error });
      return AGAIN;
    }
    if (out === PENDING) return PENDING;
    this.step = null;
    this.finish({ kind: "completed", killed: (this.flags & KILLED) !== 0 });
    return AGAIN;
  }

  // ------------------------------------------------------------ supervision
  /** A failure in `phase`: ask the supervisor (the parent, else the system) what to do. */
  private failed(phase: Phase, error: unknown): void {
    const parent = this.parent;
    const policy = parent?.policy ?? this.system.rootPolicy;
    const { directive, delayMs } = policy.decide(error, this.name, this.now());
    switch (directive) {
      case "resume":
        if (phase === "handle" && this.state === RUNNING) return; // keep state; only that message is lost
        this.finish({ kind: "failed", phase, error });
        return;
      case "stop":
        this.finish({ kind: "failed", phase, error });
        return;
      case "escalate":
        this.finish({ kind: "failed", phase, error });
        parent?.reportFailure("handle", new Escalated(this.name, error));
        return;
      case "restart": {
        if (parent !== null && policy.strategy !== "one-for-one") {
          const siblings = parent.children ?? [];
          const from = policy.strategy === "one-for-all" ? 0 : siblings.indexOf(this) + 1;
          for (const sibling of siblings.slice(from)) if (sibling !== this) sibling.requestRestart(delayMs);
        }
        this.restart(delayMs);
      }
    }
  }

  /** Fail from outside the loop (a child escalated, a background task threw). */
  reportFailure(phase: Phase, error: unknown): void {
    if (this.state >= STOPPING || this.failure !== null) return;
    this.failure = { phase, error };
    this.wakeLoop();
  }

  private requestRestart(delayMs: number): void {
    if (this.state >= STOPPING) return;
    this.flags |= RESTART_REQUESTED;
    this.restartDelay = delayMs;
    this.wakeLoop();
  }

  /** Throw away the instance and build a fresh one; the mailbox and address stay. */
  private restart(delayMs: number): void {
    this.flags &= ~(RESTART_REQUESTED | STARTED);
    this.dropInFlight();
    this.releaseResources();
    this.instance = null;
    if (delayMs > 0) {
      this.state = BACKOFF;
      this.step = sleep(delayMs);
    } else {
      this.state = STARTING;
    }
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
    this.runStep?.cancel?.();
    this.runStep = null;
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
    this.failAsks(this.mailbox.close(true));
    this.instance = null;
    this.state = DONE;
    this.exit = exit;
    this.system.registry.forget(this);
    this.parent?.childEnded(this);
  }

  private releaseResources(): void {
    const sources = this.sources;
    if (sources !== null) {
      this.sources = null;
      sources.close();
    }
    const resources = this.resources;
    if (resources !== null) {
      this.resources = null;
      for (const r of [...resources]) r.cancel();
    }
    const children = this.children;
    if (children !== null) {
      this.children = null;
      for (const child of children) child.kill();
    }
  }

  private childEnded(child: ActorCell<any, any>): void {
    const children = this.children;
    if (children === null) return;
    const i = children.indexOf(child);
    if (i >= 0) children.splice(i, 1);
  }

  // ---------------------------------------------------------------- helpers
  /** @internal a background task finished: it no longer needs cancelling. */
  forgetResource(resource: Cancellable): void {
    this.resources?.delete(resource);
  }

  private failAsks(dropped: unknown[]): void {
    for (const m of dropped) if (m instanceof AskEnvelope) m.fail(new ActorStopped(this.name));
  }

  private rejected(): never {
    if (this.mailbox.closed) throw new ActorStopped(this.name);
    throw new MailboxFull(this.name, this.mailbox.capacity);
  }

  private wakeLoop(): void {
    // Before the first poll the task is already scheduled: nothing to wake.
    this.cx?.waker.wake();
  }

  private timers(): Timers {
    const timers = this.cx?.timers ?? this.system.timers;
    if (timers === undefined) throw new Error(`actor ${this.name}: no timers (use sendAfter/now inside the actor's hooks)`);
    return timers;
  }

  private addTimer(message: M, periodMs: number, delayMs: number): Cancellable {
    const resources = (this.resources ??= new Set());
    const timer: ActorTimer<M> = new ActorTimer(this.timers(), (m) => void this.mailbox.offer(m), message, periodMs, delayMs, (t) => resources.delete(t));
    resources.add(timer);
    return timer;
  }
}

/** A handler step in flight (concurrency > 1) and the ask waiting for its value. */
interface InFlight<R> {
  readonly step: Future<unknown>;
  readonly ask: AskEnvelope<any, R> | null;
}
