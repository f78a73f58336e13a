/**
 * What an actor owns besides its state: timers (`sendAfter` / `sendInterval`),
 * message sources (`addSource`) and background tasks (`ctx.task`).
 *
 * Invariants:
 * 1. Built on first use: an actor that never starts a timer, source or task pays
 *    one null field for all of this (an idle actor must stay small).
 * 2. `release()` cancels everything it holds, once: on stop, kill and restart
 *    (a restart's fresh instance starts with nothing armed), so a stopped actor
 *    keeps no timer and no iterator open, and the process can exit.
 * 3. A resource that finished by itself (a one-shot timer fired, a task ended)
 *    leaves the set at once, so a long-lived actor does not accumulate them.
 */
import type { Future, Timers } from "../futures/poll.js";
import type { Spawner } from "../runtime/current.js";
import type { Cancellable, Phase } from "./actor.js";
import { ActorTimer } from "./actor-timer.js";
import { BackgroundTask } from "./background-task.js";
import type { Mailbox } from "./mailbox.js";
import { SourceSet } from "./source-set.js";

/** What the resources need from their actor. `undelivered` records a dead letter. */
export interface ResourceOwner<M> {
  readonly name: string;
  readonly mailbox: Mailbox<unknown>;
  /** A timer's message met a full or closed mailbox. */
  undelivered(message: M, why: "mailbox-full" | "stopped"): void;
  /** Something failed outside a handler (phase `run`): supervision decides. */
  reportFailure(phase: Phase, error: unknown): void;
  /** A source item is ready: poll the loop. */
  wakeLoop(): void;
}

export class ActorResources<M> {
  private readonly held = new Set<Cancellable>();
  private sources: SourceSet<M> | null = null;

  constructor(private readonly owner: ResourceOwner<M>) {}

  /**
   * A timer that tells `message` after `delayMs`, then every `periodMs` if > 0.
   * A tick that meets a full mailbox is not queued later (a late tick would arrive
   * out of time, and an interval would pile them up): it becomes a dead letter.
   */
  timer(timers: Timers, message: M, periodMs: number, delayMs: number): Cancellable {
    const owner = this.owner;
    const held = this.held;
    const deliver = (m: M): void => {
      if (!owner.mailbox.offer(m)) owner.undelivered(m, owner.mailbox.closed ? "stopped" : "mailbox-full");
    };
    const timer: ActorTimer<M> = new ActorTimer(timers, deliver, message, periodMs, delayMs, (t) => held.delete(t));
    held.add(timer);
    return timer;
  }

  source<T>(iterable: AsyncIterable<T>, toMessage: (item: T) => M): Cancellable {
    const owner = this.owner;
    const sources = (this.sources ??= new SourceSet<M>(
      () => owner.wakeLoop(),
      (error) => owner.reportFailure("run", error),
    ));
    return sources.add(iterable, toMessage);
  }

  /** A ready source item, by priority, or undefined. */
  takeSourceItem(): unknown {
    return this.sources?.take();
  }

  task<T>(spawner: Spawner, work: Future<T>, toMessage: (value: T) => M, timers: Timers | undefined): Cancellable {
    const held = this.held;
    const owner = this.owner;
    const background = new BackgroundTask<M, T>(
      {
        mailbox: owner.mailbox,
        ended: (t) => held.delete(t),
        reportFailure: (p, e) => owner.reportFailure(p, e),
        undelivered: (m, why) => owner.undelivered(m, why),
      },
      work,
      toMessage,
      timers,
    );
    held.add(background);
    background.handle = spawner.spawn(background);
    return background;
  }

  /** Cancel everything (invariant 2). */
  release(): void {
    const sources = this.sources;
    if (sources !== null) {
      this.sources = null;
      sources.close();
    }
    for (const r of [...this.held]) r.cancel();
    this.held.clear();
  }
}
