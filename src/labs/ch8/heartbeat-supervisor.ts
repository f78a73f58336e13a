/**
 * The book's heartbeat supervisor (E8.6): actors report "still alive" every so often;
 * the supervisor notes when each last did, and when one has been silent longer than
 * the cut-off it asks for a reset and forgets everyone's entry (they re-register with
 * their next heartbeat — otherwise the other, equally old, entry would fire a second,
 * needless reset).
 *
 * Invariant: the supervisor checks on its own timer, not only when a heartbeat
 * arrives — silence is exactly when no message comes (the book loops on a receive
 * timeout for the same reason).
 *
 * Why heartbeats from inside the mailbox loop: a tick is a message, so an actor
 * stuck in a handler cannot answer it. The book sends a heartbeat only when a
 * receive timed out, so an actor busy without a pause would also look dead; ticks on
 * an interval (`ctx.sendInterval`) queue behind the work instead and arrive late
 * only if the actor really is stuck or overloaded beyond the cut-off.
 */
import type { Actor, ActorContext } from "../../index.js";

export type HeartbeatMessage<K> = { readonly kind: "beat"; readonly from: K } | { readonly kind: "check" };

export interface HeartbeatSupervisorOptions<K> {
  /** How often to look for silent actors. */
  checkEveryMs: number;
  /** Silence longer than this is a failure. */
  cutoffMs: number;
  /** Called once per failure with the first silent actor found and how long it was quiet. */
  onSilent(actor: K, silentMs: number): void;
}

export class HeartbeatSupervisor<K> implements Actor<HeartbeatMessage<K>, void> {
  private readonly lastSeen = new Map<K, number>();
  /** Resets requested so far. */
  resets = 0;

  constructor(private readonly options: HeartbeatSupervisorOptions<K>) {
    if (!(options.cutoffMs > 0) || !(options.checkEveryMs > 0))
      throw new RangeError("heartbeat cutoffMs and checkEveryMs must be > 0");
  }

  started(ctx: ActorContext<HeartbeatMessage<K>, void>): void {
    ctx.sendInterval({ kind: "check" }, this.options.checkEveryMs);
  }

  handle(message: HeartbeatMessage<K>, ctx: ActorContext<HeartbeatMessage<K>, void>): void {
    const now = ctx.now();
    if (message.kind === "beat") {
      this.lastSeen.set(message.from, now);
      return;
    }
    for (const [actor, at] of this.lastSeen) {
      if (now - at > this.options.cutoffMs) {
        this.lastSeen.clear();
        this.resets++;
        this.options.onSilent(actor, now - at);
        return;
      }
    }
  }
}
