// Issue 12, KV acceptance: 0 acknowledged writes lost, every injected damage reported.
// Seeded rounds of three kinds, on one log:
//  - kill:    pipeline sets, SIGKILL the store at a seeded ack;
//  - corrupt: before the store starts, damage the log (flip a byte, delete / swap / duplicate a
//             line, cut a record short); the store must report the damage at its line, and read
//             back exactly the records before it — never a value the prefix does not hold;
//  - fsize:   once the store runs, lower its file-size limit (`prlimit --pid`, util-linux) so writes
//             come up short and then fail with EFBIG; every set is answered (ack or error), a failed
//             one is never acknowledged, and later writes are not glued onto a fragment.
// Every round starts by checking what the earlier rounds acknowledged. Keys are overwritten (so the
// log compacts, and kills land in compactions too): a key holds its last acknowledged value or one
// sent after it — never older, unless a reported damage cut it off.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { seededRandom } from "../src/index.js";

const ROUNDS = 24;
const SETS_PER_ROUND = 100;
const KEYS_PER_ROUND = 25;
const fixture = fileURLToPath(new URL("./fixtures/kv-durable.ts", import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "async-lab-kv-durable-"));
const log = path.join(dir, "data.log");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const hasPrlimit = (() => {
  try {
    execFileSync("prlimit", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Start the store; `onLine` sees each stdout line. */
function start(onLine: (line: string, child: ChildProcessWithoutNullStreams) => void): {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<NodeJS.Signals | number | string | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dir], { stdio: "pipe" });
  createInterface({ input: child.stdout }).on("line", (line) => onLine(line, child));
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | number | string | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? (stderr && code !== 0 ? `${code}: ${stderr}` : code))),
  );
  return { child, exited };
}

/** The log's records, parsed the way the format is documented (log-record.ts): `<crc> [seq, op, key, value?]`. */
function records(data: Buffer): { line: Buffer; key: string; value: string | null }[] {
  const out: { line: Buffer; key: string; value: string | null }[] = [];
  let startAt = 0;
  while (startAt < data.length) {
    const end = data.indexOf(0x0a, startAt);
    if (end < 0) break; // a torn tail from a kill: not a record
    const line = data.subarray(startAt, end + 1);
    const [, op, key, b64] = JSON.parse(line.toString("utf8", 9)) as [number, string, string, string?];
    out.push({ line, key, value: op === "s" ? Buffer.from(b64!, "base64").toString("utf8") : null });
    startAt = end + 1;
  }
  return out;
}

type Damage = "flip" | "delete" | "swap" | "duplicate" | "truncate";

/** Damage the log; returns the 1-based line the store must report, and the records before it. */
function corrupt(random: () => number): { kind: Damage; line: number; prefix: Map<string, string> } | null {
  const recs = records(fs.readFileSync(log));
  if (recs.length < 3) return null;
  const kinds: Damage[] = ["flip", "delete", "swap", "duplicate", "truncate"];
  const kind = kinds[Math.floor(random() * kinds.length)]!;
  const lines = recs.map((r) => Buffer.from(r.line));
  // Never the last record for a delete: a log cut back at a record boundary cannot be told from one whose last write
  // never happened.
  const i = Math.floor(random() * (lines.length - 1));
  let bad = i + 1;
  let out: Buffer[];
  switch (kind) {
    case "flip": {
      const line = lines[i]!;
      line[Math.floor(random() * line.length)]! ^= 1 + Math.floor(random() * 255);
      out = lines;
      break;
    }
    case "delete":
      out = [...lines.slice(0, i), ...lines.slice(i + 1)];
      break;
    case "swap":
      out = [...lines.slice(0, i), lines[i + 1]!, lines[i]!, ...lines.slice(i + 2)];
      break;
    case "duplicate":
      out = [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)];
      bad = i + 2;
      break;
    case "truncate":
      out = [...lines.slice(0, i), lines[i]!.subarray(0, 1 + Math.floor(random() * (lines[i]!.length - 2)))];
      break;
  }
  fs.writeFileSync(log, Buffer.concat(out));
  const prefix = new Map<string, string>();
  for (const r of recs.slice(0, bad - 1)) r.value === null ? prefix.delete(r.key) : prefix.set(r.key, r.value);
  return { kind, line: bad, prefix };
}

const valueNumber = (value: string) => Number(value.split(".")[0]);

it(
  `no acknowledged set is lost: ${ROUNDS} seeded rounds of SIGKILL, log ` + `damage and a lowered file-size limit`,
  async () => {
    const random = seededRandom(20_26);
    /** key → highest acknowledged value (the i of set i). */
    const acked = new Map<string, number>();
    const tally = {
      kill: 0,
      corrupt: 0,
      fsize: 0,
      damagesReported: 0,
      failedSets: 0,
      ackedAfterFailure: 0,
      checkedKeys: 0,
    };
    for (let round = 0; round <= ROUNDS; round++) {
      const roll = random();
      const mode =
        round === 0 || round === ROUNDS
          ? "kill"
          : roll < 0.35
            ? "corrupt"
            : roll < 0.7 && hasPrlimit
              ? "fsize"
              : "kill";
      tally[mode]++;
      const damage = mode === "corrupt" ? corrupt(random) : null;
      const killAfter = 1 + Math.floor(random() * SETS_PER_ROUND);
      const padding = Array.from({ length: SETS_PER_ROUND }, () => ".".padEnd(1 + Math.floor(random() * 60), "x"));
      const expected = new Map(acked);
      let answered = 0;
      let failedSoFar = 0;
      let dumped: Record<string, string | null> | null = null;
      const problems: { kind: string; line?: number }[] = [];
      const { child, exited } = start((line, proc) => {
        if (line.startsWith("problem ")) problems.push(JSON.parse(line.slice(8)));
        else if (line.startsWith("dump ")) {
          dumped = JSON.parse(line.slice(5));
          if (round === ROUNDS) return void proc.stdin.end();
          if (mode === "fsize") {
            // The log compacts every 30 records, so it stays small: a limit a little above its size now
            // makes some records fit, some come up short, and later compactions shrink it again.
            const limit = fs.statSync(log).size + 200 + Math.floor(random() * 1_500);
            execFileSync("prlimit", ["--pid", String(proc.pid), `--fsize=${limit}`]);
          }
          // Pipelined: every set at once; the kill lands wherever the seeded answer count says.
          for (let i = 0; i < SETS_PER_ROUND; i++)
            proc.stdin.write(`set r${round}-k${i % KEYS_PER_ROUND} ${i}${padding[i]}\n`);
        } else if (line.startsWith("ack ") || line.startsWith("error ")) {
          const [what, key, value] = line.split(" ");
          if (what === "ack") {
            acked.set(key!, Math.max(acked.get(key!) ?? -1, valueNumber(value!)));
            if (failedSoFar > 0) tally.ackedAfterFailure++;
          } else {
            failedSoFar++;
            tally.failedSets++;
          }
          if (++answered === (mode === "fsize" ? SETS_PER_ROUND : killAfter)) proc.kill("SIGKILL");
        }
      });
      child.stdin.write(`dump ${[...expected.keys()].join(" ")}\n`);
      const how = await exited;
      expect(how).toBe(round === ROUNDS ? 0 : "SIGKILL");
      expect(dumped).not.toBeNull();
      expect(Object.keys(dumped!).sort()).toEqual([...expected.keys()].sort());
      if (damage !== null) {
        // Detected at its line, and the store shows exactly the records before it.
        const report = problems.find((p) => p.kind === "damaged" || p.kind === "torn-tail");
        expect(report, `${damage.kind} at line ${damage.line} not reported`).toBeDefined();
        expect(report!.line).toBe(damage.line);
        tally.damagesReported++;
        for (const [key, value] of Object.entries(dumped!))
          expect(value, `key ${key} after ${damage.kind} at line ${damage.line}`).toBe(damage.prefix.get(key) ?? null);
        // What the damage cut off was reported; from here on the prefix is what was acknowledged.
        for (const key of expected.keys()) {
          const v = damage.prefix.get(key);
          if (v === undefined) acked.delete(key);
          else acked.set(key, valueNumber(v));
        }
        continue;
      }
      // No damage injected: nothing may have been cut off, except a torn tail from the kill (an unanswered write).
      for (const p of problems) expect(["torn-tail", "compaction-failed"]).toContain(p.kind);
      for (const [key, value] of Object.entries(dumped!)) {
        const last = expected.get(key)!;
        expect(value, `key ${key} lost`).not.toBeNull();
        expect(valueNumber(value!) % KEYS_PER_ROUND, `key ${key}: a value never sent to it`).toBe(
          Number(key.split("-k")[1]),
        );
        expect(valueNumber(value!), `key ${key} went back to an older value`).toBeGreaterThanOrEqual(last);
        tally.checkedKeys++;
      }
    }
    console.log(`kv durability: ${JSON.stringify(tally)}`);
    expect(tally.checkedKeys).toBeGreaterThan(ROUNDS * 5); // the check looked at real keys, not empty dumps
    // every injected damage reported (corrupt() never returned null here)
    expect(tally.damagesReported).toBe(tally.corrupt);
    if (hasPrlimit) {
      expect(tally.failedSets).toBeGreaterThan(0); // the limit really made writes fail...
      expect(tally.ackedAfterFailure).toBeGreaterThan(0); // ...and writes after a failed one still landed
    }
  },
  120_000,
);
