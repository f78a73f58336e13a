/**
 * Every code example of the README and the doc comments lives in examples/, is
 * type-checked with the tests (tsconfig.test.json) and runs here, as a user would run
 * it: `async-lab` resolves to the built package through its own `exports`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (file: string) =>
  spawnSync(process.execPath, ["--import", "tsx", file], { cwd: root, encoding: "utf8", timeout: 60_000 });

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const readmeBlocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8");

describe("the README's code is the examples' code", () => {
  it("the library page is examples/readme.ts, verbatim", () => {
    expect(example("readme.ts")).toContain(readmeBlocks[0]);
  });

  it("every line of every other README block is in a compiled example", () => {
    const all = ["quickstart.ts", "generator-future.ts", "runtime-builder.ts", "explore.ts"].map(example).join("\n");
    const squash = (line: string) => line.replace(/\/\/.*$/, "").replace(/\s+/g, "");
    const lines = new Set(all.split("\n").map(squash));
    for (const block of readmeBlocks.slice(1)) {
      for (const line of block.split("\n").map(squash).filter(Boolean)) expect(lines, line).toContain(line);
    }
  });
});

describe("examples", () => {
  it("readme: join's typed pair, select's winner, and an actor's reply", () => {
    const r = run("examples/readme.ts");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("'coffee ready after 10 ms'");
    expect(r.stdout.trim().split("\n").pop()).toBe("2 completed");
  });

  it("quickstart: join in argument order, select's winner, timeout, and an actor's tell/ask/restart/stop", () => {
    const r = run("examples/quickstart.ts");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "tea ready after 30 ms",
      "toast ready after 20 ms",
      "coffee ready after 10 ms",
      "timed out, as asked",
      "total 5",
      "after restart 0",
      "ended: completed",
    ]);
  });

  it("generator-future: the cancelled coroutine's finally runs before the race's result is seen", () => {
    const r = run("examples/generator-future.ts");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["cancelled → finally runs", "winner: the 20 ms sleep"]);
  });

  it("explore: pct finds the lost update, shrinks it to 0.1, and the replay repeats it exactly", () => {
    const r = run("examples/explore.ts");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "failure: task main threw: counter 1",
      "replay: 0.1",
      "replay fails the same way: task main threw: counter 1",
      "twice, the same interleaving: true",
    ]);
  });

  it("runtime-builder: the book's 1 s block takes one virtual second on the sim driver", () => {
    const r = run("examples/runtime-builder.ts");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("makespan 1000 virtual ms");
  });
});
