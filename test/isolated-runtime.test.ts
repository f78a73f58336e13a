import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { IsolatedRuntime, IsolatedTimeoutError } from "../src/index.js";

const JOBS = new URL("./fixtures/isolated-jobs.ts", import.meta.url);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("IsolatedRuntime: synchronous entry points over a runtime in a worker (E9.1)", () => {
  const rt = new IsolatedRuntime(JOBS);
  afterAll(() => rt.close());

  it("spawn returns a fresh uuid v4 handle id at once; get blocks and returns the value", () => {
    const id = rt.spawn("add", [1, 2, 20]);
    expect(id).toMatch(UUID_V4);
    expect(rt.get<number>(id)).toBe(3);
  });

  it("several tasks run concurrently in the worker; results come back per id, in the order asked", () => {
    const ids = [10, 20, 30, 40].map((a, i) => rt.spawn("add", [a, i, 30 - i * 5]));
    expect(new Set(ids).size).toBe(4);
    expect(ids.map((id) => rt.get(id))).toEqual([10, 21, 32, 43]);
    // Asked in reverse: each id still yields its own task's value.
    const again = [1, 2, 3].map((a) => rt.spawn("add", [a, a, 5]));
    expect(again.reverse().map((id) => rt.get(id))).toEqual([6, 4, 2]);
  });

  it("a handle is consumed by its get: a second get, or an unknown id, is 'No handle found'", () => {
    const id = rt.spawn("add", [2, 2, 1]);
    expect(rt.get(id)).toBe(4);
    expect(() => rt.get(id)).toThrow("No handle found");
    expect(() => rt.get("not-an-id")).toThrow("No handle found");
  });

  it("an error thrown in the worker's task surfaces synchronously in the caller, name and message kept", () => {
    const id = rt.spawn("fail", [10, "bad input"]);
    let caught: unknown;
    try {
      rt.get(id);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe("RangeError");
    expect((caught as Error).message).toBe("bad input");
    expect((caught as Error).stack).toContain("awaited synchronously in the caller");
    // The runtime survives the failed task.
    expect(rt.get(rt.spawn("add", [5, 5, 1]))).toBe(10);
  });

  it("an unknown job name is reported to the caller", () => {
    expect(() => rt.spawn("nope")).toThrow("no job named 'nope'");
  });

  it("the jobs log lines come back in order, stamped, and are drained once", () => {
    rt.drainLogs();
    rt.get(rt.spawn("add", [7, 8, 5]));
    const lines = rt.drainLogs();
    expect(lines.map((l) => l.line)).toEqual(["starting add 7+8", "finished add 7+8"]);
    expect(lines[1]!.at).toBeGreaterThanOrEqual(lines[0]!.at);
    expect(rt.drainLogs()).toEqual([]);
  });

  it(
    "a get that outlives its timeout throws IsolatedTimeoutError and closes " +
      "the runtime (a late reply must not answer the next call)",
    () => {
      const slow = new IsolatedRuntime(JOBS);
      try {
        const id = slow.spawn("add", [1, 1, 10_000]);
        expect(() => slow.get(id, { timeoutMs: 50 })).toThrow(IsolatedTimeoutError);
        expect(() => slow.spawn("add", [1, 1, 1])).toThrow("isolated runtime is closed");
      } finally {
        slow.close();
      }
    },
  );
});

describe("IsolatedRuntime: a bad jobs module", () => {
  it("a module that cannot be loaded, or exports no jobs, is reported on the first call", () => {
    const missing = new IsolatedRuntime(new URL("./fixtures/no-such-jobs.ts", import.meta.url));
    try {
      expect(() => missing.spawn("add", [1, 2, 1])).toThrow(/no-such-jobs/);
    } finally {
      missing.close();
    }
    const noJobs = new IsolatedRuntime(new URL("./fixtures/isolated-exit-jobless.ts", import.meta.url));
    try {
      expect(() => noJobs.spawn("add")).toThrow("exports no 'jobs'");
    } finally {
      noJobs.close();
    }
  });
});

describe("IsolatedRuntime: process exit", () => {
  it("a synchronous program using it exits by itself, closed or not (the worker is terminated or unref'd)", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/isolated-exit.ts"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["result: 3", "closed", "forgotten: 7"]);
  });
});
