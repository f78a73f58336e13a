/** The live multi-queue driver: same policies, real time, no leaked handles. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LiveLoopsRuntime, POLICY_NAMES, block, co, sleep, spawn, join } from "../src/index.js";

describe("LiveLoopsRuntime", () => {
  for (const policy of POLICY_NAMES) {
    it(`${policy}: every task ends exactly once, sleeps in real time`, async () => {
      const rt = new LiveLoopsRuntime({
        queues: [
          { name: "high", workers: 2 },
          { name: "low", workers: 1 },
        ],
        policy,
        trace: true,
      });
      const handles = Array.from({ length: 12 }, (_, i) =>
        rt.spawn(
          co(function* () {
            yield* sleep(i % 3);
            return i * 2;
          }),
          { priority: i % 2 ? "high" : "low" },
        ),
      );
      const report = await rt.run();
      expect(report.ended).toBe(12);
      expect(report.live).toBe(0);
      expect(await Promise.all(handles.map((h) => h.toPromise()))).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
      const ends = rt
        .trace!.events.filter((e) => e.kind === "end")
        .map((e) => e.task)
        .sort((a, b) => a - b);
      expect(ends).toEqual(handles.map((h) => h.id));
    });
  }

  it("strict priority: the high loops never poll low tasks", async () => {
    const rt = new LiveLoopsRuntime({
      queues: [
        { name: "high", workers: 2 },
        { name: "low", workers: 1 },
      ],
      policy: "priority",
      trace: true,
    });
    for (let i = 0; i < 9; i++) rt.spawn({ poll: () => (block(0), i) }, { priority: i % 3 === 0 ? "high" : "low" });
    await rt.run();
    for (const e of rt.trace!.events) if (e.kind === "poll-start") expect(e.queue).toBe(rt.layout.homeQueue[e.worker]);
  });

  it("spawn inside a task goes to the same runtime; blockOn rethrows the task's own error", async () => {
    const rt = new LiveLoopsRuntime({ queues: [{ name: "main", workers: 2 }], policy: "fifo" });
    const v = await rt.blockOn(
      co(function* () {
        return yield* join(spawn({ poll: () => 1 }), spawn({ poll: () => 2 }));
      }),
    );
    expect(v).toEqual([1, 2]);
    await expect(
      rt.blockOn({
        poll: () => {
          throw new Error("boom");
        },
      }),
    ).rejects.toThrow("boom");
  });

  it("run(untilMs) and at(t) past Node's 24.8-day timer cap wait, instead of firing after 1 ms", async () => {
    const loops = () => new LiveLoopsRuntime({ queues: [{ name: "main", workers: 1 }], policy: "fifo" });
    // A far run deadline: the run ends when its one callback has run (before: it ended
    // after 1 ms and cancelled the callback).
    const a = loops();
    const ranA: string[] = [];
    a.at(30, () => void ranA.push("at 30 ms"));
    await a.run(3e9);
    expect(ranA).toEqual(["at 30 ms"]);
    // A far callback: not run within a 60 ms run (before: it ran after 1 ms).
    const b = loops();
    const ranB: string[] = [];
    b.at(3e9, () => void ranB.push("at 35 days"));
    await b.run(60);
    expect(ranB).toEqual([]);
  });

  it("a process whose runtime finished exits on its own", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "test/fixtures/live-loops-exit.ts"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(out).toBe("ended 20 live 0\n");
  });
});
