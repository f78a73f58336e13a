import { describe, expect, it } from "vitest";
import { ChannelClosed, co, LiveRuntime, PENDING, sleep, watch, type Co, type WatchReceiver } from "../src/index.js";
import { CountingWaker } from "./suite.js";
import fc from "fast-check";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

describe("watch", () => {
  it("changed() waits for a send, wakes the waiter once, then sees the latest value", () => {
    const [tx, rx] = watch(0);
    const waker = new CountingWaker();
    const f = rx.changed();
    expect(f.poll({ waker })).toBe(PENDING);
    expect(f.poll({ waker })).toBe(PENDING); // polled twice, still registered once
    expect(tx.send(1)).toBe(true);
    expect(tx.send(2)).toBe(true);
    expect(waker.wakes).toBe(1);
    expect(f.poll({ waker })).toBe(undefined);
    expect(rx.borrow()).toBe(2);
    expect(rx.hasChanged).toBe(false);
    expect(f.poll({ waker })).toBe(undefined); // settled: polling again gives the same outcome
  });

  it("a send between two changed() calls is not lost; several sends are seen as one", () => {
    const [tx, rx] = watch("a");
    tx.send("b");
    tx.send("c");
    expect(rx.hasChanged).toBe(true);
    const waker = new CountingWaker();
    expect(rx.changed().poll({ waker })).toBe(undefined);
    expect(rx.borrow()).toBe("c");
    expect(rx.changed().poll({ waker })).toBe(PENDING);
  });

  it("wakes every receiver, each with its own seen position", () => {
    const [tx, rx] = watch(0);
    const other = tx.subscribe();
    const [w1, w2] = [new CountingWaker(), new CountingWaker()];
    const [f1, f2] = [rx.changed(), other.changed()];
    expect(f1.poll({ waker: w1 })).toBe(PENDING);
    expect(f2.poll({ waker: w2 })).toBe(PENDING);
    tx.send(7);
    expect([w1.wakes, w2.wakes]).toEqual([1, 1]);
    expect(f1.poll({ waker: w1 })).toBe(undefined);
    expect(f2.poll({ waker: w2 })).toBe(undefined);
    expect(tx.subscribe().hasChanged).toBe(false); // a new receiver counts the current value as seen
    expect(rx.clone().hasChanged).toBe(false);
  });

  it("a cancelled changed() is not woken", () => {
    const [tx, rx] = watch(0);
    const waker = new CountingWaker();
    const f = rx.changed();
    expect(f.poll({ waker })).toBe(PENDING);
    f.cancel();
    tx.send(1);
    expect(waker.wakes).toBe(0);
  });

  it("close(): an unseen last value is still reported, then waiting fails with ChannelClosed", () => {
    const [tx, rx] = watch(0);
    const waker = new CountingWaker();
    const waiting = rx.changed();
    tx.send(1);
    tx.close();
    expect(tx.send(2)).toBe(false);
    expect(waiting.poll({ waker })).toBe(undefined);
    expect(rx.borrow()).toBe(1);
    expect(() => rx.changed().poll({ waker })).toThrow(ChannelClosed);

    const [tx2, rx2] = watch(0);
    const f = rx2.changed();
    expect(f.poll({ waker })).toBe(PENDING);
    tx2.close();
    expect(waker.wakes).toBe(1);
    expect(() => f.poll({ waker })).toThrow(ChannelClosed);
  });

  it("on a runtime: a task awaiting changed() sees each value the sender task sends between its waits", async () => {
    function* reader(rx: WatchReceiver<number>): Co<number[]> {
      const seen: number[] = [];
      for (;;) {
        try {
          yield* rx.changed();
        } catch (e) {
          if (e instanceof ChannelClosed) return seen;
          throw e;
        }
        seen.push(rx.borrow());
      }
    }
    function* writer(tx: ReturnType<typeof watch<number>>[0]): Co<void> {
      for (let i = 1; i <= 3; i++) {
        yield* sleep(1);
        tx.send(i);
      }
      tx.close();
    }
    const [tx, rx] = watch(0);
    const rt = new LiveRuntime();
    const seen = rt.spawn(co(reader, rx));
    await rt.blockOn(co(writer, tx));
    expect(await seen).toEqual([1, 2, 3]);
  });

  type Op =
    | { k: "wait" }
    | { k: "cancel"; i: number; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "send"; settle: boolean }
    | { k: "close"; settle: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ k: "wait" as const }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("cancel" as const), i: fc.nat(15), settle: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(15) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("send" as const), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("close" as const), settle: fc.boolean() }) },
  );

  for (const driver of DRIVERS) {
    it(
      `changed() waiters match a model under random waits / cancels / ` +
        `spurious wakes / sends on the ${driver} driver (seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.nat(1000), fc.array(op, { maxLength: 30 }), (seed, ops) =>
            onDriver(driver, seed, function* (settle) {
              const [tx] = watch(0);
              const log: number[] = [];
              const parties: Party<void>[] = [];
              const startedAt: number[] = [];
              let probe: ReturnType<WatchReceiver<number>["changed"]> | null = null;
              // The model: how many sends so far, and whether the sender closed.
              let version = 0;
              let closed = false;
              for (const o of ops) {
                let doSettle = true;
                if (o.k === "wait") {
                  // Each waiter has its own receiver: it waits for a send after it subscribed.
                  const changed = tx.subscribe().changed();
                  probe ??= changed;
                  startedAt.push(version);
                  parties.push(party(parties.length, changed, log));
                } else if (o.k === "cancel") {
                  if (parties.length === 0) continue;
                  doSettle = o.settle;
                  cancelParty(parties[o.i % parties.length]!);
                } else if (o.k === "wake") {
                  if (parties.length === 0) continue;
                  spuriousWake(parties[o.i % parties.length]!);
                } else if (o.k === "send") {
                  doSettle = o.settle;
                  expect(tx.send(version + 1)).toBe(!closed);
                  if (!closed) version++;
                } else {
                  doSettle = o.settle;
                  tx.close();
                  closed = true;
                }
                if (!doSettle) continue;
                yield* settle();
                let waiting = 0;
                for (const p of parties) {
                  if (p.cancelled) continue;
                  const changedSince = version > startedAt[p.id]!;
                  if (changedSince) expect(p.outcome).toEqual({ ok: true, value: undefined });
                  else if (closed) expect((p.outcome as { error: unknown }).error).toBeInstanceOf(ChannelClosed);
                  else {
                    expect(p.outcome).toBeNull();
                    waiting++;
                  }
                }
                expect(new Set(log).size).toBe(log.length);
                if (probe !== null) expect(probe.parked).toBe(waiting);
              }
              for (const p of parties) cancelParty(p);
            }),
          ),
          { numRuns: RUNS, seed: 0x5eed3 },
        );
      },
    );
  }
});
