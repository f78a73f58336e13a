import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("timers are cancelled on stop: the process exits by itself", () => {
  const fixture = fileURLToPath(new URL("./fixtures/actor-timers-exit.ts", import.meta.url));
  const out = execFileSync(process.execPath, ["--import", "tsx", fixture], { encoding: "utf8", timeout: 15_000 });
  expect(JSON.parse(out.trim())).toEqual({ exit: { kind: "completed", killed: false }, ticks: 3 });
});
