/**
 * Dead letters (rsactor): every message that could not be delivered, with why.
 *
 * Reasons, one per cause:
 * - `stopped`: sent to an actor that had stopped (its mailbox closed);
 * - `killed`: queued, then dropped because the actor was killed or failed;
 * - `mailbox-full`: met a full bounded mailbox and could not wait (a `tell`,
 *   `tryTell`, or a `sendAfter` / `sendInterval` tick — a tick is not queued late);
 * - `ask-timed-out`: an ask whose asker gave up (timeout or cancel) before the
 *   actor took it — the actor skips it;
 * - `reply-dropped`: the handler replied, but the asker had already given up;
 * - `shutdown`: discarded by `system.shutdown()`.
 *
 * Invariant: zero cost on the delivery path. `record` is called only on the
 * branches where a message is already lost; with no subscriber it is a counter
 * increment and nothing is allocated.
 */

export type DeadLetterReason = "stopped" | "killed" | "mailbox-full" | "ask-timed-out" | "reply-dropped" | "shutdown";

export interface DeadLetter {
  /** The addressee's name and id. */
  readonly actor: string;
  readonly actorId: number;
  readonly message: unknown;
  readonly reason: DeadLetterReason;
}

export type DeadLetterListener = (letter: DeadLetter) => void;

export class DeadLetters {
  private total = 0;
  private readonly reasons: Record<DeadLetterReason, number> = {
    stopped: 0,
    killed: 0,
    "mailbox-full": 0,
    "ask-timed-out": 0,
    "reply-dropped": 0,
    shutdown: 0,
  };
  private listeners: DeadLetterListener[] | null = null;

  /** How many dead letters so far. */
  get count(): number {
    return this.total;
  }

  /** Counts per reason (a copy). */
  byReason(): Record<DeadLetterReason, number> {
    return { ...this.reasons };
  }

  /** Call `listener` for each dead letter from now on; returns the unsubscribe function. */
  subscribe(listener: DeadLetterListener): () => void {
    (this.listeners ??= []).push(listener);
    return () => {
      const list = this.listeners;
      if (list === null) return;
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** @internal a message was lost. A throwing listener must not take the sender down. */
  record(actor: string, actorId: number, message: unknown, reason: DeadLetterReason): void {
    this.total++;
    this.reasons[reason]++;
    const listeners = this.listeners;
    if (listeners === null || listeners.length === 0) return;
    const letter: DeadLetter = { actor, actorId, message, reason };
    for (const listener of [...listeners]) {
      try {
        listener(letter);
      } catch {
        // A listener's bug is its own: the actor system keeps going.
      }
    }
  }
}
