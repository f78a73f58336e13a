/**
 * `lab bench` says which machine measured it: ratios between runtimes move with the
 * CPU, so a figure without its machine cannot be compared with another.
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const lab = (...args: string[]) =>
  spawnSync(process.execPath, ["dist/bin/lab.js", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  });

describe("lab bench machine line", () => {
  const here = { cpu: cpus()[0]!.model.trim(), cores: cpus().length, node: process.version };

  it("the JSON carries the CPU model, core count and Node version beside the rows", () => {
    const r = lab("bench", "executor", "--case", "chained_spawn", "--time", "20", "--json");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { suite: string; machine: typeof here; rows: { case: string }[] };
    expect(out.suite).toBe("executor");
    expect(out.machine).toEqual(here);
    expect(out.rows.length).toBeGreaterThan(0);
    expect(out.rows.every((row) => row.case === "chained_spawn")).toBe(true);
  });

  it("the table ends with a footer naming the same machine", () => {
    const r = lab("bench", "executor", "--case", "chained_spawn", "--time", "20");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe(`machine: ${here.cpu} · ${here.cores} cores · Node ${here.node}`);
  });
});
