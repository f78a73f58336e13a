/**
 * The message loop of a RUNNING actor: take a message, call `handle`, reply to the
 * ask — ACTOR_MESSAGES_PER_POLL times per poll, then yield to other tasks.
 *
 * Invariants:
 * 1. One message at a time: the next is taken only after the current handler's step
 *    completed (or failed). With `concurrency` N > 1 (opt-in, see
 *    `SpawnActorOptions`): at most N handler steps in flight, the next message taken
 *    only while fewer than N are — so a bounded mailbox still fills and pushes back.
 * 2. A poll handles at most ACTOR_MESSAGES_PER_POLL messages, then wakes itself —
 *    many messages per task switch, but no actor can hog the worker. Rejected
 *    alternative: a promise per message (`await handler()`), measured ~20× slower.
 * 3. The mailbox comes before the sources (`ctx.addSource`): a source item is taken
 *    only when the mailbox is empty, then by source priority (source-set.ts). The
 *    mailbox carries asks and control messages whose senders wait, so a never-ending
 *    source can starve later sources (as in speare) but never the actor's own
 *    mailbox — and the `tell` hot path pays nothing for sources.
 * 4. A request from outside (kill, restart, a reported failure) is seen before the
 *    next message is taken (`interrupted`), so state changes happen between handlers.
 * 5. Replies are values: a handler's result is awaited only if it is a future, a
 *    generator or a promise (step.ts). An `ActorRef` is none of those.
 */
import { PENDING, type Context, type Future } from "../futures/poll.js";
import { ACTOR_MESSAGES_PER_POLL } from "../runtime/config.js";
import type { Actor, ActorContext } from "./actor.js";
import { ActorMetrics } from "./actor-metrics.js";
import { AskEnvelope } from "./ask.js";
import type { Mailbox } from "./mailbox.js";
import { PLAIN, pollStep, THREW, toStep, type StepOwner } from "./step.js";

/** `runMessages` result: the state changed, go round the cell's outer loop again. */
export const AGAIN = 0;

/** A handler step in flight (concurrency > 1) and the ask waiting for its value. */
export interface InFlight<R> {
  readonly step: Future<unknown>;
  readonly ask: AskEnvelope<any, R> | null;
  /** When its handler was called (metrics only). */
  readonly start: number;
}

/** The loop's view of the cell. */
export interface LoopCell<M, R> extends StepOwner {
  readonly mailbox: Mailbox<unknown>;
  readonly concurrency: number;
  readonly context: ActorContext<M, R>;
  /** The handler step in flight (sequential), and its ask. */
  step: Future<unknown> | null;
  asking: AskEnvelope<M, R> | null;
  flights: InFlight<R>[] | null;
  /** A kill, restart or failure is waiting: leave the loop. */
  interrupted(): boolean;
  /** The mailbox is empty: a source item, if one is ready and stop was not asked. */
  takeFromSources(): unknown;
  /** Empty, and stop was asked: move to STOPPING (true), else false. */
  stopIfAsked(): boolean;
  /** Metrics, if kept (actor-metrics.ts); one null check per message otherwise. */
  readonly metricsKept: ActorMetrics | null;
  /** A message was not delivered (dead letters). */
  lost(message: unknown, reason: "ask-timed-out"): void;
}

/** One poll of a RUNNING actor with concurrency 1. */
export function runSequential<M, R>(
  cell: LoopCell<M, R>,
  actor: Actor<M, R>,
  cx: Context,
): typeof PENDING | typeof AGAIN {
  const step = cell.step;
  if (step !== null) {
    const out = pollStep(step, cx, cell, "handle");
    if (out === THREW) return AGAIN;
    if (out === PENDING) return PENDING;
    cell.step = null;
    const ask = cell.asking;
    cell.asking = null;
    const metrics = cell.metricsKept;
    if (metrics !== null) metrics.handled(metrics.stepStart);
    ask?.reply(out as R);
  }
  const mailbox = cell.mailbox;
  const ctx = cell.context;
  const metrics = cell.metricsKept;
  // Imported bindings, read once per poll rather than per message: V8 reads an import
  // through its module cell, checking that it is initialized, at every access (the
  // same fix in the peer's read loop, peer.ts, saved ~15 % of its time).
  const perPoll = ACTOR_MESSAGES_PER_POLL;
  const Envelope = AskEnvelope;
  for (let n = 0; n < perPoll; n++) {
    if (cell.interrupted()) return AGAIN;
    if (metrics !== null) metrics.sawQueue(mailbox.size);
    let message = mailbox.take();
    if (message === undefined && (message = cell.takeFromSources()) === undefined) {
      if (cell.stopIfAsked()) return AGAIN;
      mailbox.park(cx.waker);
      return PENDING;
    }
    let ask: AskEnvelope<M, R> | null = null;
    if (message instanceof Envelope) {
      if (message.abandoned) {
        cell.lost(message.message, "ask-timed-out");
        continue;
      }
      ask = message;
      message = message.message;
    }
    const start = metrics !== null ? ActorMetrics.now() : 0;
    let result: unknown;
    try {
      result = actor.handle(message as M, ctx);
    } catch (error) {
      cell.asking = ask;
      cell.stepFailed("handle", error);
      return AGAIN;
    }
    if (typeof result === "object" && result !== null) {
      const s = toStep(result);
      if (s !== PLAIN) {
        cell.asking = ask;
        const out = pollStep(s, cx, cell, "handle");
        if (out === THREW) return AGAIN;
        if (out === PENDING) {
          cell.step = s;
          if (metrics !== null) metrics.stepStart = start;
          return PENDING;
        }
        cell.asking = null;
        result = out;
      }
    }
    if (metrics !== null) metrics.handled(start);
    ask?.reply(result as R);
  }
  cx.waker.wake(); // more may be queued: continue after the other tasks had a turn
  return PENDING;
}

/**
 * One poll with `concurrency` > 1. Every flight is polled on each wake: they share
 * the actor task's waker, so the poll cannot tell which one woke it. The limit is
 * small, so N polls are cheaper than a waker + context object per message (the
 * rejected alternative). Flights are kept in start order, so replies that become
 * ready in the same poll are sent in the order the messages arrived.
 */
export function runConcurrent<M, R>(
  cell: LoopCell<M, R>,
  actor: Actor<M, R>,
  cx: Context,
): typeof PENDING | typeof AGAIN {
  const flights = (cell.flights ??= []);
  for (let i = 0; i < flights.length;) {
    const flight = flights[i]!;
    cell.asking = flight.ask;
    const out = pollStep(flight.step, cx, cell, "handle");
    if (out === PENDING) {
      i++;
      continue;
    }
    flights.splice(i, 1);
    if (out === THREW) return AGAIN; // resume: the other flights go on; else they are dropped
    cell.asking = null;
    cell.metricsKept?.handled(flight.start);
    flight.ask?.reply(out as R);
  }
  cell.asking = null;
  const mailbox = cell.mailbox;
  const ctx = cell.context;
  const limit = cell.concurrency;
  const metrics = cell.metricsKept;
  for (let n = 0; n < ACTOR_MESSAGES_PER_POLL; n++) {
    if (cell.interrupted()) return AGAIN;
    if (flights.length >= limit) return PENDING; // full: a finishing flight wakes us
    if (metrics !== null) metrics.sawQueue(mailbox.size);
    let message = mailbox.take();
    if (message === undefined && (message = cell.takeFromSources()) === undefined) {
      if (flights.length > 0 && cell.mailbox.closed) return PENDING; // stop waits for every handler in flight
      if (cell.stopIfAsked()) return AGAIN;
      mailbox.park(cx.waker);
      return PENDING;
    }
    let ask: AskEnvelope<M, R> | null = null;
    if (message instanceof AskEnvelope) {
      if (message.abandoned) {
        cell.lost(message.message, "ask-timed-out");
        continue;
      }
      ask = message;
      message = message.message;
    }
    const start = metrics !== null ? ActorMetrics.now() : 0;
    let result: unknown;
    try {
      result = actor.handle(message as M, ctx);
    } catch (error) {
      cell.asking = ask;
      cell.stepFailed("handle", error);
      return AGAIN;
    }
    const s = toStep(result);
    if (s !== PLAIN) {
      cell.asking = ask;
      result = pollStep(s, cx, cell, "handle");
      if (result === THREW) return AGAIN;
      cell.asking = null;
      if (result === PENDING) {
        flights.push({ step: s, ask, start });
        continue;
      }
    }
    if (metrics !== null) metrics.handled(start);
    ask?.reply(result as R);
  }
  cx.waker.wake();
  return PENDING;
}
