/**
 * The writer actor (E8.5): the only owner of the data file. It loads the state at
 * start (the book's `load_map`), hands it to the key-value actor on `load`, and
 * applies every set/delete to its map and to disk.
 *
 * Invariant: a set/delete's `ask` completes only after the store returned, i.e. the
 * change is durable as far as the store promises (store.ts) — the key-value actor
 * acknowledges its client only then. The book's key-value actor did not wait (it
 * sent to the writer and answered at once), so an acknowledged set could be lost.
 */
import { sleep, type Actor, type ActorContext, type Step } from "../../index.js";
import { debugMap, type Bytes, type WriterMessage } from "./messages.js";
import type { KvWiring } from "./kv-config.js";
import { loadMap, type DurableStore } from "./store.js";

export type WriterReply = Map<string, Bytes> | void;

export class WriterActor implements Actor<WriterMessage, WriterReply> {
  private store: DurableStore | null = null;
  private map = new Map<string, Bytes>();
  /** Which instance this is, and when it started: the book's `writer instance: Instant {…}`. */
  private instance = "";

  constructor(private readonly wiring: KvWiring, private readonly openStore: () => DurableStore) {}

  started(ctx: ActorContext<WriterMessage, WriterReply>): void {
    this.instance = `actor ${ctx.self.id}, started at ${ctx.now().toFixed(3)} ms`;
    this.store = this.openStore();
    this.map = loadMap(this.store, this.wiring.log, debugMap);
    const heartbeat = this.wiring.heartbeat;
    if (heartbeat !== undefined) ctx.sendInterval({ op: "beat" }, heartbeat.everyMs);
  }

  handle(message: WriterMessage): Step<WriterReply> {
    switch (message.op) {
      case "load":
        return new Map(this.map);
      case "set":
        this.map.set(message.key, message.value);
        this.store!.set(message.key, message.value);
        return undefined;
      case "delete":
        this.map.delete(message.key);
        this.store!.delete(message.key);
        return undefined;
      case "beat":
        if (this.wiring.heartbeat?.traceWriter === true) this.wiring.log(`writer instance: ${this.instance}`);
        this.wiring.router()?.tryTell({ route: "heartbeat", from: "writer" });
        return undefined;
      case "stall":
        return sleep(message.ms); // a stuck disk: no heartbeats while this runs
    }
  }

  stopped(): void {
    this.store?.close();
  }
}
