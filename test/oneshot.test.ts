/** oneshot on the waiter list: many awaiters, the same outcome again, cancel-safe waits; model-based on live and sim.
 * */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ChannelClosed,
  co,
  noopWaker,
  oneshot,
  PENDING,
  select,
  SimRuntime,
  sleep,
  type Co,
  type OneshotReceiver,
} from "../src/index.js";
import { CountingWaker } from "./suite.js";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

const parked = (rx: OneshotReceiver<unknown>): number => (rx as unknown as { parked: number }).parked;

describe("oneshot", () => {
  it(
    "a receiver awaited by two tasks wakes both with the value (before: " +
      "only the last waker was kept, the first task hung)",
    () => {
      const rt = new SimRuntime();
      const [tx, rx] = oneshot<number>();
      const got: number[] = [];
      for (let i = 0; i < 2; i++)
        rt.spawn(
          co(function* (): Co<void> {
            got.push(yield* rx);
          }),
        );
      rt.spawn(
        co(function* (): Co<void> {
          yield* sleep(5);
          tx.send(42);
        }),
      );
      rt.run();
      expect(got).toEqual([42, 42]);
    },
  );

  it("polling the receiver again after it settled returns the same value (before: PolledAfterCompletion)", () => {
    const [tx, rx] = oneshot<string>();
    tx.send("v");
    expect(rx.poll({ waker: noopWaker })).toBe("v");
    expect(rx.poll({ waker: noopWaker })).toBe("v");
    const [tx2, rx2] = oneshot<string>();
    tx2.close();
    expect(() => rx2.poll({ waker: noopWaker })).toThrow(ChannelClosed);
    expect(() => rx2.poll({ waker: noopWaker })).toThrow(ChannelClosed);
  });

  it("one waiter giving up (a lost select) leaves the line and does not drop the receiver for the others", () => {
    const rt = new SimRuntime();
    const [tx, rx] = oneshot<number>();
    const seen: string[] = [];
    rt.spawn(
      co(function* (): Co<void> {
        const r = yield* select({ biased: true }, rx.recv(), sleep(1));
        seen.push(`racer:${r.index}`);
      }),
    );
    rt.spawn(
      co(function* (): Co<void> {
        seen.push(`patient:${yield* rx}`);
      }),
    );
    rt.spawn(
      co(function* (): Co<void> {
        yield* sleep(5);
        seen.push(`sent:${tx.send(7)}`);
      }),
    );
    rt.run();
    expect(seen).toEqual(["racer:1", "sent:true", "patient:7"]);
    expect(parked(rx)).toBe(0);
  });

  it("re-polling a waiting receiver with the same waker never grows the line; another waker adds one", () => {
    const [tx, rx] = oneshot<number>();
    const [a, b] = [new CountingWaker(), new CountingWaker()];
    for (let i = 0; i < 20; i++) expect(rx.poll({ waker: a })).toBe(PENDING);
    expect(rx.poll({ waker: b })).toBe(PENDING);
    expect(parked(rx)).toBe(2);
    tx.send(1);
    expect([a.wakes, b.wakes]).toEqual([1, 1]);
    expect(parked(rx)).toBe(0);
  });

  it("cancelling the receiver itself drops it: the sender learns nobody listens", () => {
    const [tx, rx] = oneshot<number>();
    rx.cancel();
    expect(tx.isClosed).toBe(true);
    expect(tx.send(1)).toBe(false);
  });

  type Op =
    | { k: "wait"; direct: boolean }
    | { k: "cancel"; i: number; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "send"; v: number; settle: boolean }
    | { k: "close"; settle: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: fc.constant("wait" as const), direct: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("cancel" as const), i: fc.nat(15), settle: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(15) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("send" as const), v: fc.integer(), settle: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("close" as const), settle: fc.boolean() }) },
  );

  for (const driver of DRIVERS) {
    it(
      `every live waiter gets the one outcome exactly once, under random ` +
        `waits / cancels / wakes on the ${driver} driver (seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.nat(1000), fc.array(op, { maxLength: 30 }), (seed, ops) =>
            onDriver(driver, seed, function* (settle) {
              const [tx, rx] = oneshot<number>();
              const log: number[] = [];
              const parties: Party<number>[] = [];
              const direct = new Set<number>();
              // The model: "empty", or the outcome every waiter must see.
              let state: { k: "empty" } | { k: "value"; v: number } | { k: "closed" } = { k: "empty" };
              for (const o of ops) {
                let doSettle = true;
                if (o.k === "wait") {
                  const id = parties.length;
                  parties.push(party(id, o.direct ? rx : rx.recv(), log));
                  if (o.direct) direct.add(id);
                } else if (o.k === "cancel") {
                  if (parties.length === 0) continue;
                  const p = parties[o.i % parties.length]!;
                  doSettle = o.settle;
                  // Cancelling a task that polls the receiver itself drops the receiver.
                  if (
                    p.outcome === null &&
                    !p.cancelled &&
                    direct.has(p.id) &&
                    state.k === "empty" &&
                    p.probe.polls > 0
                  )
                    state = { k: "closed" };
                  cancelParty(p);
                } else if (o.k === "wake") {
                  if (parties.length === 0) continue;
                  spuriousWake(parties[o.i % parties.length]!);
                } else if (o.k === "send") {
                  doSettle = o.settle;
                  expect(tx.send(o.v)).toBe(state.k === "empty");
                  if (state.k === "empty") state = { k: "value", v: o.v };
                } else {
                  doSettle = o.settle;
                  tx.close();
                  if (state.k === "empty") state = { k: "closed" };
                }
                if (!doSettle) continue;
                yield* settle();
                const live = parties.filter((p) => !p.cancelled);
                for (const p of live) {
                  if (state.k === "empty") expect(p.outcome).toBeNull();
                  else if (state.k === "value") expect(p.outcome).toEqual({ ok: true, value: state.v });
                  else {
                    expect(p.outcome?.ok).toBe(false);
                    expect((p.outcome as { error: unknown }).error).toBeInstanceOf(ChannelClosed);
                  }
                }
                // Exactly once per waiter, and the line holds only live waiters (one per task).
                expect(new Set(log).size).toBe(log.length);
                expect(parked(rx)).toBe(state.k === "empty" ? live.length : 0);
                if (state.k === "value") expect(rx.poll({ waker: noopWaker })).toBe(state.v);
              }
              for (const p of parties) cancelParty(p);
            }),
          ),
          { numRuns: RUNS, seed: 0x5eed2 },
        );
      },
    );
  }
});
