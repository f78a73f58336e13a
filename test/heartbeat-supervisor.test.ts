// E8.6 pieces: the heartbeat supervisor on a fake clock, and the router's resets on the sim driver
// (virtual time: exact, no wall clock).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActorSystem, SimRuntime, sleep, type Co } from "../src/index.js";
import { HeartbeatSupervisor } from "../src/labs/ch8/heartbeat-supervisor.js";
import { JsonFileStore } from "../src/labs/ch8/json-file-store.js";
import { KvClient } from "../src/labs/ch8/kv-client.js";
import { debugOption } from "../src/labs/ch8/messages.js";
import { startKvSystem } from "../src/labs/ch8/router.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";

describe("HeartbeatSupervisor", () => {
  it("reports the first actor silent longer than the cut-off, once, then waits for fresh heartbeats", async () => {
    const timers = new FakeTimers();
    const system = new ActorSystem({ timers });
    const silent: [string, number][] = [];
    const ref = system.spawn(
      () =>
        new HeartbeatSupervisor<string>({
          checkEveryMs: 200,
          cutoffMs: 500,
          onSilent: (a, ms) => silent.push([a, ms]),
        }),
    );
    ref.tell({ kind: "beat", from: "kv" });
    ref.tell({ kind: "beat", from: "writer" });
    await settle();
    timers.advance(300); // the check due at 200 runs once the actor is polled, at 300: writer silent 300 ms
    await settle();
    ref.tell({ kind: "beat", from: "kv" }); // kv beats at 300, the writer stays silent since 0
    timers.advance(100); // check at 400: writer silent 400 ms, under the cut-off
    await settle();
    expect(silent).toEqual([]);
    timers.advance(200); // check at 600: writer silent 600 ms
    await settle();
    expect(silent).toEqual([["writer", 600]]);
    timers.advance(2_000); // entries were cleared: no heartbeat, no second reset
    await settle();
    expect(silent).toEqual([["writer", 600]]);
    ref.kill();
    await ref.join();
  });
});

describe("router resets (sim driver)", () => {
  let dir = "";
  beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-router-test-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const world = new TextEncoder().encode("world");

  function setup() {
    const sim = new SimRuntime({ seed: 1 });
    const system = new ActorSystem({ runtime: sim });
    const file = path.join(dir, "data.json");
    fs.writeFileSync(file, "{}");
    const lines: string[] = [];
    const router = startKvSystem(system, {
      openStore: () => new JsonFileStore(file),
      heartbeat: { everyMs: 200, cutoffMs: 500, resetPauseMs: 100 },
      log: (l) => lines.push(`${Math.round(sim.timers.now())} ${l}`),
    });
    return { sim, system, router, lines, kv: new KvClient(router) };
  }

  it(
    "a stalled writer is reset by the supervisor; a get sent during the " + "router's pause is answered right after it",
    () => {
      const { sim, router, lines, kv } = setup();
      const answers: string[] = [];
      function* main(): Co<void> {
        yield* kv.set("hello", world);
        yield* sleep(250);
        router.tell({ route: "stall", actor: "writer", ms: 5_000 }); // last writer beat was at 200
        yield* sleep(550); // the supervisor checks at 800: silent 600 > 500 → reset, router pauses until 900
        const sent = sim.timers.now();
        const value = yield* kv.get("hello");
        answers.push(`${Math.round(sent)} → ${Math.round(sim.timers.now())}: ${debugOption(value)}`);
        router.stop();
        yield* router.join();
      }
      sim.blockOn(main());
      expect(lines.map((l) => l.replace(/\{.*\}/, "{…}"))).toEqual([
        "0 Starting key_value_actor",
        "0 Data loaded from file: {…}",
        "800 -- heartbeat supervisor: writer silent for 600 ms, reset --",
        "800 Starting key_value_actor",
        "800 Data loaded from file: {…}",
      ]);
      expect(answers).toEqual(["800 → 900: Some([119, 111, 114, 108, 100])"]);
    },
  );

  it("requests already forwarded to a stuck key-value actor are forwarded again after a reset, in order", () => {
    const { sim, router, kv } = setup();
    const done: string[] = [];
    function* getOne(tag: string): Co<void> {
      const value = yield* kv.get("hello");
      done.push(`${tag}@${Math.round(sim.timers.now())}=${debugOption(value)}`);
    }
    function* main(): Co<void> {
      yield* kv.set("hello", world);
      router.tell({ route: "stall", actor: "key-value", ms: 10_000 }); // the key-value actor hangs in a handler
      const a = sim.spawn(getOne("a"));
      const b = sim.spawn(getOne("b"));
      yield* sleep(50);
      router.tell({ route: "reset", actor: "key-value" }); // manual reset at 50, before the supervisor would
      yield* a;
      yield* b;
      router.stop();
      yield* router.join();
    }
    sim.blockOn(main());
    // Answered by the new actor right after the reset (not at 10 s, not lost), a before b.
    expect(done).toEqual(["a@50=Some([119, 111, 114, 108, 100])", "b@50=Some([119, 111, 114, 108, 100])"]);
  });
});
