import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorContext, ActorRef } from "../src/actors/actor.js";
import { Escalated } from "../src/actors/errors.js";
import { RestartPolicy, type SupervisionOptions } from "../src/actors/supervision.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";

type Cmd = "crash" | "count";

/** A parent that spawns children a, b, c (in that order); each counts messages and records its starts. */
function family(supervision: SupervisionOptions) {
  const timers = new FakeTimers();
  const system = new ActorSystem({ timers });
  const starts: string[] = [];
  const children: Record<string, ActorRef<Cmd, number>> = {};
  const parent = system.spawn<string>(
    () => ({
      started(ctx: ActorContext<string>) {
        for (const name of ["a", "b", "c"]) {
          children[name] = ctx.spawn<Cmd, number>(
            () => {
              let count = 0;
              return {
                started: () => void starts.push(`${name}@${ctx.now()}`),
                handle: (m: Cmd) => {
                  if (m === "crash") throw new Error(`${name} crashed`);
                  return ++count;
                },
              };
            },
            { name },
          );
        }
      },
      handle() {},
    }),
    { name: "parent", supervision },
  );
  return { timers, system, starts, children, parent };
}

describe("supervision strategies", () => {
  it("one-for-one restarts only the failed child, with fresh state; the address stays valid", async () => {
    const f = family({ strategy: "one-for-one" });
    await settle();
    await f.children.a!.ask("count");
    await f.children.b!.ask("count");
    expect(await f.children.b!.ask("count")).toBe(2);
    await expect(f.children.b!.ask("crash")).rejects.toThrow("b crashed");
    expect(await f.children.b!.ask("count")).toBe(1); // fresh state
    expect(await f.children.a!.ask("count")).toBe(2); // untouched
    expect(f.starts).toEqual(["a@0", "b@0", "c@0", "b@0"]);
    f.parent.kill();
  });

  it("one-for-all restarts every child", async () => {
    const f = family({ strategy: "one-for-all" });
    await settle();
    await f.children.a!.ask("count");
    await expect(f.children.b!.ask("crash")).rejects.toThrow();
    await settle();
    expect(await f.children.a!.ask("count")).toBe(1);
    expect(f.starts.slice(3).sort()).toEqual(["a@0", "b@0", "c@0"]);
    f.parent.kill();
  });

  it("rest-for-one restarts the failed child and those spawned after it", async () => {
    const f = family({ strategy: "rest-for-one" });
    await settle();
    await f.children.a!.ask("count");
    await f.children.c!.ask("count");
    await expect(f.children.b!.ask("crash")).rejects.toThrow();
    await settle();
    expect(await f.children.a!.ask("count")).toBe(2);
    expect(await f.children.c!.ask("count")).toBe(1);
    expect(f.starts.slice(3).sort()).toEqual(["b@0", "c@0"]);
    f.parent.kill();
  });

  it("stop ends the child with the failure; resume keeps its state", async () => {
    const stop = family({ directive: "stop" });
    await settle();
    await expect(stop.children.a!.ask("crash")).rejects.toThrow();
    expect(await stop.children.a!.join()).toMatchObject({ kind: "failed", phase: "handle" });
    stop.parent.kill();
    const resume = family({ directive: "resume" });
    await settle();
    await resume.children.a!.ask("count");
    await expect(resume.children.a!.ask("crash")).rejects.toThrow();
    expect(await resume.children.a!.ask("count")).toBe(2);
    resume.parent.kill();
  });

  it("escalate fails the parent, which kills its other children", async () => {
    const f = family({ directive: "escalate" });
    await settle();
    await expect(f.children.a!.ask("crash")).rejects.toThrow();
    const exit = await f.parent.join();
    expect(exit.kind).toBe("failed");
    expect(exit.kind === "failed" && exit.error).toBeInstanceOf(Escalated);
    expect(await f.children.b!.join()).toEqual({ kind: "completed", killed: true });
  });

  it("restart intensity: the 4th crash within the window escalates (max 3 in 1000 ms)", async () => {
    const f = family({ maxRestarts: 3, withinMs: 1000 });
    await settle();
    for (let i = 0; i < 3; i++) await expect(f.children.a!.ask("crash")).rejects.toThrow();
    await settle();
    expect(f.parent.isAlive).toBe(true);
    await expect(f.children.a!.ask("crash")).rejects.toThrow();
    expect(await f.parent.join()).toMatchObject({ kind: "failed" });
  });

  it("restarts outside the window do not count", async () => {
    const f = family({ maxRestarts: 1, withinMs: 1000 });
    await settle();
    await expect(f.children.a!.ask("crash")).rejects.toThrow();
    f.timers.advance(1000);
    await settle();
    await expect(f.children.a!.ask("crash")).rejects.toThrow();
    await settle();
    expect(f.parent.isAlive).toBe(true);
    f.parent.kill();
  });

  it("backoff: restarts wait 100, 200, 400 ms on the fake clock", async () => {
    const f = family({ maxRestarts: 5, withinMs: 60_000, backoff: { initialMs: 100, factor: 2 } });
    await settle();
    for (const wait of [100, 200, 400]) {
      const before = f.starts.length;
      await expect(f.children.a!.ask("crash")).rejects.toThrow();
      await settle();
      f.timers.advance(wait - 1);
      await settle();
      expect(f.starts.length).toBe(before); // still backing off
      f.timers.advance(1);
      await settle();
      expect(f.starts.length).toBe(before + 1);
    }
    expect(f.starts.slice(3)).toEqual(["a@100", "a@300", "a@700"]);
    f.parent.kill();
  });
});

describe("RestartPolicy", () => {
  it("computes backoff with a cap and escalates past the intensity", () => {
    const p = new RestartPolicy({ maxRestarts: 3, withinMs: 100, backoff: { initialMs: 10, factor: 3, maxMs: 50 } });
    expect([0, 1, 2, 3].map((t) => p.decide(new Error(), "x", t))).toEqual([
      { directive: "restart", delayMs: 10 },
      { directive: "restart", delayMs: 30 },
      { directive: "restart", delayMs: 50 },
      { directive: "escalate", delayMs: 0 },
    ]);
    expect(() => new RestartPolicy({ withinMs: 0 })).toThrow(RangeError);
  });
});
