/**
 * How a key-value actor system is put together: persistence (none for E8.4, a
 * writer for E8.5), heartbeats (E8.6), and where its printout goes.
 * Durations are in the driver's milliseconds (virtual under `sim`).
 */
import type { Recipient } from "../../index.js";
import type { RoutingMessage } from "./messages.js";
import type { DurableStore, StoreProblem } from "./store.js";

export interface HeartbeatConfig {
  /** Each actor sends a heartbeat this often (book: a 200 ms receive timeout). */
  everyMs: number;
  /** Silence after which the supervisor resets the key-value actor (book: half a second). */
  cutoffMs: number;
  /** The router's pause after a reset; requests queue in its mailbox meanwhile (book: 100 ms). */
  resetPauseMs: number;
  /** Print `writer instance: …` on every writer heartbeat (the book's "sleep soundly" printout). */
  traceWriter?: boolean;
}

export interface KvSystemConfig {
  /** Opens the writer's store; without it the key-value actor keeps its map in memory only (E8.4). */
  openStore?: () => DurableStore;
  heartbeat?: HeartbeatConfig;
  /** Registry name of the router, the system's one global address (default `router`). */
  routerName?: string;
  /** Printout lines (the book's println!). */
  log?: (line: string) => void;
  /**
   * The store's error event: damage found at load, a failed compaction. Each problem is
   * also printed through `log`; this is for callers that must act on it.
   */
  onProblem?: (problem: StoreProblem) => void;
}

/** The config plus the way back to the router, which actors look up by name. */
export interface KvWiring extends KvSystemConfig {
  readonly log: (line: string) => void;
  router(): Recipient<RoutingMessage> | undefined;
}
