/**
 * AtomicMutex and AtomicCondvar across real worker threads: exact counts, never timing.
 */
import { describe, expect, it } from "vitest";
import { AtomicCondvar } from "../src/runtime/sync/atomic-condvar.js";
import { AtomicMutex } from "../src/runtime/sync/atomic-mutex.js";
import { startModuleWorker, workerResult } from "../src/runtime/module-worker.js";

const fixture = new URL("./fixtures/atomic-sync-worker.ts", import.meta.url);
const CELLS = 8 + 4; // see the fixture's cell map

function run<T>(sab: SharedArrayBuffer, role: string, n: number, count?: number): Promise<T> {
  return workerResult<T>(startModuleWorker(fixture, { role, sab, n, count }));
}

describe("AtomicMutex", () => {
  it("tryLock takes a free lock once; unlock frees it; unlocking a free lock throws", () => {
    const m = AtomicMutex.allocate();
    expect(m.tryLock()).toBe(true);
    expect(m.tryLock()).toBe(false);
    expect(m.locked).toBe(true);
    m.unlock();
    expect(m.locked).toBe(false);
    expect(() => m.unlock()).toThrow(/not locked/);
    expect(m.tryLock()).toBe(true); // the failed unlock left it usable
  });

  it("withLock releases the lock when the critical section throws", () => {
    const m = AtomicMutex.allocate();
    expect(() =>
      m.withLock(() => {
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expect(m.locked).toBe(false);
    expect(m.withLock(() => 42)).toBe(42);
  });

  it("rejects a view over a non-shared buffer", () => {
    expect(() => new AtomicMutex(new Int32Array(4))).toThrow(TypeError);
    expect(() => new AtomicMutex(new Int32Array(new SharedArrayBuffer(4)), 1)).toThrow(RangeError);
  });

  it("4 worker threads × 20,000 increments under the mutex = 80,000 exactly", async () => {
    const sab = new SharedArrayBuffer(CELLS * 4);
    const done = await Promise.all(Array.from({ length: 4 }, () => run<number>(sab, "increment", 20_000)));
    const cells = new Int32Array(sab);
    expect(done).toEqual([20_000, 20_000, 20_000, 20_000]);
    expect(cells[1]).toBe(80_000);
    expect(cells[0]).toBe(0); // unlocked at the end, no waiter marker left behind
  });
});

describe("AtomicCondvar", () => {
  it("wait times out (returns false) when nobody notifies, and holds the mutex again after", () => {
    const m = AtomicMutex.allocate();
    const cv = AtomicCondvar.allocate();
    m.lock();
    expect(cv.wait(m, 5)).toBe(false);
    expect(m.locked).toBe(true);
    expect(cv.waitWhile(m, () => false)).toBe(true);
    m.unlock();
  });

  it("each notify advances the sequence number a sleeping waiter compares against", () => {
    const cv = AtomicCondvar.allocate();
    cv.notifyOne();
    cv.notifyAll();
    expect(Atomics.load(cv.cells, 0)).toBe(2);
  });

  it("2 producers × 600 items through a 4-slot ring to 3 consumers: every item handed over exactly once", async () => {
    const sab = new SharedArrayBuffer(CELLS * 4);
    const total = 1200;
    const consumers = Array.from({ length: 3 }, () => run<number[]>(sab, "consume", total));
    const producers = [run<number[]>(sab, "produce", 0, 600), run<number[]>(sab, "produce", 600, 600)];
    const sent = (await Promise.all(producers)).flat();
    const got = await Promise.all(consumers);
    const all = got.flat().sort((a, b) => a - b);
    expect(sent).toHaveLength(total);
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
    // Each producer's items reach the consumers in the order it sent them (one FIFO ring).
    for (const list of got) {
      const fromFirst = list.filter((id) => id < 600);
      expect(fromFirst).toEqual([...fromFirst].sort((a, b) => a - b));
    }
    const cells = new Int32Array(sab);
    expect(cells[1]).toBe(0); // queue empty
    expect(cells[6]).toBe(total);
  });
});
