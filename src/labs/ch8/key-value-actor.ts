/**
 * The key-value actor (E8.4): a map behind a mailbox, answering get / set / delete
 * through each request's one-shot reply. With a store configured (E8.5) it spawns
 * its writer as a child — so the writer dies with it and comes back with it (E8.6) —
 * starts from the writer's loaded state, and logs each change to the writer first.
 *
 * Invariants:
 * 1. A set/delete is answered only after the writer acknowledged it (see
 *    writer-actor.ts); a get never waits for the writer.
 * 2. A change the writer could not make durable is answered with that error and not
 *    applied to the map; the actor goes on serving. If the writer itself is gone (it
 *    crashed, and this actor's supervision restarts it), the request fails with the
 *    ask's error in the same way — a client always gets an answer, never silence.
 */
import { sleep, type Actor, type ActorContext, type ActorRef, type Co } from "../../index.js";
import type { KvWiring } from "./kv-config.js";
import {
  toWriterMessage,
  type ActorType,
  type Bytes,
  type KeyValueMessage,
  type WriteAck,
  type WriterMessage,
} from "./messages.js";
import { WriterActor, type WriterReply } from "./writer-actor.js";

export type KeyValueActorMessage =
  KeyValueMessage | { readonly op: "beat" } | { readonly op: "stall"; readonly actor: ActorType; readonly ms: number };

export class KeyValueActor implements Actor<KeyValueActorMessage, void> {
  private map = new Map<string, Bytes>();
  private writer: ActorRef<WriterMessage, WriterReply> | null = null;

  constructor(private readonly wiring: KvWiring) {}

  *started(ctx: ActorContext<KeyValueActorMessage, void>): Co<void> {
    const { openStore, heartbeat } = this.wiring;
    if (heartbeat !== undefined) this.wiring.log("Starting key_value_actor");
    if (openStore !== undefined) {
      const wiring = this.wiring;
      this.writer = ctx.spawn(() => new WriterActor(wiring, openStore), { name: "writer" });
      this.map = (yield* this.writer.ask({ op: "load" })) as Map<string, Bytes>;
    }
    if (heartbeat !== undefined) ctx.sendInterval({ op: "beat" }, heartbeat.everyMs);
  }

  *handle(message: KeyValueActorMessage): Co<void> {
    switch (message.op) {
      case "beat":
        this.wiring.router()?.tryTell({ route: "heartbeat", from: "key-value" });
        return;
      case "stall":
        if (message.actor === "writer") this.writer?.tell({ op: "stall", ms: message.ms });
        else yield* sleep(message.ms);
        return;
    }
    const log = toWriterMessage(message);
    if (log !== null && message.op !== "get" && this.writer !== null) {
      let ack: WriteAck;
      try {
        ack = (yield* this.writer.ask(log)) as WriteAck;
      } catch (error) {
        ack = error instanceof Error ? error : new Error(String(error));
      }
      if (ack !== undefined) {
        message.reply.send(ack); // not durable, so not acknowledged (invariant 2)
        return;
      }
    }
    switch (message.op) {
      case "get":
        message.reply.send(this.map.get(message.key));
        return;
      case "set":
        this.map.set(message.key, message.value);
        message.reply.send(undefined);
        return;
      case "delete":
        this.map.delete(message.key);
        message.reply.send(undefined);
        return;
    }
  }
}
