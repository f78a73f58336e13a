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
 */
import { sleep, type Actor, type ActorContext, type ActorRef, type ActorSystem, type Future } from "../../index.js";
import { HeartbeatSupervisor, type HeartbeatMessage } from "./heartbeat-supervisor.js";
import { KeyValueActor, type KeyValueActorMessage } from "./key-value-actor.js";
import type { KvSystemConfig, KvWiring } from "./kv-config.js";
import type { ActorType, RoutingMessage } from "./messages.js";

/** The key-value actor's mailbox size (book: `channel(32)`); a full one makes the router wait. */
export const KEY_VALUE_MAILBOX = 32;

export class RouterActor implements Actor<RoutingMessage, void> {
  private keyValue: ActorRef<KeyValueActorMessage, void> | null = null;
  private supervisor: ActorRef<HeartbeatMessage<ActorType>, void> | null = null;
  /** Key-value actors started so far (1 + resets). */
  generation = 0;

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

  handle(message: RoutingMessage, ctx: ActorContext<RoutingMessage, void>): Future<void> | void {
    switch (message.route) {
      case "key-value":
        return this.keyValue!.send(message.message);
      case "heartbeat":
        this.supervisor?.tryTell({ kind: "beat", from: message.from });
        return;
      case "stall":
        this.keyValue!.tryTell({ op: "stall", actor: message.actor, ms: message.ms });
        return;
      case "reset":
        this.keyValue!.kill();
        this.keyValue = this.spawnKeyValue(ctx);
        return sleep(this.wiring.heartbeat?.resetPauseMs ?? 0);
    }
  }

  private spawnKeyValue(ctx: ActorContext<RoutingMessage, void>): ActorRef<KeyValueActorMessage, void> {
    this.generation++;
    const wiring = this.wiring;
    return ctx.spawn(() => new KeyValueActor(wiring), { name: `key-value-${this.generation}`, capacity: KEY_VALUE_MAILBOX });
  }
}

/** Spawn the router on `system` and register it under its name; returns its address. */
export function startKvSystem(system: ActorSystem, config: KvSystemConfig = {}): ActorRef<RoutingMessage, void> {
  const name = config.routerName ?? "router";
  const wiring: KvWiring = { ...config, log: config.log ?? (() => {}), router: () => system.whereis<RoutingMessage, void>(name) };
  const router = system.spawn(() => new RouterActor(wiring), { name });
  system.register(name, router);
  return router;
}
