/** broadcast: every receiver sees every value; a lagging one gets Lagged(n) once and continues; model-based on live and
 * sim. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broadcast, CLOSED, Lagged, PENDING, type BroadcastReceiver } from "../src/index.js";
import { CountingWaker } from "./suite.js";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

const parked = (rx: BroadcastReceiver<unknown>): number =>
  (rx as unknown as { ring: { waiters: { length: number } } }).ring.waiters.length;

describe("broadcast", () => {
  it("every receiver gets every value, in order", () => {
    const [tx, a] = broadcast<number>(4);
    const b = tx.subscribe();
    expect(tx.send(1)).toBe(2);
    tx.send(2);
    expect([a.tryRecv(), a.tryRecv(), a.tryRecv()]).toEqual([1, 2, PENDING]);
    expect([b.tryRecv(), b.tryRecv()]).toEqual([1, 2]);
  });

  it("a lagging receiver gets Lagged(n) once, then continues from the oldest value kept", () => {
    const [tx, rx] = broadcast<number>(2);
    for (let i = 1; i <= 5; i++) tx.send(i); // 1, 2, 3 overwritten
    let err: unknown;
    try {
      rx.tryRecv();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Lagged);
    expect((err as Lagged).skipped).toBe(3);
    expect([rx.tryRecv(), rx.tryRecv(), rx.tryRecv()]).toEqual([4, 5, PENDING]);
  });

  it("a recv future polled again after it settled gives the same outcome (value or Lagged), without reading on", () => {
    const [tx, rx] = broadcast<number>(1);
    tx.send(1);
    tx.send(2); // 1 overwritten
    const lag = rx.recv();
    expect(() => lag.poll({ waker: new CountingWaker() })).toThrow(Lagged);
    expect(() => lag.poll({ waker: new CountingWaker() })).toThrow(Lagged);
    const f = rx.recv();
    expect(f.poll({ waker: new CountingWaker() })).toBe(2);
    expect(f.poll({ waker: new CountingWaker() })).toBe(2);
  });

  it(
    "waiting recv futures are all woken by a send; re-polling does not grow " +
      "the line; after close, drain then CLOSED",
    () => {
      const [tx, a] = broadcast<string>(2);
      const b = tx.subscribe();
      const [fa, fb] = [a.recv(), b.recv()];
      const [wa, wb] = [new CountingWaker(), new CountingWaker()];
      for (let i = 0; i < 5; i++) {
        expect(fa.poll({ waker: wa })).toBe(PENDING);
        expect(fb.poll({ waker: wb })).toBe(PENDING);
      }
      expect(parked(a)).toBe(2);
      tx.send("x");
      expect([wa.wakes, wb.wakes]).toEqual([1, 1]);
      expect(fa.poll({ waker: wa })).toBe("x");
      tx.close();
      expect(a.tryRecv()).toBe(CLOSED);
      expect(b.tryRecv()).toBe("x");
      expect(b.tryRecv()).toBe(CLOSED);
    },
  );

  type Op =
    | { k: "subscribe" }
    | { k: "wait"; r: number }
    | { k: "cancel"; i: number; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "send"; settle: boolean }
    | { k: "close" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ k: "subscribe" as const }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant("wait" as const), r: fc.nat(3) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("cancel" as const), i: fc.nat(20), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(20) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant("send" as const), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ k: "close" as const }) },
  );

  for (const driver of DRIVERS) {
    it(
      `matches a ring model (in order, exactly once, Lagged(n) once) under ` +
        `random waits / cancels / sends on the ${driver} driver (seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.nat(1000),
            fc.integer({ min: 1, max: 3 }),
            fc.array(op, { maxLength: 40 }),
            (seed, capacity, ops) =>
              onDriver(driver, seed, function* (settle) {
                const [tx, first] = broadcast<number>(capacity);
                const rxs: BroadcastReceiver<number>[] = [first];
                const log: number[] = [];
                const parties: Party<number | typeof CLOSED>[] = [];
                const expected = new Map<number, { ok: true; value: number | typeof CLOSED } | { lagged: number }>();
                // The model: value i is the i-th sent; each receiver's next position.
                let tail = 0;
                let closed = false;
                const next: number[] = [0];
                const waitingOn: (number | null)[] = [null]; // party id per receiver
                const settleModel = (): void => {
                  const oldest = Math.max(0, tail - capacity);
                  for (let r = 0; r < rxs.length; r++) {
                    const id = waitingOn[r];
                    if (id === null || id === undefined) continue;
                    if (next[r]! < oldest) {
                      expected.set(id, { lagged: oldest - next[r]! });
                      next[r] = oldest;
                    } else if (next[r]! < tail) expected.set(id, { ok: true, value: next[r]!++ });
                    else if (closed) expected.set(id, { ok: true, value: CLOSED });
                    else continue;
                    waitingOn[r] = null;
                  }
                };
                for (const o of ops) {
                  let doSettle = true;
                  if (o.k === "subscribe") {
                    if (rxs.length >= 4) continue;
                    rxs.push(tx.subscribe());
                    next.push(tail);
                    waitingOn.push(null);
                  } else if (o.k === "wait") {
                    const r = o.r % rxs.length;
                    // One recv at a time per receiver (a receiver is one reader, as tokio's `&mut self`).
                    if (waitingOn[r] !== null) continue;
                    const id = parties.length;
                    const p = party(id, rxs[r]!.recv(), log);
                    parties.push(p);
                    waitingOn[r] = id;
                  } else if (o.k === "cancel") {
                    if (parties.length === 0) continue;
                    doSettle = o.settle;
                    const p = parties[o.i % parties.length]!;
                    const r = waitingOn.indexOf(p.id);
                    if (r >= 0 && p.outcome === null) waitingOn[r] = null;
                    cancelParty(p);
                  } else if (o.k === "wake") {
                    if (parties.length === 0) continue;
                    spuriousWake(parties[o.i % parties.length]!);
                  } else if (o.k === "send") {
                    if (closed) continue;
                    doSettle = o.settle;
                    expect(tx.send(tail)).toBe(rxs.length);
                    tail++;
                  } else {
                    tx.close();
                    closed = true;
                  }
                  if (!doSettle) continue;
                  yield* settle();
                  settleModel();
                  for (const p of parties) {
                    if (p.cancelled && p.outcome === null) continue;
                    const e = expected.get(p.id);
                    if (e === undefined) expect(p.outcome).toBeNull();
                    else if ("lagged" in e) {
                      expect((p.outcome as { error: unknown }).error).toBeInstanceOf(Lagged);
                      expect((p.outcome as { error: Lagged }).error.skipped).toBe(e.lagged);
                    } else expect(p.outcome).toEqual(e);
                  }
                  expect(new Set(log).size).toBe(log.length);
                  expect(parked(first)).toBe(waitingOn.filter((x) => x !== null).length);
                }
                for (const p of parties) cancelParty(p);
              }),
          ),
          { numRuns: RUNS, seed: 0x5eed7 },
        );
      },
    );
  }
});
