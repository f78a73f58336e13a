/**
 * Lifecycle the seed libraries have (issue 15 §3): ordered shutdown, stopChildren /
 * restartChildren / watch, dead letters per cause, weak refs, metrics, ask deadlock
 * detection, the priority lane.
 */
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorContext, ActorExit, ActorRef } from "../src/actors/actor.js";
import { ActorStopped, Deadlock, RequestTimeout } from "../src/actors/errors.js";
import { sleep } from "../src/futures/sleep.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";
import { Gate } from "./helpers/gate.js";

function fixture(options: ConstructorParameters<typeof ActorSystem>[0] = {}) {
  const timers = new FakeTimers();
  return { timers, system: new ActorSystem({ timers, ...options }) };
}

describe("system.shutdown()", () => {
  it("stops every actor leaves first and resolves when all have ended", async () => {
    const { system } = fixture();
    const order: string[] = [];
    const node = (name: string, kids: string[]) => () => ({
      started: (ctx: ActorContext<string, void>) => {
        for (const k of kids) ctx.spawn(node(k, k === "b" ? ["c"] : []), { name: k });
      },
      handle: () => {},
      stopped: () => void order.push(name),
    });
    const a = system.spawn(node("a", ["b", "b2"]), { name: "a" });
    const d = system.spawn(node("d", []), { name: "d" });
    await settle();
    await system.shutdown();
    expect(a.isAlive).toBe(false);
    expect(d.isAlive).toBe(false);
    expect(order.indexOf("c")).toBeLessThan(order.indexOf("b"));
    expect(order.indexOf("b")).toBeLessThan(order.indexOf("a"));
    expect(order.indexOf("b2")).toBeLessThan(order.indexOf("a"));
    expect(order.sort()).toEqual(["a", "b", "b2", "c", "d"]);
    expect(() => a.tell("late")).toThrow(ActorStopped);
    expect(system.deadLetters.byReason().shutdown).toBe(1);
  });

  it("each actor finishes its queue before it stops", async () => {
    const { system } = fixture();
    const seen: number[] = [];
    const ref = system.spawn<number, void>(() => ({ handle: (m) => void seen.push(m) }));
    for (let i = 0; i < 5; i++) ref.tell(i);
    await system.shutdown();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("children: stopChildren, restartChildren, watch", () => {
  it("ctx.stopChildren() waits until every child has ended", async () => {
    const { system } = fixture();
    const kids: ActorRef<string, void>[] = [];
    const parent = system.spawn<string, boolean[]>(() => ({
      started: (ctx) => {
        for (let i = 0; i < 3; i++)
          kids.push(
            ctx.spawn<string, void>(() => ({
              handle: () => {},
              *stopped() {
                yield* sleep(0);
              },
            })),
          );
      },
      *handle(_m, ctx) {
        yield* ctx.stopChildren();
        return kids.map((k) => k.isAlive);
      },
    }));
    expect(await parent.ask("stop them")).toEqual([false, false, false]);
  });

  it("ctx.restartChildren() gives every child fresh state at the same address", async () => {
    const { system } = fixture();
    let kid: ActorRef<string, number> | null = null;
    const parent = system.spawn<string, void>(() => ({
      started: (ctx) => {
        kid = ctx.spawn<string, number>(() => {
          let n = 0;
          return { handle: () => ++n };
        });
      },
      handle: (_m, ctx) => ctx.restartChildren(),
    }));
    await settle();
    expect(await kid!.ask("x")).toBe(1);
    expect(await kid!.ask("x")).toBe(2);
    await parent.ask("restart");
    expect(await kid!.ask("x")).toBe(1);
  });

  it("watch: the parent gets a message when the child ends for good, not when it restarts", async () => {
    const { system } = fixture();
    const exits: ActorExit[] = [];
    let kid: ActorRef<string, void> | null = null;
    system.spawn<ActorExit | string, void>(
      () => ({
        started: (ctx) => {
          kid = ctx.spawn<string, void>(() => ({
            handle: (m) => {
              if (m === "crash") throw new Error("crash");
            },
          }));
          ctx.watch(kid, (exit) => exit);
        },
        handle: (m) => void (typeof m === "object" && exits.push(m)),
      }),
      { supervision: { directive: "restart" } },
    );
    await settle();
    kid!.tell("crash"); // restarted: not an end
    await settle();
    expect(exits).toEqual([]);
    kid!.stop();
    await settle();
    expect(exits).toEqual([{ kind: "completed", killed: false }]);
  });
});

describe("dead letters: counted, with the reason for each cause", () => {
  it("stopped, killed, mailbox-full, ask-timed-out, reply-dropped", async () => {
    const { system, timers } = fixture();
    const letters: string[] = [];
    system.deadLetters.subscribe((l) => letters.push(`${l.reason}:${String(l.message)}`));
    const gate = new Gate();
    const ref = system.spawn<string, string>(
      () => ({
        *handle(m: string) {
          if (m === "hold") yield* gate;
          return m;
        },
      }),
      { capacity: 2 },
    );
    ref.tell("hold");
    await settle();
    ref.tell("q1");
    const timedOut = ref.ask("queued-ask", 10); // waits in the mailbox behind q1
    const p = timedOut.then(
      () => "replied",
      (e) => e,
    );
    expect(ref.tryTell("overflow")).toBe(false); // mailbox-full
    await settle(); // the ask's timer starts at its first poll
    timers.advance(10);
    expect(await p).toBeInstanceOf(RequestTimeout);
    gate.open();
    await settle();
    expect(letters).toEqual(["mailbox-full:overflow", "ask-timed-out:queued-ask"]);

    // reply-dropped: the asker gives up while the handler runs
    const slow = new Gate();
    const ref2 = system.spawn<string, string>(() => ({
      *handle(m: string) {
        yield* slow;
        return m;
      },
    }));
    const late = ref2.ask("late", 5).then(
      () => "replied",
      (e) => e,
    );
    await settle();
    timers.advance(5);
    expect(await late).toBeInstanceOf(RequestTimeout);
    slow.open();
    await settle();
    expect(letters.at(-1)).toBe("reply-dropped:late");

    // killed: queued messages dropped by kill; stopped: told after the end
    const held = new Gate();
    const ref3 = system.spawn<string, void>(() => ({
      *handle() {
        yield* held;
      },
    }));
    ref3.tell("running");
    await settle();
    ref3.tell("k1");
    ref3.tell("k2");
    ref3.kill();
    await settle();
    expect(() => ref3.tell("after")).toThrow(ActorStopped);
    expect(letters.slice(-3)).toEqual(["killed:k1", "killed:k2", "stopped:after"]);
    expect(system.deadLetters.count).toBe(6);
    expect(system.deadLetters.byReason()).toEqual({
      stopped: 1,
      killed: 2,
      "mailbox-full": 1,
      "ask-timed-out": 1,
      "reply-dropped": 1,
      shutdown: 0,
    });
  });

  it("verbose: one log line per dead letter", async () => {
    const lines: string[] = [];
    const { system } = fixture({ verbose: (l) => lines.push(l), slowPollMs: 0 });
    const ref = system.spawn<string, void>(() => ({ handle: () => {} }), { name: "quiet" });
    ref.stop();
    await settle();
    expect(ref.tryTell("hello")).toBe(false);
    expect(lines).toEqual([`dead letter (stopped): to quiet#${ref.id}: "hello"`]);
  });
});

describe("weak refs", () => {
  it("upgrade() gives the ref while the actor lives, and nothing once it ended", async () => {
    const { system } = fixture();
    const ref = system.spawn<number, number>(() => ({ handle: (m) => m }), { name: "w" });
    const weak = ref.downgrade();
    expect(weak.id).toBe(ref.id);
    expect(weak.name).toBe("w");
    expect(weak.upgrade()).toBe(ref);
    expect(await weak.upgrade()!.ask(4)).toBe(4);
    ref.stop();
    await ref.join();
    expect(weak.upgrade()).toBeUndefined();
    expect(weak.isAlive).toBe(false);
  });
});

describe("per-actor metrics", () => {
  it("messages handled, mean / max handler time, mailbox high-water mark", async () => {
    const { system } = fixture();
    const gate = new Gate();
    const ref = system.spawn<string, void>(
      () => ({
        *handle(m: string) {
          if (m === "hold") yield* gate;
        },
      }),
      { metrics: true },
    );
    ref.tell("hold");
    await settle();
    for (let i = 0; i < 5; i++) ref.tell("m");
    expect(ref.metrics()!.mailboxHighWater).toBe(5);
    gate.open();
    await settle();
    const m = ref.metrics()!;
    expect(m.messages).toBe(6);
    expect(m.maxHandlerMs).toBeGreaterThanOrEqual(m.meanHandlerMs);
    expect(m.meanHandlerMs).toBeGreaterThan(0);
    expect(m.mailboxHighWater).toBe(5);
  });

  it("off unless asked for", () => {
    const { system } = fixture();
    expect(system.spawn(() => ({ handle: () => {} })).metrics()).toBeUndefined();
  });
});

describe("ask deadlock detection", () => {
  it("A asks B while B is asking A: fails at once with Deadlock naming the cycle", async () => {
    const { system } = fixture({ deadlockDetection: true });
    let a: ActorRef<string, string> | null = null;
    const b = system.spawn<string, string>(
      () => ({
        *handle(m: string) {
          return (yield* a!.ask(`from b: ${m}`)) as string;
        },
      }),
      { name: "B" },
    );
    a = system.spawn<string, string>(
      () => ({
        *handle(m: string) {
          if (m.startsWith("from b")) return "a answers";
          return (yield* b.ask(m)) as string;
        },
      }),
      { name: "A" },
    );
    // A (handling "go") asks B; B's handler asks A, which is waiting for B: a cycle.
    const answer = a.ask("go").then(
      (v) => v,
      (e) => e,
    );
    const e = await answer;
    expect(e).toBeInstanceOf(Deadlock);
    expect((e as Deadlock).cycle).toEqual(["B", "A"]);
    expect(system.deadlocks!.edges).toBe(0); // every edge left with its ask
  });

  it("an actor asking itself fails at once", async () => {
    const { system } = fixture({ deadlockDetection: true });
    const ref = system.spawn<string, string>(
      () => ({
        *handle(m: string, ctx) {
          if (m === "inner") return "never";
          return (yield* ctx.self.ask("inner")) as string;
        },
      }),
      { name: "selfish" },
    );
    const e = await ref.ask("outer").then(
      () => null,
      (err) => err,
    );
    expect(e).toBeInstanceOf(Deadlock);
    expect((e as Error).message).toBe("ask deadlock: selfish → selfish");
  });

  it("off by default: the self-ask hangs until its timeout", async () => {
    const { system, timers } = fixture();
    const ref = system.spawn<string, string>(() => ({
      *handle(m: string, ctx) {
        if (m === "inner") return "never";
        return (yield* ctx.self.ask("inner", 50)) as string;
      },
    }));
    const p = ref.ask("outer", 1000).then(
      () => null,
      (err) => err,
    );
    await settle();
    timers.advance(50);
    expect(await p).toBeInstanceOf(RequestTimeout);
  });

  it("asks that do not close a cycle go through, and leave no edges", async () => {
    const { system } = fixture({ deadlockDetection: true });
    const leaf = system.spawn<number, number>(() => ({ handle: (n) => n + 1 }));
    const mid = system.spawn<number, number>(() => ({
      *handle(n: number) {
        return (yield* leaf.ask(n)) as number;
      },
    }));
    expect(await mid.ask(1)).toBe(2);
    expect(system.deadlocks!.edges).toBe(0);
  });
});

describe("priority lane", () => {
  it("tellPriority is handled before the normal backlog", async () => {
    const { system } = fixture();
    const gate = new Gate();
    const seen: string[] = [];
    const ref = system.spawn<string, void>(() => ({
      *handle(m: string) {
        seen.push(m);
        if (m === "hold") yield* gate;
      },
    }));
    ref.tell("hold");
    await settle();
    ref.tell("n1");
    ref.tell("n2");
    ref.tellPriority("p1");
    ref.tellPriority("p2");
    gate.open();
    await settle();
    expect(seen).toEqual(["hold", "p1", "p2", "n1", "n2"]);
  });
});

describe("an idle actor pays only for what it uses", () => {
  // `lab bench actors --case spawn` measures the bytes; this guards the layout that
  // keeps them low: the rarely used parts (actor-extras.ts) are built on first use.
  const extrasOf = (ref: unknown) => (ref as { extras: unknown }).extras;

  it("tell, ask and stop build none of the rarely used parts; a timer or a child builds them", async () => {
    const { system } = fixture();
    let sum = 0;
    const plain = system.spawn<number | "get", number>(() => ({
      handle: (m) => (m === "get" ? sum : ((sum += m), 0)),
    }));
    plain.tell(2);
    expect(await plain.ask("get")).toBe(2);
    expect(extrasOf(plain)).toBeNull();
    plain.stop();
    expect(await plain.join()).toEqual({ kind: "completed", killed: false });
    expect(extrasOf(plain)).toBeNull();

    const parent = system.spawn<"child" | "timer", number>(() => ({
      handle: (m, ctx) => {
        if (m === "child") ctx.spawn(() => ({ handle: () => {} }));
        else ctx.sendAfter("timer", 1_000);
        return 0;
      },
    }));
    await parent.ask("child");
    expect(extrasOf(parent)).not.toBeNull();
    const timed = system.spawn<"child" | "timer", number>(() => ({ handle: (m, ctx) => (ctx.sendAfter(m, 1_000), 0) }));
    await timed.ask("timer");
    expect(extrasOf(timed)).not.toBeNull();
    parent.kill();
    timed.kill();
    await parent.join();
    await timed.join();
  });
});
