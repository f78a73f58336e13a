// The writer's stores (src/labs/ch8): the book's JSON rewrite and the append log with compaction.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppendLogStore } from "../src/labs/ch8/append-log-store.js";
import { JsonFileStore } from "../src/labs/ch8/json-file-store.js";
import { loadMap } from "../src/labs/ch8/store.js";
import { debugMap } from "../src/labs/ch8/messages.js";

let dir = "";
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-store-test-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (map: Map<string, Uint8Array>) => Object.fromEntries([...map].map(([k, v]) => [k, new TextDecoder().decode(v)]));

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

  it("refuses a corrupt line before the tail", () => {
    const file = path.join(dir, "data.log");
    fs.writeFileSync(file, 'garbage\n["s","a","MQ=="]\n');
    expect(() => new AppendLogStore(file).load()).toThrow("corrupt log line 1");
  });

  it("compacts once dead lines reach the threshold, keeping exactly the live map", () => {
    const file = path.join(dir, "data.log");
    const store = new AppendLogStore(file, { compactAfter: 10 });
    store.load();
    for (let i = 0; i < 25; i++) store.set(`k${i % 3}`, bytes(String(i)));
    // lines - live keys reaches 10 at write 13 (13 lines, 3 keys) → 3 lines; again at write 23 → 3 lines; writes 24, 25 → 5 lines.
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
