/**
 * The layer rule in eslint.config.js refuses what DESIGN.md forbids and allows what it
 * allows: each case lints one import line as if it sat in the named file.
 */
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: fileURLToPath(new URL("..", import.meta.url)) });

async function refused(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from "${from}";\nexport const y = x;\n`, { filePath: file });
  return result!.messages.some((m) => m.ruleId === "no-restricted-imports");
}

describe("the layer rule", () => {
  it.each([
    ["src/futures/join.ts", "../runtime/task.js"],
    ["src/futures/join.ts", "../actors/actor.js"],
    ["src/futures/join.ts", "../index.js"],
    ["src/runtime/task.ts", "../actors/system.js"],
    ["src/runtime/io/stream.ts", "../../patterns/retry.js"],
    ["src/runtime/sim/sim-runtime.ts", "../../labs/types.js"],
    ["src/actors/actor-cell.ts", "../reactive/event-bus.js"],
    ["src/reactive/heater.ts", "../patterns/virtual-clock.js"],
    ["src/patterns/retry.ts", "../labs/types.js"],
    ["src/index.ts", "./labs/types.js"],
    ["src/labs/ch2.ts", "../runtime/task.js"],
    ["src/labs/ch8/router-lab.ts", "../../actors/system.js"],
    ["src/labs/ch4.ts", "../internals.js"],
  ])(
    "refuses %s importing %s",
    async (file, from) => {
      expect(await refused(file, from)).toBe(true);
    },
    30_000,
  );

  it.each([
    ["src/runtime/task.ts", "../futures/poll.js"],
    ["src/runtime/sim/sim-runtime.ts", "../policy/index.js"],
    ["src/actors/actor-cell.ts", "../runtime/task.js"],
    ["src/labs/ch2.ts", "../index.js"],
    ["src/labs/ch8/router-lab.ts", "../../index.js"],
    ["src/labs/ch8/router-lab.ts", "./kv-config.js"],
    ["src/labs/ch1/work.ts", "../../runtime/blocking.js"],
  ])(
    "allows %s importing %s",
    async (file, from) => {
      expect(await refused(file, from)).toBe(false);
    },
    30_000,
  );
});
