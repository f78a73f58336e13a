/**
 * Acceptance 2 of issue 7: the interactive heater driven in a real terminal. `script`
 * (util-linux) gives the lab a pseudo-terminal, so stdin/stdout are TTYs, raw mode is
 * on and keys arrive one by one, exactly as a person typing. We read the screen the
 * program draws and poll it for the expected text (no fixed sleeps).
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
/** Generous: a tsx start on a loaded 2-core machine can take seconds. */
const DEADLINE_MS = 12_000;
const CLEAR = "\x1b[2J";

it.skipIf(!hasScript)("keys move the desired temperature on screen; q exits 0", async () => {
  const cmd = `'${process.execPath}' --import tsx bin/lab.ts ch6 heater --interactive --no-color`;
  const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  /** The last full screen drawn (the display clears before each redraw). */
  const screen = (): string => {
    const at = output.lastIndexOf(CLEAR);
    const rest = at < 0 ? "" : output.slice(at + CLEAR.length);
    return rest.includes("(+/- desired, q quits)") ? rest : "";
  };
  const waitForScreen = async (...parts: string[]): Promise<string> => {
    const end = Date.now() + DEADLINE_MS;
    for (;;) {
      const s = screen();
      if (parts.every((p) => s.includes(p))) return s;
      if (Date.now() > end) throw new Error(`screen never showed ${JSON.stringify(parts)}; last screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    await waitForScreen("Desired Temp: 21.00", "Input: \r\n");
    child.stdin.write("+");
    await waitForScreen("Desired Temp: 21.10", "Input: +\r\n");
    child.stdin.write("+");
    await waitForScreen("Desired Temp: 21.20", "Input: ++\r\n");
    child.stdin.write("-");
    const s = await waitForScreen("Desired Temp: 21.10", "Input: ++-\r\n");
    expect(s).toMatch(/Temperature: \d\d\.\d\d\r\n/);
    child.stdin.write("x"); // not a command key: ignored, nothing recorded
    child.stdin.write("q");
    const code = await Promise.race([
      exited,
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), DEADLINE_MS)),
    ]);
    expect(code).toBe(0);
    expect(output).toContain("interactive session ended");
    expect(output).not.toContain("Input: ++-x");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
