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

const fixture = fileURLToPath(new URL("./fixtures/starve.ts", import.meta.url));

describe.each(["live", "loops"])("the %s driver never starves the event loop", (runtime) => {
  it.each([
    ["promise", "for (;;) yield* fromPromise(Promise.resolve(1)) — woken from a microtask (before: starved both)"],
    ["yield", "a yieldNow loop"],
    ["self-wake", "a future that wakes itself on every poll"],
  ])("%s: %s — a 5 ms setTimeout and a TCP echo still complete", (spinner) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", fixture, runtime, spinner], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ok timer=\S+ms echo=\S+ms\n$/);
    expect(r.status).toBe(0);
  });
});
