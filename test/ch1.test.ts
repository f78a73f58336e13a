/**
 * lab ch1 through its API: real PIDs, real signals, real pipes, real threads.
 * Structure and values only — no wall-clock assertions.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runHttp } from "../src/labs/ch1/http-requests.js";
import { ECHO_LINES, runEcho, runKill } from "../src/labs/ch1/process-interaction.js";
import { INCREMENTS, runCondvar, runCounters } from "../src/labs/ch1/shared-memory.js";
import { EDITS, INITIAL_CONTENTS, MIN_POLL_MS, runFileWatcher } from "../src/labs/ch1/file-watcher.js";
import { runOutOfOrder } from "../src/labs/ch1/out-of-order.js";
import { runStress, STRESS_THREADS } from "../src/labs/ch1/stress.js";
import { MIN_TASK_MS, runTenTasks } from "../src/labs/ch1/ten-tasks.js";
import { chapters } from "../src/labs/index.js";
import type { LabOptions } from "../src/labs/types.js";

const CH1_IDS = ["stress", "http", "tasks", "fib-threads", "processes", "threads", "file-watcher", "out-of-order"];
const opts: LabOptions = {
  seed: 1,
  timeScale: 0.01,
  driver: "sim",
  extra: {},
  log: () => {},
  signal: new AbortController().signal,
};

describe("lab ch1", () => {
  it("is registered first, before ch2, with its experiments in book order", () => {
    expect(chapters.map((c) => c.id).slice(0, 2)).toEqual(["ch1", "ch2"]);
    expect(chapters[0]!.experiments.map((e) => e.id)).toEqual(CH1_IDS);
  });

  it("E1.1: eight fibonacci(4000) threads use more CPU time than the idle window, and are all terminated", async () => {
    const run = await runStress(opts);
    expect(run.threads).toBe(STRESS_THREADS);
    expect(run.stress.cpuMs).toBeGreaterThan(run.idle.cpuMs);
    expect(run.stress.processPct).toBeGreaterThan(run.idle.processPct);
    expect(run.exitCodes).toEqual(Array(STRESS_THREADS).fill(1)); // 1 = stopped by terminate(), not finished
    expect(run.lines).toHaveLength(STRESS_THREADS);
  });

  it(
    "E1.2-4: four requests, sequential on one keep-alive connection, joined " + "on four; every answer in order",
    async () => {
      const run = await runHttp();
      expect(run.ids).toEqual({ one: [1], sequential: [1, 2, 3, 4], joined: [1, 2, 3, 4] });
      expect(run.served).toBe(10); // an untimed warm-up + 1 + 4 + 4
      expect(run.connections).toEqual({ one: 1, sequential: 1, joined: 4 });
    },
  );

  it(
    "E1.5/6: ten tasks four ways, two workloads; processes are two real children with 5 tasks each",
    { timeout: 90_000 },
    async () => {
      const run = await runTenTasks(opts);
      expect(run.taskMs).toBe(Math.max(MIN_TASK_MS, 10));
      expect(run.work.reps).toBeGreaterThan(0);
      expect(run.results.map((r) => `${r.kind}/${r.variant}`)).toEqual([
        "sleep/sequential",
        "sleep/processes",
        "sleep/threads",
        "sleep/async",
        "cpu/sequential",
        "cpu/processes",
        "cpu/threads",
        "cpu/async",
      ]);
      for (const r of run.results) {
        expect(r.perUnit.reduce((a, b) => a + b, 0)).toBe(10);
        expect(r.ms).toBeGreaterThan(0);
      }
      for (const r of run.results.filter((x) => x.variant === "processes")) {
        const [a, b] = r.units.map(Number);
        expect(a).not.toBe(b);
        expect([a, b]).not.toContain(process.pid);
        expect(r.perUnit).toEqual([5, 5]);
        // Tasks 1-5 ran in the first child, 6-10 in the second (the book's `task 1` / `task 6`).
        for (let n = 1; n <= 10; n++) expect(r.lines).toContain(`Task ${n} completed in process: ${n <= 5 ? a : b}`);
        expect(r.lines!.at(-1)).toBe("Both processes have completed.");
        expect(r.workedMs).toBeGreaterThan(0);
      }
      for (const r of run.results.filter((x) => x.variant === "threads"))
        expect(r.units).toEqual(["worker 0", "worker 1"]);
      expect(run.sequentialPrintout).toEqual(Array(10).fill("Running task..."));
    },
  );

  it("E1.7: a looping child is ended by SIGTERM (signal 15), after printing its own PID", async () => {
    const run = await runKill(opts);
    expect(run.pid).not.toBe(process.pid);
    expect(run.status).toEqual({ code: null, signal: "SIGTERM" });
    expect(run.signalNumber).toBe(15);
    expect(run.lines[0]).toBe(`Child process spawned with PID: ${run.pid}`);
    expect(run.lines.filter((l) => l === `Child process ID: ${run.pid}`).length).toBeGreaterThanOrEqual(2);
    expect(run.lines.at(-1)).toBe("Child process terminated with status: signal: 15 (SIGTERM)");
  });

  it("E1.8: a child echoes every stdin line over stdout and exits 0 at EOF", async () => {
    const run = await runEcho();
    expect(run.pid).not.toBe(process.pid);
    expect(run.lines).toEqual([`process ID: ${run.pid}`, ...ECHO_LINES.map((l) => `Received: ${l}`)]);
    expect(run.status).toEqual({ code: 0, signal: null });
  });

  it("E1.10: the listener thread receives every value the updater thread sets, in order", async () => {
    const run = await runCondvar(opts);
    expect(run.lines).toEqual([
      "Updating value to false...",
      "Received value: false",
      "Updating value to true...",
      "Received value: true",
      "Updating value to false...",
      "Received value: false",
      "Updating value to true...",
      "Received value: true",
      "STOP has been updated",
    ]);
  });

  it("counters: exact under the mutex and with Atomics.add; never more than expected without a lock", async () => {
    const rows = await runCounters();
    expect(rows.map((r) => r.how)).toEqual(["racy", "locked", "atomic"]);
    for (const r of rows) expect(r.expected).toBe(2 * INCREMENTS);
    expect(rows[1]!.final).toBe(2 * INCREMENTS);
    expect(rows[2]!.final).toBe(2 * INCREMENTS);
    // Without the lock updates can only be lost, never invented (how many are lost varies run to run).
    expect(rows[0]!.final).toBeLessThanOrEqual(2 * INCREMENTS);
    expect(rows[0]!.final).toBeGreaterThan(0);
  });

  it(
    "E1.11: main prints the initial contents, then every edit exactly as " +
      "written, each detected after its write; temp dir removed",
    async () => {
      const run = await runFileWatcher(opts);
      expect(run.pollMs).toBe(MIN_POLL_MS);
      expect(run.lines).toEqual([INITIAL_CONTENTS, ...EDITS]);
      expect(run.detections.map((d) => d.contents)).toEqual(run.lines);
      expect(run.detections[0]!.writtenAt).toBe(null);
      for (const d of run.detections.slice(1)) expect(d.detectedAt).toBeGreaterThan(d.writtenAt!);
      // One stat() on the first look, and at least one more per edit.
      expect(run.detections[0]!.statCalls).toBe(1);
      for (let i = 1; i < run.detections.length; i++)
        expect(run.detections[i]!.statCalls).toBeGreaterThan(run.detections[i - 1]!.statCalls);
      expect(existsSync(run.dir)).toBe(false);
    },
  );

  it(
    "E1.12: joined, the 1 s login line prints before the 5 s fetch started " +
      "first; awaited in turn, the code's order",
    async () => {
      const run = await runOutOfOrder(opts);
      expect(run.bookSecondMs).toBe(20); // the floor: 10 ms (time scale 0.01) is below it
      const [joined, inTurn] = run.runs;
      const fetched = expect.stringMatching(
        /^Fetched Ok\(Response \{ url: "http:\/\/127\.0\.0\.1:\d+\/delay\/5", args: Object \{\} \}\)$/,
      );
      expect(joined!.how).toBe("joined");
      expect(joined!.lines.map((l) => l.line)).toEqual(["Logged in 2 days ago", fetched]);
      expect(inTurn!.how).toBe("awaited in turn");
      expect(inTurn!.lines.map((l) => l.line)).toEqual([fetched, "Logged in 2 days ago"]);
    },
  );

  it(
    "the whole chapter runs and the process exits by itself (no leaked pool, server, child or timer)",
    { timeout: 180_000 },
    () => {
      const fixture = fileURLToPath(new URL("./fixtures/ch1-exit.ts", import.meta.url));
      const r = spawnSync(process.execPath, ["--import", "tsx", fixture], { encoding: "utf8", timeout: 170_000 });
      expect(r.signal).toBe(null);
      expect(r.status).toBe(0);
      expect(
        r.stdout
          .trim()
          .split(" ")
          .map((s) => s.split(":")[0]),
      ).toEqual(CH1_IDS);
      expect(r.stdout).toContain("tasks:table+book+text+notice");
    },
  );
});
