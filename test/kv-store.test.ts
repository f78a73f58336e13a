// The writer's stores (src/labs/ch8): the book's JSON rewrite and the append log with compaction.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { AppendLogStore, StoreWriteError } from "../src/labs/ch8/append-log-store.js";
import { fallbackCrc32 } from "../src/labs/ch8/log-record.js";
import { JsonFileStore } from "../src/labs/ch8/json-file-store.js";
import { loadMap } from "../src/labs/ch8/store.js";
import { debugMap } from "../src/labs/ch8/messages.js";

let dir = "";
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-store-test-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (map: Map<string, Uint8Array>) =>
  Object.fromEntries([...map].map(([k, v]) => [k, new TextDecoder().decode(v)]));

describe("JsonFileStore (the book's way)", () => {
  it("rewrites the whole map as serde-style byte arrays and reloads it", () => {
    const file = path.join(dir, "data.json");
    const store = new JsonFileStore(file);
    store.set("hello", bytes("world"));
    store.set("a", bytes("b"));
    store.delete("a");
    store.close();
    expect(fs.readFileSync(file, "utf8")).toBe('{"hello":[119,111,114,108,100]}');
    expect(text(new JsonFileStore(file).load())).toEqual({ hello: "world" });
  });

  it("loadMap prints the book's lines for a file and for a missing one", () => {
    const lines: string[] = [];
    const file = path.join(dir, "data.json");
    expect(loadMap(new JsonFileStore(file), (l) => lines.push(l), debugMap).size).toBe(0);
    fs.writeFileSync(file, '{"hello":[119,111]}');
    loadMap(new JsonFileStore(file), (l) => lines.push(l), debugMap);
    expect(lines[0]).toMatch(/^Failed to read from file: ENOENT/);
    expect(lines.slice(1)).toEqual(["Starting with an empty hash...", 'Data loaded from file: {"hello": [119, 111]}']);
  });
});

describe("AppendLogStore", () => {
  it("appends one line per change and replays them in order", () => {
    const file = path.join(dir, "data.log");
    const store = new AppendLogStore(file);
    store.set("k", bytes("1"));
    store.set("k", bytes("2"));
    store.set("gone", bytes("x"));
    store.delete("gone");
    store.close();
    expect(fs.readFileSync(file, "utf8").split("\n")).toHaveLength(5); // 4 lines + the final newline
    expect(text(new AppendLogStore(file).load())).toEqual({ k: "2" });
  });

  it("drops a torn last line and truncates the file there, so the next append starts clean", () => {
    const file = path.join(dir, "data.log");
    const store = new AppendLogStore(file);
    store.set("a", bytes("1"));
    store.close();
    fs.appendFileSync(file, '["s","b","M'); // the process died inside a write
    const again = new AppendLogStore(file);
    expect(text(again.load())).toEqual({ a: "1" });
    again.set("c", bytes("3"));
    again.close();
    expect(text(new AppendLogStore(file).load())).toEqual({ a: "1", c: "3" });
  });

  it(
    "a damaged line with intact records after it is reported, the rest " +
      "quarantined, never read back wrong (before: load threw, and loadMap " +
      "started empty)",
    () => {
      const file = path.join(dir, "data.log");
      const store = new AppendLogStore(file);
      store.set("a", bytes("1"));
      store.set("b", bytes("2"));
      store.set("a", bytes("3"));
      store.close();
      const lines = fs.readFileSync(file, "latin1").split("\n");
      lines[1] = lines[1]!.replace('"b"', '"c"'); // a flipped byte inside the key
      fs.writeFileSync(file, lines.join("\n"), "latin1");
      const again = new AppendLogStore(file);
      const logLines: string[] = [];
      const problems: unknown[] = [];
      const map = loadMap(
        again,
        (l) => logLines.push(l),
        debugMap,
        (p) => problems.push(p),
      );
      expect(text(map)).toEqual({ a: "1" }); // the valid prefix: never "c" = 2, never a = 3 without saying so
      expect(problems).toEqual([
        expect.objectContaining({ kind: "damaged", line: 2, kept: 1, rolledBack: ["a"], unreadable: 1 }),
      ]);
      expect(logLines[0]).toMatch(/^Store problem: .*damaged at line 2 \(checksum mismatch\)/);
      const quarantined = fs.readFileSync(`${file}.quarantine-1`, "latin1");
      expect(quarantined).toBe(lines.slice(1).join("\n"));
      // The log was cut back to the prefix: appends continue the sequence, and a reload is clean.
      again.set("d", bytes("4"));
      again.close();
      const third = new AppendLogStore(file);
      expect(text(third.load())).toEqual({ a: "1", d: "4" });
      expect(third.problems).toEqual([]);
    },
  );

  it("short writes are continued until the whole record is written (before: a partial write was acknowledged)", () => {
    const file = path.join(dir, "data.log");
    const calls: number[] = [];
    // Every write takes at most 7 bytes, as a file-size limit or a signal can make it.
    const store = new AppendLogStore(file, {
      writeSync: (fd, buf, off, len) => (calls.push(len), fs.writeSync(fd, buf, off, Math.min(7, len))),
    });
    store.set("key", bytes("a value longer than seven bytes"));
    store.close();
    expect(calls.length).toBeGreaterThan(5);
    expect(text(new AppendLogStore(file).load())).toEqual({ key: "a value longer than seven bytes" });
  });

  it(
    "a write that fails half-way fails that set, leaves no fragment, and " +
      "the next set lands clean (before: the next record was glued to the " +
      "fragment and lost at reload)",
    () => {
      const file = path.join(dir, "data.log");
      let budget = Infinity;
      const store = new AppendLogStore(file, {
        writeSync: (fd, buf, off, len) => {
          if (budget <= 0) throw Object.assign(new Error("EFBIG: file too large"), { code: "EFBIG" });
          const n = Math.min(len, budget);
          budget -= n;
          return fs.writeSync(fd, buf, off, n);
        },
      });
      store.set("a", bytes("1"));
      budget = 10; // the next record gets 10 bytes on disk, then the limit
      expect(() => store.set("b", bytes("2"))).toThrow(StoreWriteError);
      budget = Infinity;
      store.set("c", bytes("3"));
      store.close();
      const again = new AppendLogStore(file);
      expect(text(again.load())).toEqual({ a: "1", c: "3" });
      expect(again.problems).toEqual([]);
    },
  );

  it("the table CRC-32 used on Node < 20.15 agrees with zlib's", () => {
    for (const s of ["", "a", "123456789", "x".repeat(1000)])
      expect(fallbackCrc32(Buffer.from(s))).toBe(crc32(Buffer.from(s)));
    expect(fallbackCrc32(Buffer.from("123456789"))).toBe(0xcbf43926); // the standard check value
  });

  it("compacts once dead lines reach the threshold, keeping exactly the live map", () => {
    const file = path.join(dir, "data.log");
    const store = new AppendLogStore(file, { compactAfter: 10 });
    store.load();
    for (let i = 0; i < 25; i++) store.set(`k${i % 3}`, bytes(String(i)));
    // lines - live keys reaches 10 at write 13 (13 lines, 3 keys) → 3 lines; again at write 23 → 3 lines; writes 24, 25
    // → 5 lines.
    expect(store.compactions).toBe(2);
    store.close();
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(3 + 2);
    expect(text(new AppendLogStore(file).load())).toEqual({ k0: "24", k1: "22", k2: "23" });
  });

  it("ignores a compaction that never reached its rename (the stale temp file is removed)", () => {
    const file = path.join(dir, "data.log");
    const store = new AppendLogStore(file);
    store.set("a", bytes("1"));
    store.close();
    fs.writeFileSync(`${file}.compact`, '["s","a","OQ=="]\n'); // crashed before the rename
    expect(text(new AppendLogStore(file).load())).toEqual({ a: "1" });
    expect(fs.existsSync(`${file}.compact`)).toBe(false);
  });
});
