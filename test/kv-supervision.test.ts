// A failed write fails that `set` only: the client gets an error, and the store keeps serving.
// Reproduction of the bug: one failed write stopped the store for good and the next `get` was never answered.
import { expect, it } from "vitest";
import { ActorSystem, blockOn, type Co } from "../src/index.js";
import { KvClient } from "../src/labs/ch8/kv-client.js";
import { startKvSystem } from "../src/labs/ch8/router.js";
import type { Bytes, RoutingMessage } from "../src/labs/ch8/messages.js";
import type { DurableStore } from "../src/labs/ch8/store.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Bytes | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

/** An in-memory "disk" shared by every writer instance; writes of keys starting with "bad" fail like a full disk. */
class FlakyStore implements DurableStore {
  readonly kind = "flaky";
  constructor(
    private readonly disk: Map<string, Bytes>,
    readonly opened: { count: number },
  ) {
    opened.count++;
  }
  load(): Map<string, Bytes> {
    return new Map(this.disk);
  }
  set(key: string, value: Bytes): void {
    if (key.startsWith("bad")) throw new Error(`ENOSPC: no space left on device (${key})`);
    this.disk.set(key, value);
  }
  delete(key: string): void {
    this.disk.delete(key);
  }
  close(): void {}
  sizeOnDisk(): number {
    return this.disk.size;
  }
}

function* outcome(work: Co<unknown>): Co<string> {
  try {
    yield* work;
    return "ok";
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

it(
  "a failed write fails that set (client error), the next get is " +
    "answered, and twenty failures in a row do not stop the store",
  async () => {
    const disk = new Map<string, Bytes>();
    const opened = { count: 0 };
    const system = new ActorSystem();
    const router = startKvSystem(system, { openStore: () => new FlakyStore(disk, opened) });
    const kv = new KvClient(system.whereis<RoutingMessage, void>("router")!);
    const results = await blockOn(
      (function* (): Co<(string | undefined)[]> {
        const out: (string | undefined)[] = [];
        out.push(yield* outcome(kv.set("a", bytes("1"))));
        out.push(yield* outcome(kv.set("bad-1", bytes("x"))));
        out.push(text(yield* kv.get("a")));
        out.push(text(yield* kv.get("bad-1")));
        for (let i = 0; i < 20; i++) out.push(yield* outcome(kv.set(`bad-${i}`, bytes("x"))));
        out.push(yield* outcome(kv.set("b", bytes("2"))));
        out.push(text(yield* kv.get("b")));
        return out;
      })(),
    );
    expect(results[0]).toBe("ok");
    expect(results[1]).toMatch(/^error: .*ENOSPC/);
    expect(results.slice(2, 4)).toEqual(["1", undefined]); // served, and the failed value was never applied
    for (const r of results.slice(4, 24)) expect(r).toMatch(/^error: .*ENOSPC/);
    expect(results.slice(24)).toEqual(["ok", "2"]);
    expect([...disk.keys()].sort()).toEqual(["a", "b"]);
    router.stop();
    await router.join();
  },
);

it(
  "a writer that fails to start is restarted, and requests sent meanwhile " +
    "are answered (before: the key-value actor stopped, the router " +
    "forwarded to it and died, every later request hung)",
  async () => {
    const disk = new Map<string, Bytes>([["a", bytes("1")]]);
    const opened = { count: 0 };
    let failures = 2;
    const system = new ActorSystem();
    const problems: string[] = [];
    const router = startKvSystem(system, {
      openStore: () => {
        if (failures-- > 0) throw new Error("EMFILE: too many open files");
        return new FlakyStore(disk, opened);
      },
      log: (line) => problems.push(line),
    });
    const kv = new KvClient(router);
    const results = await blockOn(
      (function* (): Co<(string | undefined)[]> {
        const out: (string | undefined)[] = [];
        out.push(text(yield* kv.get("a")));
        out.push(yield* outcome(kv.set("b", bytes("2"))));
        out.push(text(yield* kv.get("b")));
        return out;
      })(),
    );
    expect(results).toEqual(["1", "ok", "2"]);
    expect(opened.count).toBe(1);
    router.stop();
    await router.join();
  },
);
