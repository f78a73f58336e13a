/** The CLI and process lifecycle, tested as a person meets them: as subprocesses. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const lab = (...args: string[]) =>
  spawnSync(process.execPath, ["dist/bin/lab.js", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1" },
  });

describe("process lifecycle", () => {
  it("a runtime with nothing left lets the process exit on its own", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/exits.ts"], {
      cwd: root,
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(r.error).toBeUndefined(); // a timeout would show up here
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("finished");
  });
});

describe("lab CLI", () => {
  it("an unknown chapter prints one line naming the valid ones and exits 2", () => {
    const r = lab("nope");
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/unknown chapter or command 'nope' \(valid: list, bench, help, ch1, ch2/);
    expect(r.stdout).toBe("");
  });

  it("an unknown experiment and a bad option value exit 2 with one line", () => {
    const bad = lab("ch2", "nope");
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(
      "lab: unknown experiment 'nope' in ch2 " +
        "(valid: coffee, people, counter, self-referential, timeout, shared-counter, audit-logger)",
    );
    const scale = lab("--time-scale", "-1", "ch2");
    expect(scale.status).toBe(2);
    expect(scale.stderr.trim().split("\n")).toHaveLength(1);
    const driver = lab("--driver", "warp", "list");
    expect(driver.status).toBe(2);
    expect(driver.stderr).toMatch(/sim, live|"sim", "live"/);
    // A chapter's own option, checked by the experiment: still one line and exit 2.
    for (const [args, line] of [
      [
        ["ch8", "router", "--requests", "0"],
        "lab: option '--requests <n>' argument '0' is invalid. must be from 1 to 1000000",
      ],
      [
        ["ch4", "serve", "--port", "99999"],
        "lab: option '--port <n>' argument '99999' is invalid. must be from 0 to 65535",
      ],
    ] as const) {
      const r = lab(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(line);
    }
  });

  it("lab list names every chapter's experiments and the bench suites", () => {
    const r = lab("list", "--json");
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout);
    const ch2 = list.chapters.find((c: { id: string }) => c.id === "ch2");
    expect(ch2.experiments.map((e: { id: string }) => e.id)).toEqual([
      "coffee",
      "people",
      "counter",
      "self-referential",
      "timeout",
      "shared-counter",
      "audit-logger",
    ]);
    expect(list.bench.map((s: { id: string }) => s.id)).toContain("executor");
  });

  it("lab ch2 coffee prints the book's figure beside ours, without colour codes", () => {
    const r = lab("ch2", "coffee", "--no-color");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("It took: 24 seconds");
    expect(r.stdout).toMatch(/It took: \d+\.\d+ book-seconds/);
    // eslint-disable-next-line no-control-regex -- looking for the escape character is the point
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it("lab ch2 --json returns measured numbers that match the book's shape", () => {
    const r = lab("ch2", "coffee", "counter", "--json", "--time-scale", "0.005");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.timeScale).toBe(0.005);
    const coffee = out.experiments[0].blocks.find((b: { kind: string }) => b.kind === "table");
    const [seq, joined, early] = coffee.rows.map((row: number[]) => row[3]);
    // Lower bounds only (blocking sleeps and timers cannot finish early; a loaded
    // machine can only make runs longer): 34 s sequential, 24 s joined, 18 s early-yield.
    expect(seq).toBeGreaterThanOrEqual(33.9);
    expect(joined).toBeGreaterThanOrEqual(23.9);
    expect(early).toBeGreaterThanOrEqual(17.9);
    // The early yield lets kettle and toaster start before the mug blocks: the book's order.
    const printout = out.experiments[0].blocks
      .find((b: { kind: string; title?: string }) => b.kind === "text" && /18 s run/.test(b.title ?? ""))
      .lines.map((l: string) => l.replace(/^\[[^\]]*\] /, ""));
    expect(printout.slice(0, 3)).toEqual(["boiling kettle...", "putting bread in toaster...", "Pouring milk..."]);
    expect(printout.indexOf("Instant coffee put.")).toBeLessThan(printout.indexOf("kettle boiled."));
    const counter = out.experiments[1].blocks.filter((b: { kind: string }) => b.kind === "text");
    expect(counter[0].lines.map((l: string) => l.split(": ").pop())).toEqual(["1", "1", "2", "2", "3", "3"]);
    expect(counter[1].lines).toHaveLength(2);
  });
});
