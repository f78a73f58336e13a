/**
 * Actors under composition (issue 11 §5): each test names the reproduction that
 * failed before the fix.
 */
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorRef } from "../src/actors/actor.js";
import { ActorStopped } from "../src/actors/errors.js";
import { sleep } from "../src/futures/sleep.js";
import { spawn } from "../src/runtime/spawn.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";
import { Gate } from "./helpers/gate.js";

function fixture() {
  const timers = new FakeTimers();
  return { timers, system: new ActorSystem({ timers }) };
}

describe("ask results are awaitable many times", () => {
  it("repro: `await` twice on one ask — the second await threw 'polled after it settled'", async () => {
    const { system } = fixture();
    const ref = system.spawn<number, number>(() => ({ handle: (m) => m * 2 }));
    const answer = ref.ask(21);
    expect(await answer).toBe(42);
    expect(await answer).toBe(42);
  });

  it("repro: two `then`s on one ask — only the second ran", async () => {
    const { system } = fixture();
    const ref = system.spawn<number, number>(() => ({ handle: (m) => m + 1 }));
    const answer = ref.ask(1);
    const seen: number[] = [];
    const a = answer.then((v) => seen.push(v));
    const b = answer.then((v) => seen.push(v * 10));
    await Promise.all([a, b]);
    expect(seen.sort((x, y) => x - y)).toEqual([2, 20]);
  });

  it("an ask awaited by two tasks (yield*) and a promise: all three get the reply", async () => {
    const { system } = fixture();
    const gate = new Gate();
    const ref = system.spawn<number, number>(() => ({
      *handle(m: number) {
        yield* gate;
        return m;
      },
    }));
    const answer = ref.ask(7);
    const t1 = spawn(
      (function* () {
        return yield* answer;
      })(),
    );
    const t2 = spawn(
      (function* () {
        return yield* answer;
      })(),
    );
    const p = answer.then((v) => v);
    await settle();
    gate.open();
    expect(await Promise.all([t1, t2, p])).toEqual([7, 7, 7]);
  });

  it("a failed ask fails every awaiter with the same error, and again when polled after", async () => {
    const { system } = fixture();
    const ref = system.spawn<number, number>(() => ({
      handle: () => {
        throw new Error("boom");
      },
    }));
    const answer = ref.ask(1);
    await expect(answer).rejects.toThrow("boom");
    await expect(answer).rejects.toThrow("boom");
  });
});

describe("replies are values", () => {
  it("repro: a handler that replies with its own ref — the parent awaited the ref and was wedged", async () => {
    const { system } = fixture();
    const ref = system.spawn<string, ActorRef<string, unknown>>(() => ({ handle: (_m, ctx) => ctx.self }));
    const got = await ref.ask("who");
    expect(got).toBe(ref);
    expect(ref.isAlive).toBe(true);
    expect(await ref.ask("again")).toBe(ref);
  });

  it("a handler may reply with a child's ref; the child answers through it", async () => {
    const { system } = fixture();
    const parent = system.spawn<string, ActorRef<number, number>>(() => {
      let child: ActorRef<number, number> | null = null;
      return {
        started: (ctx) => void (child = ctx.spawn<number, number>(() => ({ handle: (n) => n * 3 }))),
        handle: () => child!,
      };
    });
    const child = await parent.ask("child");
    expect(await child.ask(5)).toBe(15);
  });
});

describe("restart waits for the old instance's children", () => {
  it(
    "repro: a restarted parent re-registers its child's name — " + "AlreadyRegistered burned the whole restart budget",
    async () => {
      const system = new ActorSystem({
        timers: new FakeTimers(),
        supervision: { directive: "restart", maxRestarts: 1 },
      });
      let starts = 0;
      const parent = system.spawn<string, string>(
        () => ({
          started: (ctx) => {
            starts++;
            const child = ctx.spawn<string, string>(() => ({
              handle: (m) => m,
              *stopped() {
                yield* sleep(0); // the child takes a little while to end
              },
            }));
            system.register("the-child", child);
          },
          handle: (m) => {
            if (m === "crash") throw new Error("crash");
            return m;
          },
        }),
        {},
      );
      await settle();
      expect(starts).toBe(1);
      parent.tell("crash");
      await settle(20);
      expect(starts).toBe(2);
      expect(parent.isAlive).toBe(true);
      expect(await system.whereis<string, string>("the-child")!.ask("hi")).toBe("hi");
    },
  );
});

describe("nothing is silently dropped", () => {
  it("repro: a ctx.task result meeting a full bounded mailbox was dropped; now it waits for room", async () => {
    const { system } = fixture();
    const gate = new Gate();
    const work = new Gate();
    const seen: string[] = [];
    const ref = system.spawn<string, void>(
      () => ({
        started: (ctx) => void ctx.task(work, () => "result"),
        *handle(m: string) {
          seen.push(m);
          if (m === "hold") yield* gate;
        },
      }),
      { capacity: 1 },
    );
    ref.tell("hold");
    await settle();
    ref.tell("filler"); // the mailbox (capacity 1) is now full
    work.open(); // the background task finishes while the mailbox is full
    await settle();
    expect(seen).toEqual(["hold"]);
    gate.open();
    await settle();
    expect(seen).toEqual(["hold", "filler", "result"]);
    expect(system.deadLetters.count).toBe(0);
  });

  it(
    "a sendAfter tick that meets a full mailbox is a dead letter " + "(mailbox-full), not lost without a trace",
    async () => {
      const { system, timers } = fixture();
      const gate = new Gate();
      const letters: unknown[] = [];
      system.deadLetters.subscribe((l) => letters.push(l));
      const ref = system.spawn<string, void>(
        () => ({
          started: (ctx) => void ctx.sendAfter("tick", 10),
          *handle(m: string) {
            if (m === "hold") yield* gate;
          },
        }),
        { capacity: 1 },
      );
      ref.tell("hold");
      await settle();
      ref.tell("filler");
      timers.advance(10);
      expect(system.deadLetters.byReason()["mailbox-full"]).toBe(1);
      expect(letters).toEqual([{ actor: ref.name, actorId: ref.id, message: "tick", reason: "mailbox-full" }]);
    },
  );
});

describe("resume covers background tasks", () => {
  it("repro: a ctx.task error under `resume` stopped the actor; now it keeps its state", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers, supervision: { directive: "resume" } });
    const ref = system.spawn<string, number>(() => {
      let count = 0;
      return {
        handle: (m, ctx) => {
          if (m === "fail-in-background") {
            ctx.task(
              (function* (): Generator<never, never> {
                throw new Error("background");
              })(),
              () => "never",
            );
          }
          return ++count;
        },
      };
    });
    expect(await ref.ask("a")).toBe(1);
    expect(await ref.ask("fail-in-background")).toBe(2);
    await settle();
    expect(ref.isAlive).toBe(true);
    expect(await ref.ask("b")).toBe(3);
  });
});

describe("send and ask on a bounded mailbox", () => {
  it("repro: `await ref.send(m)` queued nothing (send was a plain future, not awaitable)", async () => {
    const { system } = fixture();
    const seen: number[] = [];
    const ref = system.spawn<number, number>(() => ({ handle: (m) => (seen.push(m), seen.length) }));
    await ref.send(1);
    await ref.send(2);
    expect(await ref.ask(3)).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("repro: ask on a full mailbox failed MailboxFull at once; now it waits for room like send", async () => {
    const { system } = fixture();
    const gate = new Gate();
    const ref = system.spawn<string, string>(
      () => ({
        *handle(m: string) {
          if (m === "hold") yield* gate;
          return m.toUpperCase();
        },
      }),
      { capacity: 1 },
    );
    ref.tell("hold");
    await settle();
    ref.tell("filler");
    const answer = ref.ask("late");
    await settle();
    gate.open();
    expect(await answer).toBe("LATE");
  });

  it(
    "repro: an abandoned send swallowed the next sender's wake-up; the next " +
      "sender waited forever with the mailbox empty",
    async () => {
      const { system } = fixture();
      const gate = new Gate();
      const seen: string[] = [];
      let senderA: { cancel(): unknown } | null = null;
      const ref = system.spawn<string, void>(
        () => ({
          *handle(m: string) {
            seen.push(m);
            if (m === "hold") yield* gate;
            // Taking "filler" freed the one slot and woke A, first in line. A gives up
            // (its task is cancelled) before it could use that wake-up.
            if (m === "filler") senderA!.cancel();
          },
        }),
        { capacity: 1 },
      );
      ref.tell("hold");
      await settle();
      ref.tell("filler");
      senderA = spawn(ref.send("a"));
      const b = spawn(ref.send("b"));
      await settle();
      gate.open();
      await settle(20);
      expect(b.finished).toBe(true);
      expect(seen).toEqual(["hold", "filler", "b"]);
    },
  );

  it("a send to an actor that stops while the sender waits fails ActorStopped", async () => {
    const { system } = fixture();
    const gate = new Gate();
    const ref = system.spawn<string, void>(
      () => ({
        *handle() {
          yield* gate;
        },
      }),
      { capacity: 1 },
    );
    ref.tell("hold");
    await settle();
    ref.tell("filler");
    const sending = ref.send("x");
    const p = sending.then(
      () => "sent",
      (e) => e,
    );
    await settle();
    ref.kill();
    expect(await p).toBeInstanceOf(ActorStopped);
  });
});
