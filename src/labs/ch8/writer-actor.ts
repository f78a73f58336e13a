/**
 * The writer actor (E8.5): the only owner of the data file. It loads the state at
 * start (the book's `load_map`), hands it to the key-value actor on `load`, and
 * applies every set/delete to its map and to disk.
 *
 * Invariants:
 * 1. A set/delete's `ask` completes only after the store returned, i.e. the change is
 *    durable as far as the store promises (store.ts) — the key-value actor
 *    acknowledges its client only then. The book's key-value actor did not wait (it
 *    sent to the writer and answered at once), so an acknowledged set could be lost.
 * 2. A write the store refused is answered with its error (a value, not a throw):
 *    that change is not applied here either, and the writer goes on serving. A
 *    failure is the store's answer about one change, not a reason to lose the writer
 *    — and losing it would fail every later write too. If the store says its file
 *    needs reloading (a failed write it could not undo), the writer reloads it first.
 * 3. Every problem the store reports (at load, or later: a failed compaction) is
 *    printed and passed to the system's `onProblem`, once.
 */
import { sleep, type Actor, type ActorContext, type Step } from "../../index.js";
import { debugMap, type Bytes, type WriteAck, type WriterMessage } from "./messages.js";
import type { KvWiring } from "./kv-config.js";
import { loadMap, type DurableStore, type StoreProblem } from "./store.js";

export type WriterReply = Map<string, Bytes> | WriteAck | void;

export class WriterActor implements Actor<WriterMessage, WriterReply> {
  private store: DurableStore | null = null;
  private map = new Map<string, Bytes>();
  /** Which instance this is, and when it started: the book's `writer instance: Instant {…}`. */
  private instance = "";
  /** How many of the store's problems were reported already (invariant 3). */
  private reported = 0;

  constructor(
    private readonly wiring: KvWiring,
    private readonly openStore: () => DurableStore,
  ) {}

  started(ctx: ActorContext<WriterMessage, WriterReply>): void {
    this.instance = `actor ${ctx.self.id}, started at ${ctx.now().toFixed(3)} ms`;
    this.store = this.openStore();
    this.load();
    const heartbeat = this.wiring.heartbeat;
    if (heartbeat !== undefined) ctx.sendInterval({ op: "beat" }, heartbeat.everyMs);
  }

  handle(message: WriterMessage): Step<WriterReply> {
    switch (message.op) {
      case "load":
        return new Map(this.map);
      case "set": {
        const failed = this.write(() => this.store!.set(message.key, message.value));
        if (failed === undefined) this.map.set(message.key, message.value);
        return failed;
      }
      case "delete": {
        const failed = this.write(() => this.store!.delete(message.key));
        if (failed === undefined) this.map.delete(message.key);
        return failed;
      }
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

  private load(): void {
    this.reported = 0;
    this.map = loadMap(this.store!, this.wiring.log, debugMap, (problem) => this.report(problem));
    this.reported = this.store!.problems?.length ?? 0;
  }

  /** Invariant 2: the store's error as the answer, the store reloaded if it asks for that. */
  private write(change: () => void): WriteAck {
    const store = this.store!;
    let failed: Error | undefined;
    try {
      if (store.needsReload === true) this.load();
      change();
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
      this.wiring.log(`Write failed: ${failed.message}`);
    }
    const problems = store.problems ?? [];
    while (this.reported < problems.length) {
      const problem = problems[this.reported++]!;
      this.wiring.log(`Store problem: ${problem.message}`);
      this.report(problem);
    }
    return failed;
  }

  private report(problem: StoreProblem): void {
    this.wiring.onProblem?.(problem);
  }
}
