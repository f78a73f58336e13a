import { describe, expect, it } from "vitest";
import { EventBus } from "../src/reactive/event-bus.js";
import { VirtualRuntime } from "../src/runtime/virtual-runtime.js";
import { co } from "../src/futures/generator-future.js";
import { PENDING } from "../src/futures/poll.js";

function drain<T>(h: { poll(): T | undefined }): T[] {
  const out: T[] = [];
  for (let e = h.poll(); e !== undefined; e = h.poll()) out.push(e);
  return out;
}

describe("event bus (E6.4)", () => {
  it("keeps per-subscriber order and gives every live subscriber every event", () => {
    const bus = new EventBus<number>();
    const a = bus.subscribe();
    bus.send(1);
    const b = bus.subscribe();
    bus.send(2);
    bus.send(3);
    expect(drain(a)).toEqual([1, 2, 3]);
    expect(drain(b)).toEqual([2, 3]);
  });

  it("clones per subscriber when asked", () => {
    const bus = new EventBus<{ v: number }>({ clone: (e) => ({ ...e }) });
    const a = bus.subscribe();
    const b = bus.subscribe();
    const ev = { v: 1 };
    bus.send(ev);
    const ea = a.poll()!;
    const eb = b.poll()!;
    expect(ea).toEqual(ev);
    expect(ea).not.toBe(ev);
    expect(ea).not.toBe(eb);
  });

  it("topic filters: a subscriber gets only the kinds it asked for", () => {
    const bus = new EventBus<string>();
    const temps = bus.subscribe({ topics: ["temp"] });
    const all = bus.subscribe();
    bus.send("t1", "temp");
    bus.send("d1", "door");
    bus.send("x"); // no topic: only unfiltered subscribers
    expect(drain(temps)).toEqual(["t1"]);
    expect(drain(all)).toEqual(["t1", "d1", "x"]);
  });

  it("drop-oldest loses the oldest, sender not told", () => {
    const bus = new EventBus<number>();
    const h = bus.subscribe({ capacity: 2, policy: "drop-oldest" });
    expect([1, 2, 3, 4].map((e) => bus.send(e))).toEqual([0, 0, 0, 0]);
    expect(drain(h)).toEqual([3, 4]);
    expect(h.stats).toMatchObject({ delivered: 4, dropped: 2, rejected: 0, highWater: 2 });
  });

  it("drop-newest loses the newest, sender not told", () => {
    const bus = new EventBus<number>();
    const h = bus.subscribe({ capacity: 2, policy: "drop-newest" });
    expect([1, 2, 3, 4].map((e) => bus.send(e))).toEqual([0, 0, 0, 0]);
    expect(drain(h)).toEqual([1, 2]);
    expect(h.stats.dropped).toBe(2);
  });

  it("reject: the sender learns how many subscribers missed the event", () => {
    const bus = new EventBus<number>();
    const h = bus.subscribe({ capacity: 1, policy: "reject" });
    const other = bus.subscribe();
    expect(bus.send(1)).toBe(0);
    expect(bus.send(2)).toBe(1);
    expect(drain(h)).toEqual([1]);
    expect(drain(other)).toEqual([1, 2]);
    expect(h.stats.rejected).toBe(1);
  });

  it("block: deliver() waits until the slow subscriber has room; others are not skipped", () => {
    const rt = new VirtualRuntime();
    const bus = new EventBus<number>();
    const slow = bus.subscribe({ capacity: 1, policy: "block" });
    const fast = bus.subscribe();
    const sent: number[] = [];
    const sender = rt.spawn(
      co(function* () {
        for (const e of [1, 2, 3]) {
          yield* bus.deliver(e);
          sent.push(e);
        }
      }),
    );
    rt.runUntil(10);
    expect(sent).toEqual([1]); // 2 waits: slow's backlog (capacity 1) is full
    expect(bus.send(99)).toBe(1); // a sync send to a full block subscriber is a miss
    expect(drain(fast)).toEqual([1, 99]);
    expect(slow.poll()).toBe(1); // room: the waiting sender is woken
    rt.runUntil(20);
    expect(sent).toEqual([1, 2]);
    expect(slow.poll()).toBe(2);
    rt.runUntil(30);
    expect(sent).toEqual([1, 2, 3]);
    expect(sender.finished).toBe(true);
    expect(drain(fast)).toEqual([2, 3]);
  });

  it("dispose tombstones; GC reclaims the backlog and the id", () => {
    const bus = new EventBus<number>();
    const a = bus.subscribe();
    const b = bus.subscribe();
    bus.send(1);
    a[Symbol.dispose]();
    bus.send(2);
    expect(bus.tombstones).toBe(1);
    expect([...bus.chamberSnapshot().keys()]).toEqual([1, 0]); // tombstoned queue still there
    expect(bus.chamberSnapshot().get(0)).toEqual([1]); // and gets nothing after dispose
    expect(bus.collect()).toBe(1);
    expect([...bus.chamberSnapshot().keys()]).toEqual([1]);
    expect(bus.reusableIds).toBe(1);
    const c = bus.subscribe();
    expect(c.id).toBe(0); // reclaimed, not a fresh id
    expect(bus.reusableIds).toBe(0);
    expect(drain(b)).toEqual([1, 2]);
  });

  it("block: disposing the full subscriber releases a waiting sender; a full block subscriber on another topic never holds it", () => {
    const rt = new VirtualRuntime();
    const bus = new EventBus<number>();
    const slow = bus.subscribe({ capacity: 1, policy: "block" });
    const doors = bus.subscribe({ capacity: 1, policy: "block", topics: ["door"] });
    bus.send(0, "door"); // both full now
    const sent: number[] = [];
    rt.spawn(co(function* () {
      for (const e of [1, 2]) sent.push(e, yield* bus.deliver(e, "temp"));
    }));
    rt.runUntil(10);
    expect(sent).toEqual([]); // waits for `slow` only: `doors` does not want "temp"
    slow[Symbol.dispose]();
    rt.runUntil(20);
    expect(sent).toEqual([1, 0, 2, 0]); // released; nobody live missed anything
    expect(doors.poll()).toBe(0);
    expect(doors.poll()).toBe(undefined);
  });

  it("ids are reclaimed, not exhausted: over 10,000 subscribe/dispose rounds, ids stay within one GC batch", () => {
    const bus = new EventBus<number>();
    const keep = bus.subscribe();
    const ids = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const h = bus.subscribe();
      ids.add(h.id);
      bus.send(i);
      h[Symbol.dispose]();
      if (i % 100 === 99) expect(bus.collect()).toBe(100); // batches of 100 tombstones
    }
    // Between collections fresh ids are taken; after each batch they are reused: ids stay bounded by the batch.
    expect(Math.max(...ids)).toBeLessThanOrEqual(100);
    expect(bus.size).toBe(1);
    expect(bus.chamberSnapshot().size).toBe(1);
    expect(keep.id).toBe(0);
    let n = 0;
    while (keep.poll() !== undefined) n++;
    expect(n).toBe(10_000);
  });

  it("`using` unsubscribes at the end of the block", () => {
    const bus = new EventBus<number>();
    {
      using h = bus.subscribe();
      bus.send(1);
      expect(h.poll()).toBe(1);
    }
    expect(bus.tombstones).toBe(1);
  });

  it("the GC task collects in batches at its interval", () => {
    const rt = new VirtualRuntime();
    const bus = new EventBus<number>();
    const gc = rt.spawn(bus.garbageCollector(100));
    const hs = [bus.subscribe(), bus.subscribe(), bus.subscribe()];
    rt.runUntil(1);
    hs[0]![Symbol.dispose]();
    hs[2]![Symbol.dispose]();
    rt.runUntil(50);
    expect(bus.tombstones).toBe(2);
    rt.runUntil(101);
    expect(bus.tombstones).toBe(0);
    expect(bus.size).toBe(1);
    gc.cancel();
    expect(rt.timers.size).toBe(0);
  });

  it("recv() is woken by a send, and ends with undefined once disposed and drained", () => {
    const bus = new EventBus<number>();
    const h = bus.subscribe();
    let wakes = 0;
    const waker = { wake: () => wakes++ };
    const r = h.recv();
    expect(r.poll({ waker })).toBe(PENDING);
    bus.send(7);
    expect(wakes).toBe(1);
    expect(r.poll({ waker })).toBe(7);
    const r2 = h.recv();
    expect(r2.poll({ waker })).toBe(PENDING);
    h[Symbol.dispose]();
    expect(wakes).toBe(2);
    expect(r2.poll({ waker })).toBe(undefined);
  });

  it("async iterator yields in order and ends on dispose", async () => {
    const bus = new EventBus<number>();
    const h = bus.subscribe();
    const got: number[] = [];
    const done = (async () => {
      for await (const e of h) got.push(e);
    })();
    bus.send(1);
    bus.send(2);
    await Promise.resolve();
    bus.send(3);
    await new Promise((r) => setImmediate(r));
    h[Symbol.dispose]();
    await done;
    expect(got).toEqual([1, 2, 3]);
  });
});
