import { describe, expect, it } from "vitest";
import { ChannelClosed, co, LiveRuntime, PENDING, sleep, watch, type Co, type WatchReceiver } from "../src/index.js";
import { CountingWaker } from "./suite.js";

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
});
