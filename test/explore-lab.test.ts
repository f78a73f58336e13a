/**
 * `lab explore`'s acceptance, as tests: pct finds each of the five bugs within 1,000
 * schedules for at least 19 of 20 seeds; each fixed version passes every schedule
 * tried (1,000 per strategy here; EXPLORE_SCHEDULES=10000 for the full acceptance run);
 * failures shrink to at most one preemption; and `--replay` reproduces a failure byte
 * for byte.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { explore, replay } from "../src/index.js";
import { BUG_CASES } from "../src/labs/explore/index.js";

/** CPU-bound searches (and subprocesses): generous, so a busy shared machine cannot trip them. */
const SLOW = { timeout: 180_000 };

const FIXED = Number(process.env.EXPLORE_SCHEDULES ?? 1000);
const root = fileURLToPath(new URL("..", import.meta.url));
const lab = (...args: string[]) =>
  spawnSync(process.execPath, ["dist/bin/lab.js", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });

describe.each(BUG_CASES.map((b) => [b.id, b] as const))("lab explore %s", SLOW, (_id, bug) => {
  it("pct finds the bug within 1,000 schedules for at least 19 of 20 seeds", () => {
    let found = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = explore(bug.buggy, { strategy: "pct", depth: bug.depth, seed, schedules: 1000, shrink: false });
      if (r.failure !== null) found++;
    }
    expect(found).toBeGreaterThanOrEqual(19);
  });

  it(
    `the fixed version passes ${FIXED} schedules under pct and random, and ` +
      `the first 3,000 of dfs within 2 preemptions`,
    () => {
      for (const strategy of ["pct", "random"] as const) {
        const r = explore(bug.fixed, { strategy, depth: bug.depth, seed: 7, schedules: FIXED });
        expect(r.failure?.message ?? null).toBeNull();
        expect(r.schedules).toBe(FIXED);
      }
      // Exhaustive for the small ones; the actor program has too many schedules without reduction.
      const d = explore(bug.fixed, { strategy: "dfs", preemptionBound: 2, schedules: 3000 });
      expect(d.failure?.message ?? null).toBeNull();
    },
  );

  it("the failure shrinks to at most one preemption and two decisions, and its replay string reproduces it", () => {
    const r = explore(bug.buggy, { strategy: "pct", depth: bug.depth, seed: 1, schedules: 1000 });
    const f = r.failure!;
    expect(f.preemptions).toBeLessThanOrEqual(1);
    expect(f.shrunk.length).toBeLessThanOrEqual(3);
    const again = replay(bug.buggy, f.replay);
    expect(again.failure).toEqual({ kind: f.kind, message: f.message });
    expect(again.interleaving).toEqual(f.interleaving);
    expect(again.timeline).toEqual(f.timeline);
  });
});

describe("lab explore (CLI)", SLOW, () => {
  it("--replay reproduces the failing schedule byte for byte, run after run", () => {
    const a = lab("explore", "lost-wakeup", "--replay", "0.1");
    const b = lab("explore", "lost-wakeup", "--replay", "0.1");
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/deadlock: .*\(consumer\)/);
    expect(a.stdout).toMatch(/t=0 {2}consumer {2}\(poll 1\)\n {2}t=1 {2}producer/);
    expect(lab("explore", "lost-wakeup", "--replay", "x.y").status).toBe(2);
  });

  it("--file explores a user's .ts module and prints the replay command", () => {
    const r = lab("explore", "file", "--file", "test/fixtures/explore-program.ts", "--strategy", "pct");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/balance is \d+, expected 20/);
    const command = /replay it: lab (explore file --file \S+ --replay (\S+))/.exec(r.stdout)!;
    const replayed = lab(...command[1]!.split(" "));
    expect(replayed.stdout).toMatch(/throw: task main threw: balance is \d+, expected 20/);
    expect(lab("explore", "file").status).toBe(2);
  });
});
