/**
 * The address face of an actor (`ActorRef`): what other code holds to talk to it.
 *
 * Invariants:
 * 1. An address is not a future. The actor's task is a separate object
 *    (`ActorTask` in actor-cell.ts), so a handler that replies with a ref — its own,
 *    or a child's — replies with a value; the loop only awaits explicit futures,
 *    generators and promises (step.ts), and no ref can be mistaken for one.
 * 2. Everything here only queues a message or sets a request flag and wakes the
 *    loop (`requestStop` / `requestKill`): the loop acts on it in its next poll, so
 *    the actor's state never changes under a running handler.
 * 3. `tell` is the hot path: one `offer` into the mailbox, nothing allocated. A
 *    message that cannot be queued is a dead letter (dead-letters.ts) and the
 *    caller is told (`tell` throws, `tryTell` answers false).
 * 4. `ask` on a full bounded mailbox does not fail: the envelope waits for room,
 *    like `send`, within its timeout.
 */
import { ASK_TIMEOUT_MS } from "../runtime/config.js";
import type { JoinHandle } from "../runtime/task.js";
import type { ActorExit, ActorRef } from "./actor.js";
import { AskEnvelope, type AskLoss } from "./ask.js";
import type { DeadLetterReason } from "./dead-letters.js";
import type { WaitForGraph } from "./deadlock.js";
import { WeakActorRef } from "./weak-ref.js";
import type { ActorHost } from "./actor-host.js";
import type { ActorMetricsSnapshot } from "./actor-metrics.js";
import { ActorStopped, MailboxFull } from "./errors.js";
import { Mailbox } from "./mailbox.js";
import { SendFuture } from "./send.js";

export abstract class ActorAddress<M, R> implements ActorRef<M, R>, AskLoss {
  readonly mailbox: Mailbox<unknown>;
  /** @internal set by whoever spawned the actor's task. */
  handle!: JoinHandle<ActorExit>;

  constructor(
    readonly id: number,
    readonly name: string,
    capacity: number | undefined,
    /** @internal */
    readonly host: ActorHost,
  ) {
    this.mailbox = new Mailbox(capacity);
  }

  tell(message: M): void {
    if (!this.mailbox.offer(message)) this.rejected(message);
  }

  tryTell(message: M): boolean {
    if (this.mailbox.offer(message)) return true;
    this.lost(message, this.mailbox.closed ? "stopped" : "mailbox-full");
    return false;
  }

  send(message: M): SendFuture<M> {
    return new SendFuture(this.mailbox, message, this.name);
  }

  ask(message: M, timeoutMs: number = ASK_TIMEOUT_MS): AskEnvelope<M, R> {
    if (!(timeoutMs > 0)) throw new RangeError(`ask timeout must be > 0 ms, got ${timeoutMs}`);
    const envelope = new AskEnvelope<M, R>(message, timeoutMs, this.name, this.host.timers);
    envelope.loss = this;
    const graph = this.host.deadlocks;
    if (graph !== null && graph.current !== null && this.trackAsk(graph, envelope)) return envelope;
    if (!this.mailbox.offer(envelope)) {
      if (this.mailbox.closed) {
        this.lost(message, "stopped");
        envelope.fail(new ActorStopped(this.name));
      } else {
        envelope.queueLater(this.mailbox); // a full mailbox: the ask waits for room, like send
      }
    }
    return envelope;
  }

  /** Queue `message` in the priority lane: handled before anything in the normal mailbox (rsactor's `tell_priority`).
   * */
  tellPriority(message: M): void {
    if (this.mailbox.offerPriority(message)) return;
    this.lost(message, "stopped");
    throw new ActorStopped(this.name);
  }

  /** A weak ref: the identity, and the ref again via `upgrade()` while the actor lives. */
  downgrade(): WeakActorRef<M, R> {
    return new WeakActorRef(this);
  }

  stop(): void {
    this.requestStop();
  }

  kill(): void {
    this.requestKill();
  }

  join(): JoinHandle<ActorExit> {
    return this.handle;
  }

  abstract get isAlive(): boolean;
  abstract metrics(): ActorMetricsSnapshot | undefined;
  /** Finish what is queued, then stop (the loop acts on it). */
  protected abstract requestStop(): void;
  /** Stop now (the loop acts on it). */
  protected abstract requestKill(): void;

  /** @internal a message for this actor was lost (dead letters). Only on the losing branches. */
  lost(message: unknown, reason: DeadLetterReason): void {
    if (reason === "stopped" && this.host.shuttingDown) reason = "shutdown";
    this.host.deadLetters.record(this.name, this.id, message, reason);
  }

  /** Deadlock detection is on and an actor is asking: add the wait edge, or fail the ask at once (true). */
  private trackAsk(graph: WaitForGraph, envelope: AskEnvelope<M, R>): boolean {
    const asker = graph.current!;
    const deadlock = graph.enter(asker, this);
    if (deadlock !== null) {
      envelope.fail(deadlock);
      return true;
    }
    envelope.release = () => graph.leave(asker, this);
    return false;
  }

  private rejected(message: M): never {
    if (this.mailbox.closed) {
      this.lost(message, "stopped");
      throw new ActorStopped(this.name);
    }
    this.lost(message, "mailbox-full");
    throw new MailboxFull(this.name, this.mailbox.capacity);
  }
}
