import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorContext } from "../src/actors/actor.js";
import { ActorStopped, MailboxFull } from "../src/actors/errors.js";
import { sleep } from "../src/futures/sleep.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";

/** A stateless handler that sleeps `ms` of the fake clock; records starts, ends and the peak overlap. */
function probe(ms = 10) {
  const log = { starts: [] as string[], ends: [] as string[], inFlight: 0, max: 0, finallies: [] as number[] };
  class Sleeper {
    *handle(m: number, ctx: ActorContext<number, number>) {
      log.max = Math.max(log.max, ++log.inFlight);
      log.starts.push(`${m}@${ctx.now()}`);
      try {
        yield* sleep(ms);
      } finally {
        log.inFlight--;
        log.finallies.push(m);
      }
      log.ends.push(`${m}@${ctx.now()}`);
      return m * 2;
    }
  }
  return { log, factory: () => new Sleeper() };
}

async function advanceBy(timers: FakeTimers, steps: number, ms: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await settle();
    timers.advance(ms);
  }
  await settle();
}

describe("actor concurrency (opt-in)", () => {
  it(
    "concurrency 3: at most 3 handlers in flight, every ask gets its own " +
      "reply, 10 sleeps take ceil(10/3) = 4 sleeps",
    async () => {
      const timers = new FakeTimers();
      const system = new ActorSystem({ timers });
      const { log, factory } = probe(10);
      const ref = system.spawn<number, number>(factory, { concurrency: 3 });
      const replies = Array.from({ length: 10 }, (_, i) => ref.ask(i).then((v) => v));
      await advanceBy(timers, 4, 10);
      expect(await Promise.all(replies)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
      expect(log.max).toBe(3);
      expect(log.starts).toEqual(["0@0", "1@0", "2@0", "3@10", "4@10", "5@10", "6@20", "7@20", "8@20", "9@30"]);
      expect(log.ends.at(-1)).toBe("9@40");
      expect(timers.now()).toBe(40);
      ref.stop();
      expect(await ref.join()).toEqual({ kind: "completed", killed: false });
    },
  );

  it("concurrency 1 (the default) stays strictly sequential: one sleep after another", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers });
    const { log, factory } = probe(10);
    const ref = system.spawn<number, number>(factory);
    const replies = [0, 1, 2, 3].map((i) => ref.ask(i).then((v) => v));
    await advanceBy(timers, 4, 10);
    expect(await Promise.all(replies)).toEqual([0, 2, 4, 6]);
    expect(log.max).toBe(1);
    expect(log.starts).toEqual(["0@0", "1@10", "2@20", "3@30"]);
    expect(log.ends).toEqual(["0@10", "1@20", "2@30", "3@40"]);
    ref.kill();
  });

  it("handlers that finish out of order still reply to their own ask", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers });
    const done: number[] = [];
    const ref = system.spawn<number, string>(
      () => ({
        *handle(ms: number) {
          yield* sleep(ms);
          done.push(ms);
          return `slept ${ms}`;
        },
      }),
      { concurrency: 3 },
    );
    const replies = [30, 10, 20].map((ms) => ref.ask(ms).then((v) => v));
    await advanceBy(timers, 3, 10);
    expect(await Promise.all(replies)).toEqual(["slept 30", "slept 10", "slept 20"]);
    expect(done).toEqual([10, 20, 30]);
    ref.kill();
  });

  it("stop waits for every handler in flight, then runs stopped(false)", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers });
    const { log, factory } = probe(10);
    const events: string[] = [];
    const ref = system.spawn<number, number>(
      () => {
        const actor = factory();
        return {
          handle: actor.handle.bind(actor),
          stopped: () => void events.push(`stopped@${timers.now()} after ${log.ends.length} ends`),
        };
      },
      { concurrency: 3 },
    );
    const replies = [1, 2, 3].map((i) => ref.ask(i).then((v) => v));
    await settle();
    expect(log.inFlight).toBe(3);
    ref.stop();
    expect(() => ref.tell(4)).toThrow(ActorStopped);
    await settle();
    expect(events).toEqual([]);
    expect(ref.isAlive).toBe(true);
    timers.advance(10);
    expect(await ref.join()).toEqual({ kind: "completed", killed: false });
    expect(await Promise.all(replies)).toEqual([2, 4, 6]);
    expect(events).toEqual(["stopped@10 after 3 ends"]);
  });

  it(
    "kill cancels every handler in flight (their finally blocks run), fails " + "their asks and the queued ones",
    async () => {
      const timers = new FakeTimers();
      const system = new ActorSystem({ timers });
      const { log, factory } = probe(10);
      const events: string[] = [];
      const ref = system.spawn<number, number>(
        () => {
          const actor = factory();
          return {
            handle: actor.handle.bind(actor),
            stopped: (_cx: unknown, killed: boolean) =>
              void events.push(`stopped killed=${killed} after finallies ${log.finallies.join(",")}`),
          };
        },
        { concurrency: 3 },
      );
      const replies = [1, 2, 3, 4].map((i) =>
        ref.ask(i).then(
          () => "ok",
          (e: unknown) => e,
        ),
      );
      await settle();
      expect(log.inFlight).toBe(3);
      ref.kill();
      expect(await ref.join()).toEqual({ kind: "completed", killed: true });
      const outcomes = await Promise.all(replies);
      expect(outcomes.map((o) => (o as Error).name)).toEqual([
        "ActorStopped",
        "ActorStopped",
        "ActorStopped",
        "ActorStopped",
      ]);
      expect(log.finallies).toEqual([1, 2, 3]);
      expect(log.inFlight).toBe(0);
      expect(log.ends).toEqual([]);
      expect(events).toEqual(["stopped killed=true after finallies 1,2,3"]);
      expect(timers.size).toBe(0); // the cancelled sleeps left the clock
    },
  );

  it("a throw in one concurrent handler fails only its ask; the others reply (resume)", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers, supervision: { directive: "resume" } });
    const ref = system.spawn<number, number>(
      () => ({
        *handle(m: number) {
          yield* sleep(m === 2 ? 5 : 10);
          if (m === 2) throw new Error("bad 2");
          return m * 10;
        },
      }),
      { concurrency: 3 },
    );
    const replies = [1, 2, 3, 4].map((i) =>
      ref.ask(i).then(
        (v) => v,
        (e: unknown) => (e as Error).message,
      ),
    );
    await advanceBy(timers, 3, 5);
    // 1 and 3 started at 0 and end at 10; 4 took 2's slot at 5 and ends at 15.
    expect(await Promise.all(replies)).toEqual([10, "bad 2", 30, 40]);
    expect(ref.isAlive).toBe(true);
    ref.kill();
  });

  it("a bounded mailbox still pushes back: messages wait in it while all slots are busy", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers });
    const { log, factory } = probe(10);
    const ref = system.spawn<number, number>(factory, { concurrency: 2, capacity: 1 });
    ref.tell(1);
    await settle();
    ref.tell(2);
    await settle(); // both handlers started: the mailbox is empty again
    ref.tell(3);
    expect(() => ref.tell(4)).toThrow(MailboxFull);
    timers.advance(10);
    await settle();
    expect(log.starts).toEqual(["1@0", "2@0", "3@10"]);
    ref.kill();
  });

  it(
    "a restart drops the old instance's other handlers in flight (their " +
      "asks fail ActorStopped); the fresh instance serves what follows",
    async () => {
      const timers = new FakeTimers();
      const system = new ActorSystem({ timers, supervision: { directive: "restart" } });
      let instances = 0;
      const ref = system.spawn<string, string>(
        () => {
          const instance = ++instances;
          return {
            *handle(m: string) {
              yield* sleep(m === "boom" ? 5 : 10);
              if (m === "boom") throw new Error("boom");
              return `${m} by #${instance}`;
            },
          };
        },
        { concurrency: 2 },
      );
      const slow = ref.ask("slow").then(
        (v) => v,
        (e: unknown) => (e as Error).name,
      );
      const boom = ref.ask("boom").then(
        (v) => v,
        (e: unknown) => (e as Error).message,
      );
      await advanceBy(timers, 1, 5);
      expect(await boom).toBe("boom");
      expect(await slow).toBe("ActorStopped");
      const after = ref.ask("after").then((v) => v);
      await advanceBy(timers, 1, 10);
      expect(await after).toBe("after by #2");
      expect(instances).toBe(2);
      ref.kill();
    },
  );

  it("source items are handled concurrently too, started in order", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers });
    const { log, factory } = probe(10);
    async function* items(): AsyncGenerator<number> {
      yield* [1, 2, 3, 4];
    }
    const ref = system.spawn<number, number>(
      () => {
        const actor = factory();
        return {
          started: (ctx: ActorContext<number, number>) => void ctx.addSource(items(), (n) => n),
          handle: actor.handle.bind(actor),
        };
      },
      { concurrency: 2 },
    );
    await advanceBy(timers, 2, 10);
    expect(log.starts).toEqual(["1@0", "2@0", "3@10", "4@10"]);
    expect(log.ends).toEqual(["1@10", "2@10", "3@20", "4@20"]);
    expect(log.max).toBe(2);
    ref.stop();
    expect(await ref.join()).toEqual({ kind: "completed", killed: false });
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity])("rejects concurrency %s with a RangeError", (n) => {
    const system = new ActorSystem({ timers: new FakeTimers() });
    expect(() => system.spawn(() => ({ handle() {} }), { concurrency: n })).toThrow(RangeError);
    expect(() => system.spawn(() => ({ handle() {} }), { concurrency: n })).toThrow(
      /concurrency must be an integer >= 1/,
    );
  });
});
