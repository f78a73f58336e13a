import { describe, expect, it } from "vitest";
import { ChannelClosed, co, LiveRuntime, Mutex, oneshot, PENDING, yieldNow, type Co } from "../src/index.js";
import { CountingWaker } from "./suite.js";

describe("oneshot", () => {
  it("delivers one value and wakes the receiver once", () => {
    const [tx, rx] = oneshot<number>();
    const w = new CountingWaker();
    expect(rx.poll({ waker: w })).toBe(PENDING);
    expect(tx.send(1)).toBe(true);
    expect(tx.send(2)).toBe(false);
    expect(w.wakes).toBe(1);
    expect(rx.poll({ waker: w })).toBe(1);
  });

  it("fails the receiver when the sender closes without sending", () => {
    const [tx, rx] = oneshot<number>();
    tx.close();
    expect(() => rx.poll({ waker: new CountingWaker() })).toThrow(ChannelClosed);
  });

  it("a send after the receiver gave up reports false", () => {
    const [tx, rx] = oneshot<number>();
    rx.cancel();
    expect(tx.send(1)).toBe(false);
  });
});

describe("Mutex", () => {
  it("hands the lock to waiters first-come first-served, and tryLock fails while held", async () => {
    const rt = new LiveRuntime();
    const m = new Mutex<string[]>([]);
    function* worker(name: string): Co<void> {
      for (let i = 0; i < 2; i++) {
        const g = yield* m.lock();
        g.value.push(name);
        yield* yieldNow(); // hold across an await
        g.release();
      }
    }
    const first = m.tryLock()!;
    expect(m.tryLock()).toBeNull();
    const hs = ["a", "b", "c"].map((n) => rt.spawn(worker(n)));
    await new Promise((r) => setImmediate(r));
    first.release();
    for (const h of hs) await h;
    expect(m.data).toEqual(["a", "b", "c", "a", "b", "c"]);
    expect(m.isLocked).toBe(false);
  });

  it("a cancelled waiter that was already handed the lock passes it on", async () => {
    const rt = new LiveRuntime();
    const m = new Mutex(0);
    const held = m.tryLock()!;
    const waiter = rt.spawn(
      co(function* () {
        const g = yield* m.lock();
        g.release();
      }),
    );
    await new Promise((r) => setImmediate(r));
    held.release(); // handed to the waiter…
    waiter.cancel(); // …which goes away before taking it
    expect(m.isLocked).toBe(false);
  });
});
