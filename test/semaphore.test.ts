/** Semaphore: fair FIFO acquire(n), permits given back on release and on cancel; model-based on live and sim. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PENDING, Semaphore, SemaphoreClosed, type SemaphorePermit } from "../src/index.js";
import { CountingWaker } from "./suite.js";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

describe("Semaphore", () => {
  it("a big request at the head blocks smaller ones behind it (tokio's fairness), then they follow in order", () => {
    const s = new Semaphore(2);
    const held = s.tryAcquire(2)!;
    const big = s.acquire(3);
    const small = s.acquire(1);
    const [wb, ws] = [new CountingWaker(), new CountingWaker()];
    expect(big.poll({ waker: wb })).toBe(PENDING);
    expect(small.poll({ waker: ws })).toBe(PENDING);
    held.release(); // 2 free: not enough for the head (3), and the small one must not overtake
    expect([wb.wakes, ws.wakes]).toEqual([0, 0]);
    expect(s.available).toBe(0); // both went to the head, as a part of its 3
    expect(s.tryAcquire(1)).toBeNull();
    s.addPermits(2);
    expect([wb.wakes, ws.wakes]).toEqual([1, 1]);
    const p = big.poll({ waker: wb }) as SemaphorePermit;
    expect(p.permits).toBe(3);
    expect((small.poll({ waker: ws }) as SemaphorePermit).permits).toBe(1);
    expect(s.available).toBe(0);
  });

  it("a waiter cancelled while holding part of its request gives those permits back to the next in line", () => {
    const s = new Semaphore(1);
    const big = s.acquire(3);
    const small = s.acquire(1);
    const ws = new CountingWaker();
    expect(big.poll({ waker: new CountingWaker() })).toBe(PENDING); // holds 1 of 3
    expect(small.poll({ waker: ws })).toBe(PENDING);
    expect(s.available).toBe(0);
    big.cancel();
    expect(ws.wakes).toBe(1);
    expect((small.poll({ waker: ws }) as SemaphorePermit).permits).toBe(1);
    expect(s.available).toBe(0);
  });

  it("a waiter that was granted everything but cancelled before its poll returns them all", () => {
    const s = new Semaphore(0);
    const a = s.acquire(2);
    expect(a.poll({ waker: new CountingWaker() })).toBe(PENDING);
    s.addPermits(2);
    expect(s.available).toBe(0);
    a.cancel();
    expect(s.available).toBe(2);
  });

  it("polling a waiter again never grows the line; close() fails waiters and gives their parts back", () => {
    const s = new Semaphore(1);
    const a = s.acquire(2);
    const w = new CountingWaker();
    for (let i = 0; i < 10; i++) expect(a.poll({ waker: w })).toBe(PENDING);
    expect(s.waiting).toBe(1);
    s.close();
    expect(w.wakes).toBe(1);
    expect(() => a.poll({ waker: w })).toThrow(SemaphoreClosed);
    expect(s.available).toBe(1);
    expect(s.waiting).toBe(0);
  });

  type Op =
    | { k: "acquire"; n: number }
    | { k: "cancel"; i: number | "head"; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "release"; i: number; settle: boolean }
    | { k: "add"; settle: boolean }
    | { k: "try"; n: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: fc.constant("acquire" as const), n: fc.integer({ min: 1, max: 3 }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("cancel" as const),
        i: fc.oneof(fc.nat(15), fc.constant("head" as const)),
        settle: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(15) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("release" as const), i: fc.nat(15), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("add" as const), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("try" as const), n: fc.integer({ min: 1, max: 2 }) }) },
  );

  for (const driver of DRIVERS) {
    it(
      `matches a fair-FIFO model with no permit leak under random acquire(n) ` +
        `/ cancel / release on the ${driver} driver (seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.nat(1000),
            fc.integer({ min: 0, max: 3 }),
            fc.array(op, { maxLength: 40 }),
            (seed, initial, ops) =>
              onDriver(driver, seed, function* (settle) {
                const sem = new Semaphore(initial);
                const log: number[] = [];
                const parties: Party<SemaphorePermit>[] = [];
                const ctrl: SemaphorePermit[] = [];
                // The model.
                let total = initial;
                let free = initial;
                const queue: { id: number; wanted: number; assigned: number }[] = [];
                const granted: number[] = []; // whole, woken, not yet polled
                const taken: number[] = []; // in the order their tasks got the permit
                const heldBy = new Map<number, number>();
                const wanted: number[] = [];
                const assign = (): void => {
                  while (queue.length > 0 && free > 0) {
                    const head = queue[0]!;
                    const give = Math.min(free, head.wanted - head.assigned);
                    head.assigned += give;
                    free -= give;
                    if (head.assigned < head.wanted) return;
                    queue.shift();
                    granted.push(head.id);
                  }
                };
                for (const o of ops) {
                  let doSettle = true;
                  if (o.k === "acquire") {
                    const id = parties.length;
                    wanted.push(o.n);
                    parties.push(party(id, sem.acquire(o.n), log));
                    if (queue.length === 0 && free >= o.n) {
                      free -= o.n;
                      granted.push(id);
                    } else {
                      queue.push({ id, wanted: o.n, assigned: 0 });
                      assign();
                    }
                  } else if (o.k === "cancel") {
                    if (parties.length === 0) continue;
                    doSettle = o.settle;
                    const id = o.i === "head" ? (granted[0] ?? queue[0]?.id ?? 0) : o.i % parties.length;
                    const p = parties[id]!;
                    if (p.outcome === null && !p.cancelled) {
                      const q = queue.findIndex((w) => w.id === id);
                      if (q >= 0) free += queue.splice(q, 1)[0]!.assigned;
                      const g = granted.indexOf(id);
                      if (g >= 0) {
                        granted.splice(g, 1);
                        free += wanted[id]!;
                      }
                      assign();
                    }
                    cancelParty(p);
                  } else if (o.k === "wake") {
                    if (parties.length === 0) continue;
                    spuriousWake(parties[o.i % parties.length]!);
                  } else if (o.k === "release") {
                    doSettle = o.settle;
                    const holders = [...heldBy.keys()];
                    if (holders.length > 0) {
                      const id = holders[o.i % holders.length]!;
                      (parties[id]!.outcome as { value: SemaphorePermit }).value.release();
                      free += heldBy.get(id)!;
                      heldBy.delete(id);
                    } else if (ctrl.length > 0) {
                      const p = ctrl.pop()!;
                      free += p.permits;
                      p.release();
                    } else continue;
                    assign();
                  } else if (o.k === "add") {
                    doSettle = o.settle;
                    sem.addPermits(1);
                    total++;
                    free++;
                    assign();
                  } else {
                    const p = sem.tryAcquire(o.n);
                    const can = queue.length === 0 && free >= o.n;
                    expect(p !== null).toBe(can);
                    if (p !== null) {
                      ctrl.push(p);
                      free -= o.n;
                    }
                  }
                  if (!doSettle) continue;
                  yield* settle();
                  expect(sem.available).toBe(free);
                  for (const id of granted.splice(0)) {
                    taken.push(id);
                    heldBy.set(id, wanted[id]!);
                  }
                  // No lost wake-up and FIFO: exactly the granted parties finished, in grant order.
                  expect(log).toEqual(taken);
                  expect(sem.waiting).toBe(queue.length);
                  // No permit leak: everything is free, held, or assigned to a waiter in line.
                  const held =
                    [...heldBy.values()].reduce((a, b) => a + b, 0) + ctrl.reduce((a, p) => a + p.permits, 0);
                  const parts = queue.reduce((a, w) => a + w.assigned, 0);
                  expect(sem.available + held + parts).toBe(total);
                }
                for (const p of parties) cancelParty(p);
              }),
          ),
          { numRuns: RUNS, seed: 0x5eed4 },
        );
      },
    );
  }
});
