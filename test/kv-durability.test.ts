// Acceptance 2 (issue 5): every acknowledged set survives SIGKILL. 20 seeded rounds; each round
// restarts the store, checks what every earlier round acknowledged, pipelines sets and kills the
// process at a seeded random ack. Keys are overwritten (so the log compacts, and kills land in
// compactions too): a key must hold its last acknowledged value or one sent after it — never older.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { seededRandom } from "../src/index.js";

const ROUNDS = 20;
const SETS_PER_ROUND = 100;
const KEYS_PER_ROUND = 25;
const fixture = fileURLToPath(new URL("./fixtures/kv-durable.ts", import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "async-lab-kv-durable-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Start the store; `onLine` sees each stdout line. */
function start(onLine: (line: string, child: ChildProcessWithoutNullStreams) => void): { child: ChildProcessWithoutNullStreams; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dir], { stdio: "pipe" });
  createInterface({ input: child.stdout }).on("line", (line) => onLine(line, child));
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? (stderr && code !== 0 ? `${code}: ${stderr}` as never : code))));
  return { child, exited };
}

it("no acknowledged set is lost to SIGKILL: 20 seeded rounds", async () => {
  const random = seededRandom(20_26);
  /** key → highest acknowledged value (the i of set i). */
  const acked = new Map<string, number>();
  let checkedKeys = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const killAfter = 1 + Math.floor(random() * SETS_PER_ROUND);
    const expected = new Map(acked); // what earlier rounds acknowledged: the dump below must find all of it
    let acks = 0;
    let dumped: Record<string, string | null> | null = null;
    const { child, exited } = start((line, proc) => {
      if (line.startsWith("dump ")) {
        dumped = JSON.parse(line.slice(5));
        if (round === ROUNDS) return void proc.stdin.end();
        // Pipelined: every set at once, the kill lands wherever the seeded ack count says.
        for (let i = 0; i < SETS_PER_ROUND; i++) proc.stdin.write(`set r${round}-k${i % KEYS_PER_ROUND} ${i}\n`);
      } else if (line.startsWith("ack ")) {
        const [, key, value] = line.split(" ");
        acked.set(key!, Math.max(acked.get(key!) ?? -1, Number(value)));
        if (++acks === killAfter) proc.kill("SIGKILL");
      }
    });
    child.stdin.write(`dump ${[...expected.keys()].join(" ")}\n`);
    const how = await exited;
    expect(how).toBe(round === ROUNDS ? 0 : "SIGKILL");
    expect(dumped).not.toBeNull();
    expect(Object.keys(dumped!).sort()).toEqual([...expected.keys()].sort());
    for (const [key, value] of Object.entries(dumped!)) {
      const last = expected.get(key)!;
      expect(value, `key ${key} lost`).not.toBeNull();
      expect(Number(value) % KEYS_PER_ROUND, `key ${key}: a value never sent to it`).toBe(Number(key.split("-k")[1]));
      expect(Number(value), `key ${key} went back to an older value`).toBeGreaterThanOrEqual(last);
      checkedKeys++;
    }
  }
  expect(checkedKeys).toBeGreaterThan(ROUNDS * 5); // the check looked at real keys, not empty dumps
}, 60_000);
