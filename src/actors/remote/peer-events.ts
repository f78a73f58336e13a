/**
 * What a peer tells the outside about itself: its events (closed, closed by the
 * remote, error, remote error) to subscribers, and the event that closed it — as a
 * future (for a supervising actor's `ctx.task`) or a promise. Cold code, kept out of
 * peer.ts, which holds the per-frame paths.
 *
 * Invariant: `closedWith` runs once (the peer's OPEN → CLOSED); after it `closed()`
 * and `whenClosed()` give that event at once, and every earlier waiter got it.
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, type Context, type Poll } from "../../futures/poll.js";
import { WaiterList, type Waiter } from "../../futures/waiter-list.js";
import type { RemoteError } from "./remote-errors.js";

export type PeerEvent =
  | { readonly kind: "closed" }
  | { readonly kind: "closed-by-remote" }
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "remote-error"; readonly error: RemoteError };

export class PeerEvents {
  private listeners: ((event: PeerEvent) => void)[] = [];
  private closeEvent: PeerEvent | null = null;
  private closeWaiters: ((event: PeerEvent) => void)[] = [];
  private readonly closeLine = new WaiterList();

  subscribe(listener: (event: PeerEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  closed(): BaseFuture<PeerEvent> {
    const events = this;
    let key: Waiter | null = null;
    return new (class extends BaseFuture<PeerEvent> {
      poll(cx: Context): Poll<PeerEvent> {
        const event = events.closeEvent;
        if (event !== null) return event;
        key = events.closeLine.register(key, cx.waker);
        return PENDING;
      }
      override cancel(): void {
        events.closeLine.leave(key);
        key = null;
      }
    })();
  }

  whenClosed(): Promise<PeerEvent> {
    const event = this.closeEvent;
    if (event !== null) return Promise.resolve(event);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /** The peer closed with `event`: emit it and settle every waiter. */
  closedWith(event: PeerEvent): void {
    this.closeEvent = event;
    this.emit(event);
    for (const resolve of this.closeWaiters.splice(0)) resolve(event);
    this.closeLine.wakeAll();
  }

  emit(event: PeerEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break the connection's bookkeeping.
      }
    }
  }
}
