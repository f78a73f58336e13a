import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CLOSED, EventBus, NO_EVENT } from "../src/reactive/event-bus.js";
import { SimRuntime } from "../src/runtime/sim/sim-runtime.js";
import type { JoinHandle } from "../src/runtime/task.js";
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

  it(
    "block: disposing the full subscriber releases a waiting sender; a full " +
      "block subscriber on another topic never holds it",
    () => {
      const rt = new VirtualRuntime();
      const bus = new EventBus<number>();
      const slow = bus.subscribe({ capacity: 1, policy: "block" });
      const doors = bus.subscribe({ capacity: 1, policy: "block", topics: ["door"] });
      bus.send(0, "door"); // both full now
      const sent: number[] = [];
      rt.spawn(
        co(function* () {
          for (const e of [1, 2]) sent.push(e, yield* bus.deliver(e, "temp"));
        }),
      );
      rt.runUntil(10);
      expect(sent).toEqual([]); // waits for `slow` only: `doors` does not want "temp"
      slow[Symbol.dispose]();
      rt.runUntil(20);
      expect(sent).toEqual([1, 0, 2, 0]); // released; nobody live missed anything
      expect(doors.poll()).toBe(0);
      expect(doors.poll()).toBe(undefined);
    },
  );

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

describe("event bus: composition (issue 11 §6, §1)", () => {
  const counter = () => ({
    wakes: 0,
    wake() {
      this.wakes++;
    },
  });

  it(
    "send(undefined) is delivered like any value (before: " + "take/recv/iterator read it as 'empty' and dropped it)",
    async () => {
      const bus = new EventBus<number | undefined>();
      const h = bus.subscribe();
      expect(bus.send(undefined)).toBe(0);
      expect(h.pending).toBe(1);
      expect(h.take()).toBe(undefined);
      expect(h.take()).toBe(NO_EVENT);
      bus.send(undefined);
      const r = h.recvOrClosed();
      expect(r.poll({ waker: counter() })).toBe(undefined);
      // The async iterator yields it and goes on to the next event.
      bus.send(undefined);
      bus.send(5);
      const got: (number | undefined)[] = [];
      const done = (async () => {
        for await (const e of h) got.push(e);
      })();
      await new Promise((r) => setImmediate(r));
      h[Symbol.dispose]();
      await done;
      expect(got).toEqual([undefined, 5]);
      const closed = h.recvOrClosed();
      expect(closed.poll({ waker: counter() })).toBe(CLOSED);
    },
  );

  it(
    "the async iterator neither hangs nor drops the next event when a " +
      "recv() waits on the same handle (before: one consumer slot, " +
      "overwritten)",
    async () => {
      const bus = new EventBus<number>();
      const h = bus.subscribe();
      const viaIterator: number[] = [];
      const iterating = (async () => {
        for await (const e of h) viaIterator.push(e);
      })();
      await new Promise((r) => setImmediate(r)); // the iterator is parked now
      const r = h.recv();
      const w = counter();
      expect(r.poll({ waker: w })).toBe(PENDING); // a second consumer
      bus.send(1); // oldest waiter first: the iterator
      await new Promise((r) => setImmediate(r));
      bus.send(2); // now the recv
      expect(w.wakes).toBe(1);
      expect(r.poll({ waker: w })).toBe(2);
      bus.send(3);
      await new Promise((r) => setImmediate(r));
      h[Symbol.dispose]();
      await iterating;
      expect(viaIterator).toEqual([1, 3]);
    },
  );

  it("a cancelled recv leaves at once and does not swallow the wake-up of the next consumer", () => {
    const bus = new EventBus<number>();
    const h = bus.subscribe();
    const [wa, wb] = [counter(), counter()];
    const b = h.recv();
    expect(b.poll({ waker: wb })).toBe(PENDING);
    const a = h.recv();
    expect(a.poll({ waker: wa })).toBe(PENDING);
    expect(h.consumers.length).toBe(2);
    a.cancel();
    expect(h.consumers.length).toBe(1);
    bus.send(1);
    expect(wb.wakes).toBe(1);
    expect(b.poll({ waker: wb })).toBe(1);
    // Many recvs given up: nothing is left behind.
    for (let i = 0; i < 10_000; i++) {
      const r = h.recv();
      r.poll({ waker: wa });
      r.cancel();
    }
    expect(h.consumers.length).toBe(0);
  });

  it(
    "a cancelled deliver leaves at once (before: its waker stayed until the " +
      "subscriber polled), and a wake-up it held moves on",
    () => {
      const bus = new EventBus<number>();
      const h = bus.subscribe({ capacity: 1, policy: "block" });
      bus.send(0);
      for (let i = 0; i < 10_000; i++) {
        const d = bus.deliver(i);
        expect(d.poll({ waker: counter() })).toBe(PENDING);
        d.cancel();
      }
      expect(h.senders.length).toBe(0);
      const [wa, wb] = [counter(), counter()];
      const a = bus.deliver(1);
      const b = bus.deliver(2);
      a.poll({ waker: wa });
      b.poll({ waker: wb });
      expect(h.take()).toBe(0); // room for one: the oldest sender is told
      expect([wa.wakes, wb.wakes]).toEqual([1, 0]);
      a.cancel(); // ... but gave up before using it: b gets the turn
      expect(wb.wakes).toBe(1);
      expect(b.poll({ waker: wb })).toBe(0);
      expect(h.take()).toBe(2);
    },
  );

  it("a sender woken for room it cannot use (still blocked elsewhere) passes the turn on", () => {
    const bus = new EventBus<number>();
    const both = bus.subscribe({ capacity: 1, policy: "block" });
    bus.subscribe({ capacity: 1, policy: "block", topics: ["door"] });
    bus.send(0, "door");
    const [wa, wb] = [counter(), counter()];
    const a = bus.deliver(1, "door"); // waits for both and doors
    const b = bus.deliver(2); // untopiced: waits for `both` only
    expect(a.poll({ waker: wa })).toBe(PENDING);
    expect(b.poll({ waker: wb })).toBe(PENDING);
    expect(both.take()).toBe(0); // room in `both`: a is oldest
    expect(wa.wakes).toBe(1);
    expect(a.poll({ waker: wa })).toBe(PENDING); // doors still full
    expect(wb.wakes).toBe(1); // the room went to b
    expect(b.poll({ waker: wb })).toBe(0);
    expect(both.take()).toBe(2);
  });
});

/**
 * Model-based: random interleavings of deliver / recv / cancel / take / send against a plain
 * model of one `block` subscriber. Woken futures are not polled at once, so a cancel can hit a
 * waiter between its wake-up and its poll; at each `settle` (and at the end) the harness polls
 * every woken future until none is woken (a fair scheduler), then checks:
 *  - no lost wake-up: a pending deliver implies a full backlog, a pending recv an empty one;
 *  - no growth: each waiter list holds exactly the pending futures that wait on it;
 *  - no event lost, duplicated or reordered: taken ++ backlog == accepted.
 */
describe("event bus deliver/recv waiters: model-based (seeded)", () => {
  type Cmd =
    | { kind: "deliver" }
    | { kind: "recv" }
    | { kind: "cancelDeliver"; at: number }
    | { kind: "cancelRecv"; at: number }
    | { kind: "take" }
    | { kind: "send" }
    | { kind: "settle" }
    /** Cancel a waiter between its wake-up and its poll: the case that must pass the wake-up on. */
    | { kind: "cancelWoken"; deliver: boolean };
  // Weighted towards the moves that make waiters meet: senders and takers on a small backlog, cancels.
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    { arbitrary: fc.constant({ kind: "deliver" as const }), weight: 4 },
    { arbitrary: fc.constant({ kind: "recv" as const }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant("cancelDeliver" as const), at: fc.nat(7) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("cancelRecv" as const), at: fc.nat(7) }), weight: 2 },
    { arbitrary: fc.constant({ kind: "take" as const }), weight: 3 },
    { arbitrary: fc.constant({ kind: "send" as const }), weight: 2 },
    { arbitrary: fc.constant({ kind: "settle" as const }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("cancelWoken" as const), deliver: fc.boolean() }), weight: 2 },
  );

  interface Live<T> {
    f: { poll(cx: { waker: { wake(): void } }): T | typeof PENDING; cancel(): void };
    woken: boolean;
    value?: number;
  }

  it("matches the model over ≥ 200 seeded runs (direct polling)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(cmd, { minLength: 10, maxLength: 80, size: "max" }),
        (capacity, cmds) => {
          const bus = new EventBus<number>();
          const h = bus.subscribe({ capacity, policy: "block" });
          const delivers: Live<number>[] = [];
          const recvs: Live<number | typeof CLOSED>[] = [];
          const accepted: number[] = [];
          const taken: number[] = [];
          let next = 0;
          const pollOne = <T>(l: Live<T>, onReady: (v: T) => void, list: Live<T>[]): void => {
            l.woken = false;
            const out = l.f.poll({ waker: { wake: () => void (l.woken = true) } });
            if (out !== PENDING) {
              list.splice(list.indexOf(l), 1);
              onReady(out as T);
            }
          };
          const onDelivered = (l: Live<number>) => (missed: number) => {
            expect(missed).toBe(0);
            accepted.push(l.value!);
          };
          const quiesce = (): void => {
            for (let guard = 0; guard < 10_000; guard++) {
              const d = delivers.find((l) => l.woken);
              if (d !== undefined) {
                pollOne(d, onDelivered(d), delivers);
                continue;
              }
              const r = recvs.find((l) => l.woken);
              if (r !== undefined) {
                pollOne(r, (v) => taken.push(v as number), recvs);
                continue;
              }
              return;
            }
            throw new Error("no quiescence");
          };
          const check = (): void => {
            quiesce();
            if (delivers.length > 0) expect(h.pending).toBe(capacity);
            if (recvs.length > 0) expect(h.pending).toBe(0);
            expect(h.senders.length).toBe(delivers.length);
            expect(h.consumers.length).toBe(recvs.length);
            expect([...taken, ...h.backlog.toArray()]).toEqual(accepted);
          };
          for (const c of cmds) {
            switch (c.kind) {
              case "deliver": {
                const l: Live<number> = { f: bus.deliver(next), woken: false, value: next++ };
                delivers.push(l);
                pollOne(l, onDelivered(l), delivers);
                break;
              }
              case "recv": {
                const l: Live<number | typeof CLOSED> = { f: h.recvOrClosed(), woken: false };
                recvs.push(l);
                pollOne(l, (v) => taken.push(v as number), recvs);
                break;
              }
              case "cancelDeliver":
              case "cancelRecv": {
                const list: Live<unknown>[] = c.kind === "cancelDeliver" ? delivers : recvs;
                if (list.length === 0) break;
                const l = list.splice(c.at % list.length, 1)[0]!;
                l.f.cancel();
                break;
              }
              case "take": {
                const e = h.take();
                if (e !== NO_EVENT) taken.push(e);
                break;
              }
              case "send": {
                const v = next++;
                if (bus.send(v) === 0) accepted.push(v);
                break;
              }
              case "settle":
                check();
                break;
              case "cancelWoken": {
                const list: Live<unknown>[] = c.deliver ? delivers : recvs;
                const i = list.findIndex((l) => l.woken);
                if (i >= 0) list.splice(i, 1)[0]!.f.cancel();
                break;
              }
            }
          }
          check();
        },
      ),
      { numRuns: 500, seed: 6_11 },
    );
  });

  it("matches the model over 200 seeded runs on the sim driver (tasks on 3 workers, cancels at seeded times)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.record({ recv: fc.boolean(), at: fc.nat(50), cancelAt: fc.option(fc.nat(60), { nil: undefined }) }),
          { maxLength: 30 },
        ),
        fc.nat(1_000),
        (capacity, jobs, seed) => {
          const rt = new SimRuntime({ queues: [{ name: "main", workers: 3 }], seed });
          const bus = new EventBus<number>();
          const h = bus.subscribe({ capacity, policy: "block" });
          const accepted: number[] = [];
          const taken: number[] = [];
          const handles: { recv: boolean; handle: JoinHandle<void> }[] = [];
          jobs.forEach((job, i) => {
            rt.at(job.at, () => {
              const handle = rt.spawn(
                co(function* () {
                  if (job.recv) {
                    const e = yield* h.recvOrClosed();
                    if (e !== CLOSED) taken.push(e);
                  } else {
                    expect(yield* bus.deliver(i)).toBe(0);
                    accepted.push(i);
                  }
                }),
              );
              handles.push({ recv: job.recv, handle });
              if (job.cancelAt !== undefined) rt.at(job.at + job.cancelAt, () => void handle.cancel());
            });
          });
          rt.run();
          const pendingDelivers = handles.filter((t) => !t.recv && !t.handle.finished).length;
          const pendingRecvs = handles.filter((t) => t.recv && !t.handle.finished).length;
          if (pendingDelivers > 0) expect(h.pending).toBe(capacity);
          if (pendingRecvs > 0) expect(h.pending).toBe(0);
          expect(h.senders.length).toBe(pendingDelivers);
          expect(h.consumers.length).toBe(pendingRecvs);
          expect([...taken, ...h.backlog.toArray()]).toEqual(accepted);
        },
      ),
      { numRuns: 200, seed: 6_12 },
    );
  });
});
