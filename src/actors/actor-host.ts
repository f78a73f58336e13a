/**
 * What an actor needs from the system it lives in — and nothing more. The cell
 * depends on this interface, the system implements it; so `system.ts` imports the
 * cell and the cell never imports the system (no import cycle, and a test or a
 * remote backend can host cells with a different system).
 */
import type { Timers } from "../futures/poll.js";
import type { Spawner } from "../runtime/current.js";
import type { ActorRef } from "./actor.js";
import type { DeadLetters } from "./dead-letters.js";
import type { WaitForGraph } from "./deadlock.js";
import type { RestartPolicy } from "./supervision.js";

export interface ActorHost {
  /** Where actor tasks and background tasks run. */
  readonly spawner: Spawner;
  /** The system's clock, if it has its own (a fake clock in tests). */
  readonly timers: Timers | undefined;
  /** Supervises actors that have no parent. */
  readonly rootPolicy: RestartPolicy;
  /** A fresh actor id (unique within the system). */
  nextId(): number;
  /** Where undeliverable messages are recorded. */
  readonly deadLetters: DeadLetters;
  /** The ask wait-for graph, when deadlock detection is on. */
  readonly deadlocks: WaitForGraph | null;
  /** Whether actors keep metrics unless their spawn options say otherwise. */
  readonly metricsByDefault: boolean;
  /** True once `shutdown()` began: undeliverable messages count as `shutdown`. */
  readonly shuttingDown: boolean;
  /** A poll longer than this many ms is reported (`slowPoll`); 0 turns the check off. */
  readonly slowPollMs: number;
  slowPoll(actor: ActorRef<any, any>, ms: number): void;
  /** An actor ended: drop the names that point at it. */
  actorEnded(ref: ActorRef<any, any>): void;
}
