/**
 * The thread backend (issue 15 §2): an actor on its own worker thread behind the
 * same ActorRef API; blocking calls from other workers; the slow-poll counter.
 */
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import { spawnThreadActor } from "../src/actors/thread/thread-actor.js";
import { BlockingActorRef } from "../src/actors/thread/blocking.js";
import { startModuleWorker, workerResult } from "../src/runtime/module-worker.js";
import type { ActorRef } from "../src/actors/actor.js";

const fixtures = new URL("./fixtures/thread-actors.ts", import.meta.url);

describe("thread backend", () => {
  it("same ActorRef API: tell, send, ask, handler errors, stop, join", async () => {
    const ref: ActorRef<number | "get" | "fail", number> = spawnThreadActor(fixtures, "counter", {
      name: "t-counter",
      supervision: { directive: "resume" },
    });
    ref.tell(1);
    await ref.send(2);
    expect(await ref.ask(3)).toBe(6);
    expect(await ref.ask("get")).toBe(6);
    const err = await ref.ask("fail").then(
      () => null,
      (e) => e,
    );
    expect(err).toMatchObject({ name: "RemoteError", kind: "handler" });
    expect(await ref.ask("get")).toBe(6); // resume: state kept
    expect(ref.isAlive).toBe(true);
    ref.stop();
    expect(await ref.join()).toEqual({ kind: "completed", killed: false });
    expect(ref.isAlive).toBe(false);
    expect(() => ref.tell(1)).toThrow(/stopped/);
  });

  it("kill terminates the thread: join says killed", async () => {
    const ref = spawnThreadActor<number, number>(fixtures, "spinner");
    void ref.ask(60_000).then(
      () => {},
      () => {},
    ); // busy for a minute
    await new Promise((r) => setTimeout(r, 50));
    ref.kill();
    expect(await ref.join()).toEqual({ kind: "completed", killed: true });
  });

  it("a CPU-heavy neighbour on a thread does not hold up a main-thread actor; on the main thread it does", async () => {
    for (const where of ["thread", "main"] as const) {
      const system = new ActorSystem({ slowPollMs: 0 });
      const kv = system.spawn<string, string>(() => ({ handle: (k) => `v:${k}` }));
      const neighbour: ActorRef<number, number> =
        where === "thread"
          ? spawnThreadActor<number, number>(fixtures, "spinner")
          : system.spawn<number, number>(() => ({
              handle: (ms) => {
                const start = performance.now();
                while (performance.now() - start < ms) {
                  // burn
                }
                return ms;
              },
            }));
      if (where === "thread") expect(await neighbour.ask(0)).toBeGreaterThanOrEqual(0); // the thread is up
      const events: string[] = [];
      const spin = neighbour.ask(1_500, 60_000).then(() => events.push("neighbour done"));
      await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 20; i++) expect(await kv.ask(`k${i}`)).toBe(`v:k${i}`);
      events.push("20 gets done");
      await spin;
      expect(events).toEqual(
        where === "thread" ? ["20 gets done", "neighbour done"] : ["neighbour done", "20 gets done"],
      );
      neighbour.stop();
      await neighbour.join();
    }
  });

  it("tellBlocking / askBlocking from a worker thread; refused on the main thread", async () => {
    const ref = spawnThreadActor<number | "get", number>(fixtures, "counter");
    const descriptor = ref.blockingClient();
    const worker = startModuleWorker(new URL("./fixtures/blocking-caller.ts", import.meta.url), descriptor, {
      transferList: [descriptor.port],
    });
    const seen = await workerResult<{ sum: number; timedOut: string; after: number }>(worker);
    expect(seen.sum).toBe(12);
    expect(["no", "RequestTimeout"]).toContain(seen.timedOut);
    expect(seen.after).toBe(1012); // the timed-out ask was still delivered; its late answer was discarded
    const local = new BlockingActorRef<number, number>(ref.blockingClient());
    expect(() => local.askBlocking(1)).toThrow(/main thread/);
    local.close();
    ref.stop();
    await ref.join();
  });

  it("a poll over slowPollMs is counted (and logged with verbose)", async () => {
    const lines: string[] = [];
    const system = new ActorSystem({ slowPollMs: 10, verbose: (l) => lines.push(l) });
    const ref = system.spawn<number, void>(
      () => ({
        handle: (ms) => {
          const start = performance.now();
          while (performance.now() - start < ms) {
            // burn
          }
        },
      }),
      { name: "hog" },
    );
    await ref.ask(30);
    expect(system.slowPolls).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => l.startsWith(`slow poll: actor hog#${ref.id} held its thread for`))).toBe(true);
  });
});
