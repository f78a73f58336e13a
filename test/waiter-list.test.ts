import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Waiter, WaiterList } from "../src/futures/waiter-list.js";

/** A waker that counts how often it was woken. */
function counter(): { wake(): void; wakes: number } {
  return {
    wakes: 0,
    wake() {
      this.wakes++;
    },
  };
}

describe("WaiterList", () => {
  it("re-registering the same key keeps its place and never grows the list", () => {
    const list = new WaiterList();
    const a = counter();
    let key: Waiter | null = null;
    for (let i = 0; i < 100; i++) key = list.register(key, a);
    expect(list.length).toBe(1);
    expect(list.wakeOne()).toBe(true);
    expect(a.wakes).toBe(1);
    expect(list.length).toBe(0);
  });

  it("wakeOne is FIFO and skips waiters that left", () => {
    const list = new WaiterList();
    const ws = [counter(), counter(), counter()];
    const keys = ws.map((w) => list.register(null, w));
    list.leave(keys[0]!);
    list.wakeOne();
    expect(ws.map((w) => w.wakes)).toEqual([0, 1, 0]);
  });

  it("a notified waiter that leaves passes its wake-up on; one that is done does not", () => {
    const list = new WaiterList();
    const [a, b, c] = [counter(), counter(), counter()];
    const ka = list.register(null, a);
    list.register(null, b);
    const kc = list.register(null, c);
    list.wakeOne(); // a is told it may go
    list.leave(ka); // ... but a was cancelled: b must get the turn
    expect([a.wakes, b.wakes, c.wakes]).toEqual([1, 1, 0]);
    list.wakeOne();
    list.done(kc); // c used its turn
    expect(list.length).toBe(0);
    expect([a.wakes, b.wakes, c.wakes]).toEqual([1, 1, 1]);
  });

  it("wakeAll wakes each waiter once; one that registers again from its wake joins a fresh line", () => {
    const list = new WaiterList();
    let key: Waiter | null = null;
    const again = {
      wakes: 0,
      wake() {
        this.wakes++;
        key = list.register(key, again);
      },
    };
    key = list.register(null, again);
    const other = counter();
    list.register(null, other);
    expect(list.wakeAll()).toBe(2);
    expect(again.wakes).toBe(1);
    expect(other.wakes).toBe(1);
    expect(list.length).toBe(1);
  });

  it("matches a plain model under random register / leave / done / wakeOne / wakeAll (seeded)", () => {
    const N = 5;
    const op = fc.oneof(
      fc.record({ kind: fc.constant("register" as const), who: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("leave" as const), who: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("done" as const), who: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("wakeOne" as const) }),
      fc.record({ kind: fc.constant("wakeAll" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const list = new WaiterList();
        const keys: (Waiter | null)[] = Array(N).fill(null);
        const wakers = Array.from({ length: N }, counter);
        // Model: a queue of waiting ids, the set of notified ids, expected wake counts.
        const line: number[] = [];
        const notified = new Set<number>();
        const wakes = Array(N).fill(0);
        const wakeOneModel = (): void => {
          const id = line.shift();
          if (id === undefined) return;
          notified.add(id);
          wakes[id]++;
        };
        for (const o of ops) {
          if (o.kind === "register") {
            keys[o.who] = list.register(keys[o.who]!, wakers[o.who]!);
            notified.delete(o.who);
            if (!line.includes(o.who)) line.push(o.who);
          } else if (o.kind === "leave") {
            list.leave(keys[o.who]!);
            const i = line.indexOf(o.who);
            if (i >= 0) line.splice(i, 1);
            if (notified.delete(o.who)) wakeOneModel();
          } else if (o.kind === "done") {
            list.done(keys[o.who]!);
            const i = line.indexOf(o.who);
            if (i >= 0) line.splice(i, 1);
            notified.delete(o.who);
          } else if (o.kind === "wakeOne") {
            list.wakeOne();
            wakeOneModel();
          } else {
            list.wakeAll();
            for (const id of line.splice(0)) {
              notified.add(id);
              wakes[id]++;
            }
          }
          expect(list.length).toBe(line.length);
          expect(wakers.map((w) => w.wakes)).toEqual(wakes);
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
