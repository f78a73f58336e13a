/**
 * Per-actor metrics (rsactor's `metrics` feature), opt-in per actor
 * (`SpawnActorOptions.metrics`) or per system: messages handled, mean and max
 * handler time, the mailbox's high-water mark.
 *
 * Why opt-in: timing a handler costs two clock reads (~50–100 ns), more than a whole
 * synchronous message costs on the tell path; an actor without metrics pays one
 * null check per message.
 *
 * Handler time runs from the call of `handle` to its reply: a handler that awaits
 * (a generator, a promise) counts its wait — that is what its asker sees.
 *
 * The high-water mark is exact without touching `tell`: between two takes the
 * mailbox only grows, so its largest size in that interval is the size just before
 * the next take — which is where the loop samples it (`sawQueue`); `snapshot` also
 * looks at the current size.
 */
import { performance } from "node:perf_hooks";

/** What `ref.metrics()` returns. */
export interface ActorMetricsSnapshot {
  readonly messages: number;
  readonly meanHandlerMs: number;
  readonly maxHandlerMs: number;
  readonly mailboxHighWater: number;
}

export class ActorMetrics {
  private messages = 0;
  private totalMs = 0;
  private maxMs = 0;
  private highWater = 0;
  /** When the sequential handler step in flight started (kept here: only metrics need it). */
  stepStart = 0;

  /** Now, on the clock handler times use. */
  static now(): number {
    return performance.now();
  }

  /** A handler that started at `start` (from `now()`) has replied. */
  handled(start: number): void {
    const ms = performance.now() - start;
    this.messages++;
    this.totalMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** The loop is about to take a message from a mailbox holding `size`. */
  sawQueue(size: number): void {
    if (size > this.highWater) this.highWater = size;
  }

  snapshot(queued: number): ActorMetricsSnapshot {
    return {
      messages: this.messages,
      meanHandlerMs: this.messages === 0 ? 0 : this.totalMs / this.messages,
      maxHandlerMs: this.maxMs,
      mailboxHighWater: Math.max(this.highWater, queued),
    };
  }
}
