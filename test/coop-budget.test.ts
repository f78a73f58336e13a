/**
 * The live drivers' cooperative budget: a task that wakes itself forever — from a
 * drain, or from a microtask (a resolved promise) — must leave Node's timers and
 * sockets working. Each case runs in its own process (a starved event loop cannot be
 * observed from inside), with a generous deadline: the assertion is "it finished",
 * not how fast.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { co, fromPromise, LiveLoopsRuntime, LiveRuntime, type Co } from "../src/index.js";
import { CLOCK_CHECK_FIRST } from "../src/runtime/config.js";

const fixture = fileURLToPath(new URL("./fixtures/starve.ts", import.meta.url));

describe.each(["live", "loops"])("the %s driver never starves the event loop", (runtime) => {
  it.each([
    ["promise", "for (;;) yield* fromPromise(Promise.resolve(1)) — woken from a microtask (before: starved both)"],
    ["yield", "a yieldNow loop"],
    ["self-wake", "a future that wakes itself on every poll"],
  ])("%s: %s — a 5 ms setTimeout and a TCP echo still complete", (spinner) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", fixture, runtime, spinner], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ok timer=\S+ms echo=\S+ms\n$/);
    expect(r.status).toBe(0);
  });
});

/**
 * How many polls ran between consecutive `setImmediate` turns, sampled at every turn
 * of the event loop until `task` finished: what a budget per macrotask turn bounds.
 */
async function pollsPerImmediate(polls: () => number, task: { readonly finished: boolean }): Promise<number[]> {
  const samples: number[] = [polls()];
  await new Promise<void>((done) => {
    const sample = (): void => {
      samples.push(polls());
      if (task.finished) done();
      else setImmediate(sample);
    };
    setImmediate(sample);
  });
  return samples.slice(1).map((p, i) => p - samples[i]!);
}

describe("one budget per macrotask turn", () => {
  it.each(["live", "loops"])(
    "%s: drains started from microtasks share it — between two immediates " +
      "at most pollBudget polls run (before: every drain started afresh)",
    async (name) => {
      const budget = 8;
      const rt = name === "live" ? new LiveRuntime({ pollBudget: budget }) : new LiveLoopsRuntime();
      const perTurn = name === "live" ? budget : 65_536;
      let polls = 0;
      const total = name === "live" ? 200 : 200_000;
      const spinner = rt.spawn(
        co(function* (): Co<void> {
          // Each await is woken from a microtask, so each poll runs in a drain of its own.
          for (let i = 0; i < total; i++) {
            polls++;
            yield* fromPromise(Promise.resolve(i));
          }
        }),
      );
      const perImmediate = await pollsPerImmediate(() => polls, spinner);
      expect(perImmediate.length).toBeGreaterThan(total / perTurn - 1);
      expect(Math.max(...perImmediate)).toBeLessThanOrEqual(perTurn);
      expect(polls).toBe(total);
    },
  );
});

describe("one time slice per macrotask turn", () => {
  it(
    "live: drains started from microtasks share the slice too — with ~0.3 ms polls, one per drain, " +
      "an immediate gets in at least every CLOCK_CHECK_FIRST polls (the clock is read at poll counts " +
      "across the turn's drains, not at each drain start)",
    async () => {
      const rt = new LiveRuntime(); // default poll budget: only the 2 ms slice can end these turns
      const total = 120;
      let polls = 0;
      const spinner = rt.spawn(
        co(function* (): Co<void> {
          for (let i = 0; i < total; i++) {
            polls++;
            const until = performance.now() + 0.3;
            while (performance.now() < until) {
              // a slow poll
            }
            yield* fromPromise(Promise.resolve(i)); // woken from a microtask: a drain of its own
          }
        }),
      );
      const perImmediate = await pollsPerImmediate(() => polls, spinner);
      expect(polls).toBe(total);
      // 16 polls of ≥ 0.3 ms are past any 2 ms slice by the first clock read; without a
      // shared slice all 120 would run before the first immediate.
      expect(Math.max(...perImmediate)).toBeLessThanOrEqual(CLOCK_CHECK_FIRST);
      expect(perImmediate.filter((n) => n > 0).length).toBeGreaterThanOrEqual(total / CLOCK_CHECK_FIRST);
    },
  );
});
