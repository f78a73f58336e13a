/**
 * The router (E8.4–E8.6): the system's one entry point, registered under a global
 * name (the book's `ROUTER_SENDER` OnceCell). It creates the key-value actor (which
 * creates the writer) and, with heartbeats on, the heartbeat supervisor; it forwards
 * key-value requests and heartbeats, and carries out resets.
 *
 * Invariants:
 * 1. The router is registered before any of its children runs — `startKvSystem`
 *    registers it right after spawning, and children only run on a later poll — so
 *    no actor can look the router up and miss (the race the book avoids by setting
 *    the OnceCell before spawning).
 * 2. A reset kills the key-value actor (its writer dies with it: a child), spawns a
 *    fresh one, and pauses the router; requests sent meanwhile wait in the router's
 *    mailbox and are forwarded to the new actor afterwards, in order.
 * 3. No acknowledged-or-pending request is lost to a reset: requests already
 *    forwarded to the killed actor but not yet answered (their reply slot still open)
 *    are forwarded again, first, to the new one. Safe because get/set/delete are
 *    idempotent. (The book's abort drops them; its callers' `rx.await.unwrap()` would
 *    panic. Rejected: `stop()` instead of `kill()` — a stuck actor never drains.)
 * 4. Failures are contained below the router: the router supervises its children with
 *    restarts (backoff, no restart limit — a store that keeps failing must keep
 *    answering with errors, not escalate until the router itself is gone), and the
 *    key-value actor supervises its writer the same way. A restart keeps the mailbox,
 *    so queued requests wait for the new instance.
 * 5. The router never forwards to a stopped key-value actor: if it is not alive (or
 *    stops while a request waits for room in its mailbox), a fresh one is spawned and
 *    the request goes there.
 */
import {
  ActorStopped,
  sleep,
  type Actor,
  type ActorContext,
  type ActorRef,
  type ActorSystem,
  type Co,
  type Step,
  type SupervisionOptions,
} from "../../index.js";
import { HeartbeatSupervisor, type HeartbeatMessage } from "./heartbeat-supervisor.js";
import { KeyValueActor, type KeyValueActorMessage } from "./key-value-actor.js";
import type { KvSystemConfig, KvWiring } from "./kv-config.js";
import type { ActorType, KeyValueMessage, RoutingMessage } from "./messages.js";

/** The key-value actor's mailbox size (book: `channel(32)`); a full one makes the router wait. */
export const KEY_VALUE_MAILBOX = 32;

/** Prune answered requests from the forwarded list once it is this long (a few KiB; one pass per this many requests).
 * */
const PRUNE_FORWARDED_AT = 64;

/**
 * How the router and the key-value actor supervise their children (invariant 4): always
 * restart; back off from 1 ms, doubling per restart within a second, up to 1 s.
 */
export const KV_SUPERVISION: SupervisionOptions = {
  directive: "restart",
  maxRestarts: Infinity,
  withinMs: 1_000,
  backoff: { initialMs: 1, factor: 2, maxMs: 1_000 },
};

export class RouterActor implements Actor<RoutingMessage, void> {
  private keyValue: ActorRef<KeyValueActorMessage, void> | null = null;
  private supervisor: ActorRef<HeartbeatMessage<ActorType>, void> | null = null;
  /** Key-value actors started so far (1 + resets). */
  generation = 0;
  /** Requests forwarded to the current key-value actor, some answered (invariant 3); pruned as it grows. */
  private forwarded: KeyValueMessage[] = [];
  private pruneAt = PRUNE_FORWARDED_AT;

  constructor(private readonly wiring: KvWiring) {}

  started(ctx: ActorContext<RoutingMessage, void>): void {
    this.keyValue = this.spawnKeyValue(ctx);
    const heartbeat = this.wiring.heartbeat;
    if (heartbeat !== undefined) {
      const self = ctx.self;
      this.supervisor = ctx.spawn(
        () =>
          new HeartbeatSupervisor<ActorType>({
            checkEveryMs: heartbeat.everyMs,
            cutoffMs: heartbeat.cutoffMs,
            // Whichever is silent, reset the key-value actor: it restarts its writer (book).
            onSilent: (actor, silentMs) => {
              this.wiring.log(`-- heartbeat supervisor: ${actor} silent for ${silentMs.toFixed(0)} ms, reset --`);
              self.tryTell({ route: "reset", actor: "key-value" });
            },
          }),
        { name: "heartbeat" },
      );
    }
  }

  handle(message: RoutingMessage, ctx: ActorContext<RoutingMessage, void>): Step<void> {
    switch (message.route) {
      case "key-value":
        this.remember(message.message);
        return this.forward(message.message, ctx);
      case "heartbeat":
        this.supervisor?.tryTell({ kind: "beat", from: message.from });
        return;
      case "stall":
        this.keyValue!.tryTell({ op: "stall", actor: message.actor, ms: message.ms });
        return;
      case "reset":
        return this.reset(ctx);
    }
  }

  /** Invariant 5. */
  private *forward(message: KeyValueMessage, ctx: ActorContext<RoutingMessage, void>): Co<void> {
    for (;;) {
      if (!this.keyValue!.isAlive) this.keyValue = this.spawnKeyValue(ctx);
      try {
        yield* this.keyValue!.send(message);
        return;
      } catch (error) {
        if (!(error instanceof ActorStopped)) throw error;
      }
    }
  }

  private *reset(ctx: ActorContext<RoutingMessage, void>): Co<void> {
    const unanswered = this.forwarded.filter((m) => !m.reply.isClosed);
    this.forwarded = [];
    this.keyValue!.kill();
    this.keyValue = this.spawnKeyValue(ctx);
    for (const message of unanswered) {
      this.remember(message);
      yield* this.forward(message, ctx);
    }
    yield* sleep(this.wiring.heartbeat?.resetPauseMs ?? 0);
  }

  private remember(message: KeyValueMessage): void {
    if (this.forwarded.length >= this.pruneAt) {
      this.forwarded = this.forwarded.filter((m) => !m.reply.isClosed);
      this.pruneAt = Math.max(PRUNE_FORWARDED_AT, 2 * this.forwarded.length); // amortised O(1) per request
    }
    this.forwarded.push(message);
  }

  private spawnKeyValue(ctx: ActorContext<RoutingMessage, void>): ActorRef<KeyValueActorMessage, void> {
    this.generation++;
    const wiring = this.wiring;
    return ctx.spawn(() => new KeyValueActor(wiring), {
      name: `key-value-${this.generation}`,
      capacity: KEY_VALUE_MAILBOX,
      supervision: KV_SUPERVISION,
    });
  }
}

/** Spawn the router on `system` and register it under its name; returns its address. */
export function startKvSystem(system: ActorSystem, config: KvSystemConfig = {}): ActorRef<RoutingMessage, void> {
  const name = config.routerName ?? "router";
  const wiring: KvWiring = {
    ...config,
    log: config.log ?? (() => {}),
    router: () => system.whereis<RoutingMessage, void>(name),
  };
  const router = system.spawn(() => new RouterActor(wiring), { name, supervision: KV_SUPERVISION });
  system.register(name, router);
  return router;
}
