/**
 * The interactive heater in a real terminal (`script` gives it a pseudo-terminal, so
 * raw mode is on): Ctrl-C arrives as a key, not a signal, and must still end the run
 * like every other command — exit 130, through the supervisor, as a person runs `lab`.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
/** Generous: two Node start-ups on a loaded 2-core machine can take seconds. */
const DEADLINE_MS = 15_000;

it.skipIf(!hasScript)(
  "Ctrl-C in the interactive heater exits 130",
  async () => {
    const cmd = `'${process.execPath}' dist/bin/lab.js ch6 heater --interactive --no-color`;
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const end = Date.now() + DEADLINE_MS;
      while (!output.includes("(+/- desired, q quits)")) {
        if (Date.now() > end) throw new Error(`the display never appeared:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.stdin.write("\x03");
      const code = await Promise.race([
        exited,
        new Promise<"timeout">((r) => setTimeout(() => r("timeout"), DEADLINE_MS)),
      ]);
      expect(code).toBe(130);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  },
  40_000,
);
