/** Mutex on the waiter list: FIFO hand-over, cancelled waiters, model-based interleavings on live and sim. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mutex, PENDING, type MutexGuard } from "../src/index.js";
import { CountingWaker } from "./suite.js";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

describe("Mutex", () => {
  it("polling a waiting lock future again and again keeps one place in line", () => {
    const m = new Mutex(0);
    const g = m.tryLock()!;
    const f = m.lock();
    const w = new CountingWaker();
    for (let i = 0; i < 50; i++) expect(f.poll({ waker: w })).toBe(PENDING);
    expect(m.waiting).toBe(1);
    g.release();
    expect(w.wakes).toBe(1);
    expect(f.poll({ waker: w })).not.toBe(PENDING);
    expect(m.waiting).toBe(0);
  });

  it("a lock handed to a waiter that is then cancelled goes to the next waiter (its wake-up is not swallowed)", () => {
    const m = new Mutex(0);
    const g = m.tryLock()!;
    const [a, b] = [m.lock(), m.lock()];
    const [wa, wb] = [new CountingWaker(), new CountingWaker()];
    expect(a.poll({ waker: wa })).toBe(PENDING);
    expect(b.poll({ waker: wb })).toBe(PENDING);
    g.release(); // handed to a
    expect([wa.wakes, wb.wakes]).toEqual([1, 0]);
    a.cancel(); // a gave up before it took the lock
    expect(wb.wakes).toBe(1);
    const gb = b.poll({ waker: wb }) as MutexGuard<number>;
    expect(gb).not.toBe(PENDING);
    gb.release();
    expect(m.isLocked).toBe(false);
  });

  it("a handed-over lock whose waiter is cancelled with nobody behind it is released", () => {
    const m = new Mutex(0);
    const g = m.tryLock()!;
    const a = m.lock();
    expect(a.poll({ waker: new CountingWaker() })).toBe(PENDING);
    g.release();
    expect(m.isLocked).toBe(true); // handed over, not yet taken
    a.cancel();
    expect(m.isLocked).toBe(false);
    expect(m.tryLock()).not.toBeNull();
  });

  it("tryLock does not overtake a waiter the lock was handed to", () => {
    const m = new Mutex(0);
    const g = m.tryLock()!;
    const a = m.lock();
    expect(a.poll({ waker: new CountingWaker() })).toBe(PENDING);
    g.release();
    expect(m.tryLock()).toBeNull();
  });

  type Op =
    | { k: "lock" }
    | { k: "cancel"; i: number | "holder"; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "release"; settle: boolean }
    | { k: "tryLock" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.constant({ k: "lock" as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("cancel" as const),
        i: fc.oneof(fc.nat(15), fc.constant("holder" as const)),
        settle: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(15) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("release" as const), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ k: "tryLock" as const }) },
  );

  for (const driver of DRIVERS) {
    it(
      `matches a FIFO model under random lock / cancel / spurious wake / ` + `release on the ${driver} driver (seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.nat(1000), fc.array(op, { maxLength: 40 }), (seed, ops) =>
            onDriver(driver, seed, function* (settle) {
              const m = new Mutex(0);
              const log: number[] = [];
              const parties: Party<MutexGuard<number>>[] = [];
              // The model: who holds the lock (party id, -1 the controller), who waits in order, who has taken it.
              let holder: number | null = null;
              const queue: number[] = [];
              const taken: number[] = [];
              let ctrlGuard: MutexGuard<number> | null = null;
              const give = (): void => {
                holder = queue.shift() ?? null;
              };
              const check = (): void => {
                expect(log).toEqual(taken);
                for (const p of parties)
                  expect(p.outcome === null ? "waiting" : "done").toBe(taken.includes(p.id) ? "done" : "waiting");
                expect(m.waiting).toBe(queue.length);
                expect(m.isLocked).toBe(holder !== null);
              };
              for (const o of ops) {
                let doSettle = true;
                if (o.k === "lock") {
                  const id = parties.length;
                  parties.push(party(id, m.lock(), log));
                  if (holder === null && queue.length === 0) holder = id;
                  else queue.push(id);
                } else if (o.k === "cancel") {
                  if (parties.length === 0) continue;
                  // "holder": the party the lock is with — often handed over but not yet taken.
                  const target: number =
                    o.i === "holder" ? (holder !== null && holder >= 0 ? holder : 0) : o.i % parties.length;
                  const p: Party<MutexGuard<number>> = parties[target]!;
                  doSettle = o.settle;
                  if (p.outcome === null && !p.cancelled) {
                    const q = queue.indexOf(p.id);
                    if (q >= 0) queue.splice(q, 1);
                    else if (holder === p.id) give();
                  }
                  cancelParty(p);
                } else if (o.k === "wake") {
                  if (parties.length === 0) continue;
                  spuriousWake(parties[o.i % parties.length]!);
                } else if (o.k === "release") {
                  doSettle = o.settle;
                  if (holder === -1) {
                    ctrlGuard!.release();
                    ctrlGuard = null;
                    give();
                  } else if (holder !== null && taken.includes(holder)) {
                    parties[holder]!.outcome!.ok &&
                      (parties[holder]!.outcome as { value: MutexGuard<number> }).value.release();
                    give();
                  }
                } else {
                  const g = m.tryLock();
                  const free = holder === null && queue.length === 0;
                  expect(g !== null).toBe(free);
                  if (g !== null) {
                    holder = -1;
                    ctrlGuard = g;
                  }
                }
                expect(m.waiting).toBeLessThanOrEqual(parties.filter((p) => p.outcome === null && !p.cancelled).length);
                if (!doSettle) continue;
                yield* settle();
                // Whoever the lock was handed to and was not cancelled has now taken it.
                if (holder !== null && holder >= 0 && !taken.includes(holder)) taken.push(holder);
                check();
              }
              for (const p of parties) cancelParty(p);
            }),
          ),
          { numRuns: RUNS, seed: 0x5eed1 },
        );
      },
    );
  }
});
