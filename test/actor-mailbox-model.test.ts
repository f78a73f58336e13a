/**
 * Model-based test of a bounded mailbox under `send` and `ask` (issue 11 §1/§5):
 * random interleavings of senders joining, senders giving up (their task is
 * cancelled — also right after a wake-up reached them), and the actor taking
 * messages, checked against a plain model — on the live runtime and on the sim
 * driver. The bug this hunts: a sender that gives up after it was told "room
 * freed" kept that wake-up, and the sender behind it waited forever with room free.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorRef } from "../src/actors/actor.js";
import { Mailbox } from "../src/actors/mailbox.js";
import { BaseFuture } from "../src/futures/base-future.js";
import type { Co } from "../src/futures/generator-future.js";
import { PENDING, type Context, type Poll, type Waker } from "../src/futures/poll.js";
import { spawn as spawnLive } from "../src/runtime/spawn.js";
import { SimRuntime } from "../src/runtime/sim/sim-runtime.js";
import type { JoinHandle } from "../src/runtime/task.js";
import { settle } from "./helpers/fake-timers.js";

/** Handler permits: the actor finishes one message per permit. */
class Permits {
  count = 0;
  private wakers: Waker[] = [];
  add(n: number): void {
    this.count += n;
    for (const w of this.wakers.splice(0)) w.wake();
  }
  take(): BaseFuture<void> {
    const permits = this;
    return new (class extends BaseFuture<void> {
      poll(cx: Context): Poll<void> {
        if (permits.count > 0) {
          permits.count--;
          return undefined;
        }
        permits.wakers.push(cx.waker);
        return PENDING;
      }
    })();
  }
}

type Op = { kind: "send" } | { kind: "ask" } | { kind: "cancel"; who: number } | { kind: "release"; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: "send" }),
  fc.constant<Op>({ kind: "ask" }),
  fc.nat(20).map<Op>((who) => ({ kind: "cancel", who })),
  fc.integer({ min: 1, max: 3 }).map<Op>((n) => ({ kind: "release", n })),
);

interface Driver {
  system: ActorSystem;
  spawn<T>(g: Co<T>): JoinHandle<T>;
  quiesce(): Promise<void> | void;
}

async function check(driver: Driver, capacity: number, ops: Op[]): Promise<void> {
  const permits = new Permits();
  const handled: number[] = [];
  const ref: ActorRef<number, number> = driver.system.spawn<number, number>(
    () => ({
      *handle(m: number) {
        handled.push(m);
        yield* permits.take();
        return m * 10;
      },
    }),
    { capacity },
  );
  const mailbox = (ref as unknown as { mailbox: Mailbox<unknown> }).mailbox;
  const senders: { kind: "send" | "ask"; handle: JoinHandle<void>; cancelled: boolean }[] = [];
  const accepted: number[] = [];
  const replies = new Map<number, number>();
  // Hold the actor in its first handler so the mailbox can fill.
  ref.tell(-1);
  await driver.quiesce();
  for (const op of ops) {
    if (op.kind === "send" || op.kind === "ask") {
      const id = senders.length;
      const kind = op.kind;
      const handle = driver.spawn(
        (function* (): Co<void> {
          if (kind === "send") {
            yield* ref.send(id);
            accepted.push(id);
          } else {
            replies.set(id, (yield* ref.ask(id, Infinity)) as number);
          }
        })(),
      );
      senders.push({ kind, handle, cancelled: false });
    } else if (op.kind === "cancel") {
      const s = senders[op.who];
      if (s !== undefined && !s.handle.finished && !s.cancelled) {
        s.cancelled = true;
        s.handle.cancel();
      }
    } else {
      permits.add(op.n);
    }
    await driver.quiesce();
    // The property the bug broke: anyone still waiting for room means there is none.
    const sendWaiting = senders.some((s) => s.kind === "send" && !s.cancelled && !s.handle.finished);
    if (sendWaiting || mailbox.waitingForRoom > 0) expect(mailbox.size).toBe(capacity);
  }
  // Let the actor run freely: every sender that did not give up gets through.
  permits.add(1_000_000);
  await driver.quiesce();
  for (const [id, s] of senders.entries()) {
    if (!s.cancelled) expect(s.handle.finished, `sender ${id} (${s.kind}) finished`).toBe(true);
    if (!s.cancelled && s.kind === "ask") expect(replies.get(id)).toBe(id * 10);
    if (s.cancelled && s.kind === "send") expect(handled).not.toContain(id); // gave up before it was queued
  }
  const sends = handled.filter((m) => m >= 0 && senders[m]!.kind === "send");
  expect(sends).toEqual(accepted); // FIFO: handled in the order they were queued
  expect(new Set(handled).size).toBe(handled.length); // none twice
  for (const [id, s] of senders.entries()) if (!s.cancelled) expect(handled).toContain(id);
  ref.kill();
  await driver.quiesce();
}

describe("bounded mailbox: send / ask / give up, against a model", () => {
  it("on the sim driver (300 seeded runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(opArb, { maxLength: 30 }),
        fc.nat(1000),
        async (capacity, ops, seed) => {
          const rt = new SimRuntime({ seed });
          const driver: Driver = {
            system: new ActorSystem({ runtime: rt }),
            spawn: (g) => rt.spawn(g),
            quiesce: () => void rt.run(),
          };
          await check(driver, capacity, ops);
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });

  it("on the live runtime (200 seeded runs)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(opArb, { maxLength: 25 }), async (capacity, ops) => {
        const driver: Driver = { system: new ActorSystem(), spawn: (g) => spawnLive(g), quiesce: () => settle(3) };
        await check(driver, capacity, ops);
      }),
      { numRuns: 200, seed: 16 },
    );
  });
});

describe("Mailbox.offer against its capacity and close", () => {
  it("takes up to the capacity (a fractional one rounds up), none once closed", () => {
    const offers = (m: Mailbox<number>, n: number) => Array.from({ length: n }, (_, i) => m.offer(i));
    expect(offers(new Mailbox<number>(2), 3)).toEqual([true, true, false]);
    expect(offers(new Mailbox<number>(2.5), 4)).toEqual([true, true, true, false]);
    const bounded = new Mailbox<number>(1);
    expect(offers(bounded, 2)).toEqual([true, false]);
    expect(bounded.take()).toBe(0);
    expect(bounded.offer(7)).toBe(true); // room again after a take
    const huge = new Mailbox<number>(2 ** 40);
    expect(offers(huge, 5000).every(Boolean)).toBe(true);
    const open = new Mailbox<number>();
    expect(offers(open, 100_000).every(Boolean)).toBe(true);
    expect(open.size).toBe(100_000);
    open.close(false);
    expect(open.offer(1)).toBe(false);
    expect(open.offerPriority(1)).toBe(false);
    expect(open.size).toBe(100_000); // not dropped: a stop drains what was queued
    const killed = new Mailbox<number>(3);
    offers(killed, 2);
    expect(killed.close(true)).toEqual([0, 1]);
    expect(killed.offer(1)).toBe(false);
  });
});
