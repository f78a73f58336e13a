import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorContext } from "../src/actors/actor.js";
import { ActorStopped, MailboxFull, RequestTimeout, AlreadyRegistered } from "../src/actors/errors.js";
import { sleep } from "../src/futures/sleep.js";
import { spawn } from "../src/runtime/spawn.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";

function fixture() {
  const timers = new FakeTimers();
  return { timers, system: new ActorSystem({ timers }) };
}

describe("actor: tell, ask, handlers", () => {
  it("handles messages in order, one at a time; ask returns the handler's value", async () => {
    const { system } = fixture();
    const seen: number[] = [];
    const ref = system.spawn<number, number>(() => {
      let state = 0;
      return { handle: (m) => (seen.push(m), (state += m)) };
    });
    for (let i = 0; i < 10; i++) ref.tell(i);
    expect(await ref.ask(0)).toBe(45);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
  });

  it("generator handlers await futures with yield*, and messages wait for the current one", async () => {
    const { system, timers } = fixture();
    const log: string[] = [];
    class Slow {
      *handle(m: string) {
        log.push(`begin ${m}`);
        yield* sleep(10);
        log.push(`end ${m}`);
        return m.toUpperCase();
      }
    }
    const ref = system.spawn<string, string>(() => new Slow());
    const a = ref.ask("a");
    const b = ref.ask("b");
    const pa = a.then((v) => v);
    const pb = b.then((v) => v);
    await settle();
    expect(log).toEqual(["begin a"]);
    timers.advance(10);
    await settle();
    timers.advance(10);
    expect(await Promise.all([pa, pb])).toEqual(["A", "B"]);
    expect(log).toEqual(["begin a", "end a", "begin b", "end b"]);
  });

  it("ask fails with RequestTimeout after its timeout, and the queued request is skipped", async () => {
    const { system, timers } = fixture();
    const handled: string[] = [];
    const ref = system.spawn<string, string>(() => ({
      *handle(m: string) {
        handled.push(m);
        yield* sleep(100);
        return m;
      },
    }));
    ref.tell("busy");
    const late = ref.ask("late", 50);
    const p = late.then(
      () => "ok",
      (e: unknown) => e,
    );
    await settle();
    timers.advance(50);
    const err = await p;
    expect(err).toBeInstanceOf(RequestTimeout);
    expect((err as RequestTimeout).ms).toBe(50);
    timers.advance(100);
    await settle();
    expect(handled).toEqual(["busy"]);
  });

  it("default ask timeout is 5 s", async () => {
    const { system, timers } = fixture();
    const ref = system.spawn<string, string>(() => ({
      *handle() {
        yield* sleep(1e9);
        return "";
      },
    }));
    const p = ref.ask("x").then(
      () => "ok",
      (e: unknown) => e,
    );
    await settle();
    timers.advance(4_999);
    await settle();
    let settled = false;
    void p.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    timers.advance(1);
    expect(await p).toBeInstanceOf(RequestTimeout);
    ref.kill();
  });

  it("a throw in handle loses that message only: its ask fails with the error (resume keeps state)", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers, supervision: { directive: "resume" } });
    const ref = system.spawn<number, number>(() => {
      let sum = 0;
      return {
        handle: (m) => {
          if (m < 0) throw new Error(`bad ${m}`);
          return (sum += m);
        },
      };
    });
    ref.tell(5);
    await expect(ref.ask(-1)).rejects.toThrow("bad -1");
    expect(await ref.ask(1)).toBe(6);
  });
});

describe("actor lifecycle: stop vs kill, exit phase", () => {
  it("stop finishes the current message and what was queued, rejects later tells, runs stopped(false)", async () => {
    const { system, timers } = fixture();
    const log: string[] = [];
    const ref = system.spawn<string>(() => ({
      *handle(m: string) {
        log.push(`start ${m}`);
        yield* sleep(10);
        log.push(`done ${m}`);
      },
      stopped(_ctx: ActorContext<string>, killed: boolean) {
        log.push(`stopped killed=${killed}`);
      },
    }));
    ref.tell("a");
    ref.tell("b");
    await settle();
    ref.stop();
    expect(() => ref.tell("c")).toThrow(ActorStopped);
    timers.advance(10);
    await settle();
    timers.advance(10);
    expect(await ref.join()).toEqual({ kind: "completed", killed: false });
    expect(log).toEqual(["start a", "done a", "start b", "done b", "stopped killed=false"]);
    expect(ref.isAlive).toBe(false);
  });

  it(
    "kill cancels the current message, skips queued ones (their asks fail " + "ActorStopped), runs stopped(true)",
    async () => {
      const { system } = fixture();
      const log: string[] = [];
      const ref = system.spawn<string, string>(() => ({
        *handle(m: string) {
          log.push(`start ${m}`);
          try {
            yield* sleep(10);
          } finally {
            log.push(`finally ${m}`);
          }
          return m;
        },
        stopped: (_ctx: ActorContext<string, string>, killed: boolean) => void log.push(`stopped killed=${killed}`),
      }));
      const first = ref.ask("a").then(
        () => "ok",
        (e: unknown) => e,
      );
      const queued = ref.ask("b").then(
        () => "ok",
        (e: unknown) => e,
      );
      await settle();
      ref.kill();
      expect(await ref.join()).toEqual({ kind: "completed", killed: true });
      expect(await first).toBeInstanceOf(ActorStopped);
      expect(await queued).toBeInstanceOf(ActorStopped);
      expect(log).toEqual(["start a", "finally a", "stopped killed=true"]);
    },
  );

  it.each([
    [
      "start",
      {
        started() {
          throw new Error("boom");
        },
        handle() {},
      },
    ],
    [
      "handle",
      {
        handle() {
          throw new Error("boom");
        },
      },
    ],
    [
      "stop",
      {
        handle() {},
        stopped() {
          throw new Error("boom");
        },
      },
    ],
    [
      "run",
      {
        handle() {},
        *run() {
          yield* sleep(0);
          throw new Error("boom");
        },
      },
    ],
  ] as const)("a throw in %s is reported as failed in that phase", async (phase, actor) => {
    const { system } = fixture();
    const ref = system.spawn<string>(() => actor as never);
    ref.tell("x");
    if (phase === "stop") ref.stop();
    const exit = await ref.join();
    expect(exit.kind).toBe("failed");
    expect(exit.kind === "failed" && exit.phase).toBe(phase);
    expect(exit.kind === "failed" && (exit.error as Error).message).toBe("boom");
  });

  it("an async start step runs before the first message; run runs alongside messages", async () => {
    const { system, timers } = fixture();
    const log: string[] = [];
    const ref = system.spawn<string>(() => ({
      *started() {
        yield* sleep(5);
        log.push("started");
      },
      handle: (m: string) => void log.push(`msg ${m}`),
      *run() {
        yield* sleep(10);
        log.push("tick");
      },
    }));
    ref.tell("a");
    await settle();
    expect(log).toEqual([]);
    timers.advance(5);
    await settle();
    expect(log).toEqual(["started", "msg a"]);
    timers.advance(10);
    await settle();
    ref.tell("b");
    await settle();
    timers.advance(10);
    await settle();
    expect(log).toEqual(["started", "msg a", "tick", "msg b", "tick"]);
    ref.kill();
    await ref.join();
  });
});

describe("bounded mailbox", () => {
  it("tell to a full mailbox throws MailboxFull; tryTell says false; send waits for room", async () => {
    const { system, timers } = fixture();
    const handled: number[] = [];
    const ref = system.spawn<number>(
      () => ({
        *handle(m: number) {
          handled.push(m);
          yield* sleep(10);
        },
      }),
      { capacity: 2 },
    );
    ref.tell(1);
    await settle(); // 1 is being handled; the mailbox is empty again
    ref.tell(2);
    ref.tell(3);
    expect(() => ref.tell(4)).toThrow(MailboxFull);
    expect(ref.tryTell(4)).toBe(false);
    const order: string[] = [];
    const sent = spawn(ref.send(5))
      .toPromise()
      .then(() => order.push("sent 5"));
    await settle();
    expect(order).toEqual([]);
    timers.advance(10); // 1 done → 2 taken → room
    await sent;
    expect(order).toEqual(["sent 5"]);
    for (let i = 0; i < 4; i++) {
      timers.advance(10);
      await settle();
    }
    expect(handled).toEqual([1, 2, 3, 5]);
    ref.kill();
  });

  it("a send waiting for room fails with ActorStopped when the actor is killed", async () => {
    const { system } = fixture();
    const ref = system.spawn<number>(
      () => ({
        *handle() {
          yield* sleep(1e9);
        },
      }),
      { capacity: 1 },
    );
    ref.tell(1);
    await settle();
    ref.tell(2);
    const p = spawn(ref.send(3))
      .toPromise()
      .then(
        () => "ok",
        (e: { cause?: unknown }) => e.cause,
      );
    await settle();
    ref.kill();
    expect(await p).toBeInstanceOf(ActorStopped);
  });
});

describe("timers, sources, background tasks", () => {
  it("sendAfter and sendInterval deliver on the actor's clock and are cancelled on stop", async () => {
    const { system, timers } = fixture();
    const got: string[] = [];
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.sendAfter("once", 30);
        ctx.sendInterval("tick", 10);
      },
      handle: (m: string, ctx: ActorContext<string>) => void got.push(`${m}@${ctx.now()}`),
    }));
    await settle();
    expect(timers.size).toBe(2);
    for (let t = 0; t < 4; t++) {
      timers.advance(10);
      await settle();
    }
    expect(got).toEqual(["tick@10", "tick@20", "once@30", "tick@30", "tick@40"]);
    ref.stop();
    await ref.join();
    expect(timers.size).toBe(0);
  });

  it("a cancelled timer never fires", async () => {
    const { system, timers } = fixture();
    const got: string[] = [];
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.sendAfter("x", 10).cancel();
      },
      handle: (m: string) => void got.push(m),
    }));
    await settle();
    expect(timers.size).toBe(0);
    timers.advance(20);
    await settle();
    expect(got).toEqual([]);
    ref.stop();
  });

  it("async iterable sources arrive as messages, in order", async () => {
    const { system } = fixture();
    async function* numbers() {
      for (let i = 1; i <= 3; i++) yield i;
    }
    const got: string[] = [];
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(numbers(), (n) => `n${n}`);
      },
      handle: (m: string) => void got.push(m),
    }));
    await settle(10);
    expect(got).toEqual(["n1", "n2", "n3"]);
    ref.stop();
  });

  it("ctx.task: the value comes back as a message; an error goes to supervision (phase run)", async () => {
    const { system, timers } = fixture();
    const got: string[] = [];
    const ok = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.task(sleep(5), () => "slept");
      },
      handle: (m: string) => void got.push(m),
    }));
    await settle();
    timers.advance(5);
    await settle();
    expect(got).toEqual(["slept"]);
    ok.stop();
    function* failing(): Generator<never, number, unknown> {
      throw new Error("task failed");
    }
    const bad = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.task(failing(), (n) => `n${n}`);
      },
      handle() {},
    }));
    const exit = await bad.join();
    expect(exit).toMatchObject({ kind: "failed", phase: "run" });
  });
});

describe("registry", () => {
  it("register / whereis / unregister / registered; entries leave when the actor stops", async () => {
    const { system } = fixture();
    const a = system.spawn<string>(() => ({ handle() {} }));
    const b = system.spawn<string>(() => ({ handle() {} }));
    system.register("a", a);
    system.register("b", b);
    expect(() => system.register("a", b)).toThrow(AlreadyRegistered);
    expect(system.whereis("a")).toBe(a);
    expect(system.registered().sort()).toEqual(["a", "b"]);
    expect(system.unregister("b")).toBe(true);
    expect(system.unregister("b")).toBe(false);
    a.stop();
    await a.join();
    expect(system.whereis("a")).toBeUndefined();
    expect(system.registered()).toEqual([]);
    b.stop();
  });
});
