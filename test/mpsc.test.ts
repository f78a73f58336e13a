/** mpsc: bounded (cancel-safe, FIFO send) and unbounded; CLOSED when drained; model-based on live and sim. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  channel,
  CLOSED,
  co,
  PENDING,
  SendError,
  select,
  SimRuntime,
  sleep,
  unboundedChannel,
  type Co,
} from "../src/index.js";
import { CountingWaker } from "./suite.js";
import { cancelParty, DRIVERS, onDriver, party, RUNS, spuriousWake, type Party } from "./helpers/waiter-model.js";

const parkedReceivers = (rx: object): number =>
  (rx as { chan: { receivers: { length: number } } }).chan.receivers.length;
const parkedSenders = (rx: object): number => (rx as { chan: { slots: { waiting: number } } }).chan.slots.waiting;

describe("mpsc", () => {
  it(
    "recv returns CLOSED (not undefined) once every sender closed and the " +
      "buffer is drained — undefined is an ordinary value",
    () => {
      const [tx, rx] = unboundedChannel<undefined | number>();
      const tx2 = tx.clone();
      tx.send(undefined);
      tx.close();
      tx2.send(1);
      tx2.close();
      expect(rx.tryRecv()).toBe(undefined);
      expect(rx.tryRecv()).toBe(1);
      expect(rx.tryRecv()).toBe(CLOSED);
    },
  );

  it("a send cancelled while the channel is full enqueues nothing, and the sender behind it gets the slot", () => {
    const rt = new SimRuntime();
    const [tx, rx] = channel<string>(1);
    const got: string[] = [];
    expect(tx.trySend("first")).toBe("sent");
    rt.spawn(
      co(function* (): Co<void> {
        // Gives up after 1 ms: the channel is full all that time.
        const r = yield* select({ biased: true }, tx.send("abandoned"), sleep(1));
        got.push(`abandon:${r.index}`);
      }),
    );
    rt.spawn(
      co(function* (): Co<void> {
        yield* tx.send("patient");
        got.push("patient sent");
      }),
    );
    rt.spawn(
      co(function* (): Co<void> {
        yield* sleep(2);
        for (;;) {
          const v = yield* rx.recv();
          got.push(`recv:${String(v)}`);
          if (v === "patient") break;
        }
      }),
    );
    rt.run();
    expect(got).toEqual(["abandon:1", "recv:first", "patient sent", "recv:patient"]);
    expect(rx.length).toBe(0);
  });

  it("unbounded: send never waits, values arrive in order, a waiting receiver is woken by the next send", () => {
    const rt = new SimRuntime();
    const [tx, rx] = unboundedChannel<number>();
    const got: (number | typeof CLOSED)[] = [];
    rt.spawn(
      co(function* (): Co<void> {
        for (;;) {
          const v = yield* rx.recv();
          got.push(v);
          if (v === CLOSED) return;
        }
      }),
    );
    rt.spawn(
      co(function* (): Co<void> {
        for (let i = 0; i < 1000; i++) expect(tx.send(i)).toBe(true);
        yield* sleep(1);
        tx.send(1000);
        tx.close();
      }),
    );
    rt.run();
    expect(got).toEqual([...Array.from({ length: 1001 }, (_, i) => i), CLOSED]);
    rx.close();
    expect(tx.send(1)).toBe(false);
  });

  it("a send handed the slot but cancelled before its poll passes the slot on", () => {
    const [tx, rx] = channel<number>(1);
    tx.trySend(0);
    const [a, b] = [tx.send(1), tx.send(2)];
    const [wa, wb] = [new CountingWaker(), new CountingWaker()];
    expect(a.poll({ waker: wa })).toBe(PENDING);
    expect(b.poll({ waker: wb })).toBe(PENDING);
    expect(rx.tryRecv()).toBe(0); // a slot frees: handed to a
    expect([wa.wakes, wb.wakes]).toEqual([1, 0]);
    a.cancel();
    expect(wb.wakes).toBe(1);
    expect(b.poll({ waker: wb })).toBe(undefined);
    expect(rx.tryRecv()).toBe(2);
    expect(rx.tryRecv()).toBe(PENDING);
  });

  it("a recv future polled again after it settled returns the same value, not the next one", () => {
    const [tx, rx] = unboundedChannel<number>();
    tx.send(1);
    tx.send(2);
    const f = rx.recv();
    const w = new CountingWaker();
    expect(f.poll({ waker: w })).toBe(1);
    expect(f.poll({ waker: w })).toBe(1);
    expect(rx.tryRecv()).toBe(2);
  });

  it("trySend does not overtake a waiting sender; senders are served in arrival order", () => {
    const [tx, rx] = channel<number>(1);
    tx.trySend(0);
    const a = tx.send(1);
    expect(a.poll({ waker: new CountingWaker() })).toBe(PENDING);
    expect(rx.tryRecv()).toBe(0);
    expect(tx.trySend(9)).toBe("full");
    expect(a.poll({ waker: new CountingWaker() })).toBe(undefined);
    expect(rx.tryRecv()).toBe(1);
  });

  it(
    "rx.close() fails waiting and later sends with SendError carrying the " +
      "value; queued values can still be received",
    () => {
      const [tx, rx] = channel<number>(1);
      tx.trySend(1);
      const s = tx.send(2);
      const w = new CountingWaker();
      expect(s.poll({ waker: w })).toBe(PENDING);
      rx.close();
      expect(w.wakes).toBe(1);
      let err: unknown;
      try {
        s.poll({ waker: w });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SendError);
      expect((err as SendError<number>).value).toBe(2);
      expect(tx.trySend(3)).toBe("closed");
      expect(rx.tryRecv()).toBe(1);
      expect(rx.tryRecv()).toBe(CLOSED);
    },
  );

  type Op =
    | { k: "send" }
    | { k: "recv" }
    | { k: "trySend"; settle: boolean }
    | { k: "tryRecv"; settle: boolean }
    | { k: "cancel"; i: number | "firstSender" | "firstReceiver"; settle: boolean }
    | { k: "wake"; i: number }
    | { k: "closeTx" }
    | { k: "closeRx" }
    | { k: "race" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ k: "send" as const }) },
    { weight: 4, arbitrary: fc.constant({ k: "recv" as const }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("trySend" as const), settle: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("tryRecv" as const), settle: fc.boolean() }) },
    {
      weight: 4,
      arbitrary: fc.record({
        k: fc.constant("cancel" as const),
        i: fc.oneof(fc.nat(20), fc.constant("firstSender" as const), fc.constant("firstReceiver" as const)),
        settle: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("wake" as const), i: fc.nat(20) }) },
    { weight: 1, arbitrary: fc.constant({ k: "closeTx" as const }) },
    { weight: 1, arbitrary: fc.constant({ k: "closeRx" as const }) },
    // A value arrives and the receiver it woke gives up before its poll.
    { weight: 2, arbitrary: fc.constant({ k: "race" as const }) },
  );

  const expand = (ops: Op[]): Op[] =>
    ops.flatMap((o): Op[] =>
      o.k === "race"
        ? [
            { k: "trySend", settle: false },
            { k: "cancel", i: "firstReceiver", settle: true },
          ]
        : [o],
    );

  for (const driver of DRIVERS) {
    it(
      `bounded channel matches a model (FIFO senders, exactly-once in-order ` +
        `delivery, no lost wake-up) on the ${driver} driver (seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.nat(1000),
            fc.integer({ min: 1, max: 3 }),
            fc.array(op, { maxLength: 40 }),
            (seed, capacity, ops) =>
              onDriver(driver, seed, function* (settle) {
                const [tx, rx] = channel<number>(capacity);
                const log: number[] = [];
                const senders: Party<void>[] = [];
                const receivers: Party<number | typeof CLOSED>[] = [];
                const all: Party<unknown>[] = [];
                const received: number[] = []; // values in the order tasks and tryRecv got them
                let nextValue = 0;
                // The model.
                const buffer: number[] = [];
                const senderQueue: { p: number; v: number }[] = [];
                const granted: { p: number; v: number }[] = []; // slot handed over, not yet polled
                const recvWaiting: number[] = [];
                const accepted: number[] = []; // values in acceptance order
                const sendersDone = new Set<number>();
                const sendersFailed = new Set<number>();
                let txOpen = true;
                let rxOpen = true;
                const free = (): number => capacity - buffer.length - granted.length;
                const grant = (): void => {
                  while (senderQueue.length > 0 && free() > 0) granted.push(senderQueue.shift()!);
                };
                const settleModel = (): void => {
                  for (let changed = true; changed;) {
                    changed = false;
                    for (const g of granted.splice(0)) {
                      if (rxOpen) {
                        buffer.push(g.v);
                        accepted.push(g.v);
                        sendersDone.add(g.p);
                      } else sendersFailed.add(g.p);
                      changed = true;
                    }
                    while (recvWaiting.length > 0 && buffer.length > 0) {
                      recvWaiting.shift();
                      buffer.shift();
                      changed = true;
                    }
                    grant();
                  }
                  const inFlight = senderQueue.length + granted.length;
                  if ((!txOpen && inFlight === 0 && buffer.length === 0) || (!rxOpen && buffer.length === 0))
                    recvWaiting.length = 0;
                };
                for (const o of expand(ops)) {
                  let doSettle = true;
                  if (o.k === "race") continue;
                  if (o.k === "send") {
                    if (!txOpen) continue;
                    const v = nextValue++;
                    const id = all.length;
                    const p = party(id, tx.send(v), log);
                    senders.push(p);
                    all.push(p as Party<unknown>);
                    if (!rxOpen) sendersFailed.add(id);
                    else {
                      senderQueue.push({ p: id, v });
                      grant();
                    }
                  } else if (o.k === "recv") {
                    const id = all.length;
                    const p = party(id, rx.recv(), log);
                    receivers.push(p);
                    all.push(p as Party<unknown>);
                    recvWaiting.push(id);
                  } else if (o.k === "trySend") {
                    if (!txOpen) continue;
                    doSettle = o.settle;
                    const v = nextValue++;
                    const r = tx.trySend(v);
                    const expected = !rxOpen ? "closed" : senderQueue.length === 0 && free() > 0 ? "sent" : "full";
                    expect(r).toBe(expected);
                    if (r === "sent") {
                      buffer.push(v);
                      accepted.push(v);
                    }
                  } else if (o.k === "tryRecv") {
                    doSettle = o.settle;
                    const r = rx.tryRecv();
                    if (buffer.length > 0) {
                      expect(r).toBe(buffer.shift());
                      received.push(r as number);
                      grant();
                    } else expect(r).not.toBeTypeOf("number");
                  } else if (o.k === "cancel") {
                    if (all.length === 0) continue;
                    doSettle = o.settle;
                    const id =
                      o.i === "firstSender"
                        ? (granted[0]?.p ?? senderQueue[0]?.p ?? 0)
                        : o.i === "firstReceiver"
                          ? (recvWaiting[0] ?? 0)
                          : o.i % all.length;
                    const p = all[id]!;
                    if (p.outcome === null && !p.cancelled) {
                      const q = senderQueue.findIndex((s) => s.p === id);
                      if (q >= 0) senderQueue.splice(q, 1);
                      const g = granted.findIndex((s) => s.p === id);
                      if (g >= 0) {
                        granted.splice(g, 1);
                        grant();
                      }
                      const r = recvWaiting.indexOf(id);
                      if (r >= 0) recvWaiting.splice(r, 1);
                    }
                    cancelParty(p);
                  } else if (o.k === "wake") {
                    if (all.length === 0) continue;
                    spuriousWake(all[o.i % all.length]!);
                  } else if (o.k === "closeTx") {
                    tx.close();
                    txOpen = false;
                  } else {
                    rx.close();
                    rxOpen = false;
                    for (const s of senderQueue.splice(0)) sendersFailed.add(s.p);
                  }
                  if (!doSettle) continue;
                  yield* settle();
                  settleModel();
                  // Receivers took values in acceptance order, each once.
                  for (const id of log) {
                    const p = all[id]!;
                    const out = p.outcome!;
                    if (receivers.includes(p as never) && out.ok && out.value !== CLOSED)
                      received.push(out.value as number);
                  }
                  log.length = 0;
                  expect(received).toEqual(accepted.slice(0, received.length));
                  expect(rx.length).toBe(buffer.length);
                  expect(received.length + buffer.length).toBe(accepted.length);
                  // Exactly the senders the model accepted (FIFO) finished; refused ones failed with SendError.
                  for (const s of senders) {
                    if (s.cancelled) continue;
                    if (sendersDone.has(s.id)) expect(s.outcome).toEqual({ ok: true, value: undefined });
                    else if (sendersFailed.has(s.id))
                      expect((s.outcome as { error: unknown }).error).toBeInstanceOf(SendError);
                    else expect(s.outcome).toBeNull();
                  }
                  // No lost wake-up: nobody waits to receive while a value sits in the buffer.
                  const waitingReceivers = receivers.filter((r) => r.outcome === null && !r.cancelled).length;
                  expect(waitingReceivers).toBe(recvWaiting.length);
                  for (const r of receivers)
                    if (r.outcome?.ok && r.outcome.value === CLOSED) expect(buffer.length).toBe(0);
                  expect(parkedReceivers(rx)).toBe(recvWaiting.length);
                  expect(parkedSenders(rx)).toBe(senderQueue.length);
                }
                for (const p of all) cancelParty(p);
              }),
          ),
          { numRuns: RUNS, seed: 0x5eed6 },
        );
      },
    );
  }
});
