/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty
 * project with production dependencies only, and use it there — the `lab` command
 * through npx, the library from ESM and from CommonJS, and its declarations from a
 * strict TypeScript project with ordinary settings.
 *
 * Needs the build (`npm test` builds first) and the npm registry for the runtime
 * dependencies (chalk, cli-table3, commander, tinybench) and @types/node.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const consumerFiles = join(root, "test", "consumer");
let dir = "";

function sh(cmd: string, args: string[], cwd = dir): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 240_000,
    env: { ...process.env, NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false" },
  });
}

beforeAll(() => {
  expect(existsSync(join(root, "dist", "bin", "lab.js")), "run `npm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "async-lab-consumer-"));
  // --ignore-scripts: `prepare` would rebuild; the tests run against the build just made.
  const pack = sh("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], root);
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = join(dir, pack.stdout.trim().split("\n").pop()!);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const install = sh("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", tarball, "@types/node@20.19.43"]);
  expect(install.status, install.stderr).toBe(0);
  for (const f of readdirSync(consumerFiles)) copyFileSync(join(consumerFiles, f), join(dir, f));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed package, installed with production dependencies only", () => {
  it("has none of the bench peers", () => {
    for (const peer of [
      "xstate",
      "nact",
      "rxjs",
      "mitt",
      "piscina",
      "tinypool",
      "poolifier",
      "workerpool",
      "autocannon",
      "effect",
      "vitest",
    ]) {
      expect(existsSync(join(dir, "node_modules", peer)), peer).toBe(false);
    }
  });

  it("npx lab list, lab ch2 --json and lab ch3 run", () => {
    const list = sh("npx", ["--no-install", "lab", "list"]);
    expect(list.stderr).toBe("");
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ch2 {2}/m);
    expect(list.stdout).toMatch(/^ {2}executor /m);

    const ch2 = sh("npx", ["--no-install", "lab", "ch2", "--json"]);
    expect(ch2.status, ch2.stderr).toBe(0);
    const out = JSON.parse(ch2.stdout) as { chapter: string; experiments: { id: string }[] };
    expect(out.chapter).toBe("ch2");
    expect(out.experiments.map((e) => e.id)).toContain("coffee");

    const ch3 = sh("npx", ["--no-install", "lab", "ch3"]);
    expect(ch3.status, ch3.stderr).toBe(0);
    expect(ch3.stdout).toContain("driver sim");
  }, 240_000);

  it("lab bench without its peers: one line per missing peer, and the rows it can measure", () => {
    const r = sh("npx", ["--no-install", "lab", "bench", "bus", "--case", "fanout-1", "--time", "20", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual([
      "peer 'rxjs' is not installed; its rows are skipped (npm install rxjs to compare with it)",
      "peer 'mitt' is not installed; its rows are skipped (npm install mitt to compare with it)",
    ]);
    const rows = (JSON.parse(r.stdout) as { rows: { subject: string }[] }).rows;
    expect(rows.map((row) => row.subject)).toEqual(["async-lab", "native"]);
  }, 120_000);

  it("imports from ESM and requires from CommonJS, both entries", () => {
    const esm = sh(process.execPath, ["esm.mjs"]);
    expect(esm.stderr).toBe("");
    expect(esm.stdout.trim()).toBe('[1,"esm"] function');
    const cjs = sh(process.execPath, ["cjs.cjs"]);
    expect(cjs.stderr).toBe("");
    expect(cjs.stdout.trim()).toBe('[2,"cjs"] function');
  });

  it("its declarations infer result types in a strict nodenext / es2022 consumer (no esnext.disposable)", () => {
    const tsc = sh(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);

  it("strips @internal members from its declarations", () => {
    const dts = (file: string) => readFileSync(join(dir, "node_modules", "async-lab", "dist", "src", file), "utf8");
    expect(dts("runtime/cost.d.ts")).not.toContain("setCostSink");
    expect(dts("futures/mutex.d.ts")).not.toContain("acquireFor");
    expect(dts("reactive/event-bus.d.ts")).not.toContain("fullBlockers");
    // …but keeps what an interface the class implements requires.
    expect(dts("runtime/live-runtime.d.ts")).toMatch(/^\s+schedule\(/m);
  });
});
