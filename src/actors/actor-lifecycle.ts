/**
 * What requests and failures do to an actor — the transitions of its lifecycle; the
 * cell (actor-cell.ts) polls whichever state it is in, this class moves it between them.
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
 */
import type { Future } from "../futures/poll.js";
import { sleep } from "../futures/sleep.js";
import type { Actor, ActorExit, Phase } from "./actor.js";
import { Children } from "./actor-children.js";
import { ActorScope } from "./actor-context.js";
import { AskEnvelope } from "./ask.js";
import { ActorStopped, Escalated } from "./errors.js";
import type { InFlight } from "./message-loop.js";

/** The states (above); their order matters: `state < STOPPING` is "may still run a handler". */
export const STARTING = 0;
export const RUNNING = 1;
export const BACKOFF = 2;
export const STOPPING = 3;
export const DONE = 4;

/** Flags: requests waiting for the poll (invariant 1), and what happened to the current instance. */
export const STOP_REQUESTED = 1;
export const KILL_REQUESTED = 2;
export const KILLED = 4;
export const RESTART_REQUESTED = 8;
export const STARTED = 16;
/** A failure reported from outside the poll waits in `extras.failure` (so `interrupted()` is one flags test). */
export const FAILURE_REPORTED = 32;

export abstract class ActorLifecycle<M, R> extends ActorScope<M, R> {
  protected instance: Actor<M, R> | null = null;
  protected state = STARTING;
  protected flags = 0;
  /** @internal the start / handle / stop / backoff step in flight. */
  step: Future<unknown> | null = null;
  /** @internal the ask the handler step in flight will answer. */
  asking: AskEnvelope<M, R> | null = null;

  /** The actor that supervises this one (null: the system does). */
  protected abstract readonly parent: ActorLifecycle<any, any> | null;

  /** @internal handlers in flight when `concurrency` > 1. */
  get flights(): InFlight<R>[] | null {
    const extras = this.extras;
    return extras === null ? null : extras.flights;
  }

  set flights(flights: InFlight<R>[] | null) {
    if (flights !== null || this.extras !== null) this.more().flights = flights;
  }

  /** This actor's children, if it ever had any. */
  protected get children(): Children<ActorLifecycle<any, any>> | null {
    const extras = this.extras;
    return extras === null ? null : extras.children;
  }

  /** @internal shutdown: each child's subtree first (leaves first), then this actor; resolves when it ended. */
  async stopTree(): Promise<void> {
    const children = this.children?.list.slice() ?? [];
    await Promise.all(children.map((c) => c.stopTree()));
    this.stop();
    await this.whenEnded();
  }

  get isAlive(): boolean {
    return this.state !== DONE;
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
  protected failed(phase: Phase, error: unknown): void {
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
  protected restart(delayMs: number): void {
    this.flags &= ~(RESTART_REQUESTED | STARTED);
    this.dropInFlight();
    const orphans = this.releaseResources().length;
    if (orphans > 0) this.more().orphans += orphans;
    this.instance = null;
    this.step = delayMs > 0 ? sleep(delayMs) : null;
    this.state = orphans > 0 || (this.extras !== null && this.extras.orphans > 0) || delayMs > 0 ? BACKOFF : STARTING;
  }

  protected beginKill(): void {
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

  protected finish(exit: ActorExit): void {
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
  private childEnded(child: ActorLifecycle<any, any>): void {
    const extras = this.extras;
    if (extras === null || extras.children?.remove(child)) return;
    if (extras.orphans > 0 && --extras.orphans === 0 && this.state === BACKOFF) this.wakeLoop();
  }

  /** Cancel timers, sources and tasks, kill the children; their join handles. */
  protected releaseResources(): ReturnType<Children<any>["killAll"]> {
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
