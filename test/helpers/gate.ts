/**
 * A future that stays pending until `open()` — for holding a handler, a background
 * task or a sender at a chosen point of a test. Every poller is woken on `open()`.
 */
import { BaseFuture } from "../../src/futures/base-future.js";
import { PENDING, type Context, type Poll, type Waker } from "../../src/futures/poll.js";

export class Gate extends BaseFuture<void> {
  private opened = false;
  private wakers: Waker[] = [];
  open(): void {
    this.opened = true;
    for (const w of this.wakers.splice(0)) w.wake();
  }
  poll(cx: Context): Poll<void> {
    if (this.opened) return undefined;
    this.wakers.push(cx.waker);
    return PENDING;
  }
}
