import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

function runFixture(name: string): unknown {
  const fixture = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const out = execFileSync(process.execPath, ["--import", "tsx", fixture], { encoding: "utf8", timeout: 15_000 });
  return JSON.parse(out.trim());
}

it("timers are cancelled on stop: the process exits by itself", () => {
  expect(runFixture("actor-timers-exit.ts")).toEqual({ exit: { kind: "completed", killed: false }, ticks: 3 });
});

it("a source is cancelled on stop (its interval cleared): the process exits by itself", () => {
  expect(runFixture("actor-source-exit.ts")).toEqual({ exit: { kind: "completed", killed: false }, ticks: 3 });
});
