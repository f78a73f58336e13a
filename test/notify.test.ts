/** Notify: one stored permit, notifyWaiters for current waiters only, a cancelled notified waiter passes it on;
 * model-based on live and sim. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Notify, PENDING } from "../src/index.js";
import { CountingWaker } from "./suite.js";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

const ready = (f: { poll(cx: { waker: CountingWaker }): unknown }, w = new CountingWaker()): boolean =>
  f.poll({ waker: w }) !== PENDING;

describe("Notify", () => {
  it("notifyOne with nobody waiting stores one permit (several calls still store one)", () => {
    const n = new Notify();
    n.notifyOne();
    n.notifyOne();
    expect(ready(n.notified())).toBe(true);
    expect(ready(n.notified())).toBe(false);
  });

  it("notifyOne wakes the oldest waiter only", () => {
    const n = new Notify();
    const [a, b] = [n.notified(), n.notified()];
    const [wa, wb] = [new CountingWaker(), new CountingWaker()];
    expect(ready(a, wa)).toBe(false);
    expect(ready(b, wb)).toBe(false);
    n.notifyOne();
    expect([wa.wakes, wb.wakes]).toEqual([1, 0]);
    expect(ready(a, wa)).toBe(true);
    expect(ready(b, wb)).toBe(false);
  });

  it(
    "a waiter woken by notifyOne but cancelled before its poll passes the " +
      "notification on (to the next, else to the permit)",
    () => {
      const n = new Notify();
      const [a, b] = [n.notified(), n.notified()];
      const wb = new CountingWaker();
      ready(a);
      ready(b, wb);
      n.notifyOne();
      a.cancel();
      expect(wb.wakes).toBe(1);
      expect(ready(b, wb)).toBe(true);
      const c = n.notified();
      ready(c);
      n.notifyOne();
      c.cancel();
      expect(n.hasPermit).toBe(true);
    },
  );

  it("notifyWaiters wakes every current waiter — also one created but not yet polled — and stores nothing", () => {
    const n = new Notify();
    const [a, b] = [n.notified(), n.notified()];
    ready(a);
    const created = n.notified(); // not polled yet
    n.notifyWaiters();
    expect(ready(a)).toBe(true);
    expect(ready(created)).toBe(true);
    expect(n.hasPermit).toBe(false);
    const later = n.notified();
    expect(ready(later)).toBe(false);
    void b;
  });

  type Op =
    | { k: "wait" }
    | { k: "cancel"; i: number | "first"; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "one"; settle: boolean }
    | { k: "all"; settle: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ k: "wait" as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("cancel" as const),
        i: fc.oneof(fc.nat(15), fc.constant("first" as const)),
        settle: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(15) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("one" as const), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("all" as const), settle: fc.boolean() }) },
  );

  for (const driver of DRIVERS) {
    it(
      `matches a model (FIFO notifyOne, one stored permit, no lost ` +
        `notification) under random interleavings on the ${driver} driver ` +
        `(seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.nat(1000), fc.array(op, { maxLength: 40 }), (seed, ops) =>
            onDriver(driver, seed, function* (settle) {
              const n = new Notify();
              const log: number[] = [];
              const parties: Party<void>[] = [];
              // The model.
              let permit = false;
              const queue: number[] = [];
              const byOne: number[] = []; // woken by notifyOne, not yet polled: a cancel passes it on
              const byAll: number[] = []; // woken by notifyWaiters, not yet polled
              const done: number[] = [];
              const notifyOne = (): void => {
                const id = queue.shift();
                if (id === undefined) permit = true;
                else byOne.push(id);
              };
              for (const o of ops) {
                let doSettle = true;
                if (o.k === "wait") {
                  const id = parties.length;
                  parties.push(party(id, n.notified(), log));
                  if (permit) {
                    permit = false;
                    byOne.push(id);
                  } else queue.push(id);
                } else if (o.k === "cancel") {
                  if (parties.length === 0) continue;
                  doSettle = o.settle;
                  const id = o.i === "first" ? (byOne[0] ?? queue[0] ?? 0) : o.i % parties.length;
                  const p = parties[id]!;
                  if (p.outcome === null && !p.cancelled) {
                    if (queue.includes(id)) queue.splice(queue.indexOf(id), 1);
                    if (byAll.includes(id)) byAll.splice(byAll.indexOf(id), 1);
                    if (byOne.includes(id)) {
                      byOne.splice(byOne.indexOf(id), 1);
                      notifyOne();
                    }
                  }
                  cancelParty(p);
                } else if (o.k === "wake") {
                  if (parties.length === 0) continue;
                  spuriousWake(parties[o.i % parties.length]!);
                } else if (o.k === "one") {
                  doSettle = o.settle;
                  n.notifyOne();
                  notifyOne();
                } else {
                  doSettle = o.settle;
                  n.notifyWaiters();
                  byAll.push(...queue.splice(0));
                }
                if (!doSettle) continue;
                yield* settle();
                done.push(...byOne.splice(0), ...byAll.splice(0));
                expect([...log].sort((a, b) => a - b)).toEqual([...done].sort((a, b) => a - b));
                expect(n.waiting).toBe(queue.length);
                expect(n.hasPermit).toBe(permit);
              }
              for (const p of parties) cancelParty(p);
            }),
          ),
          { numRuns: RUNS, seed: 0x5eed5 },
        );
      },
    );
  }
});
