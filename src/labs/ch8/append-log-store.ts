/**
 * An append-only log of changes, compacted now and then — the usual fix for the
 * book's rewrite-everything writer (E8.5). One line per change:
 * `["s", key, base64(value)]` or `["d", key]`.
 *
 * Invariants:
 * 1. A change is one `write` of one whole line to a file opened O_APPEND; with
 *    `fsync` it is on the device before `set` returns.
 * 2. Only the last line can be torn (the process died inside a write): `load` drops a
 *    tail without its newline and truncates the file there, so the next append
 *    starts on a clean line. A broken line *before* the tail is corruption: `load` throws.
 * 3. Compaction never exposes a half state: the live map goes to `<path>.compact`,
 *    which is fsynced and then renamed over the log (rename is atomic). A crash before
 *    the rename leaves the old log (the stale `.compact` is deleted at load); after
 *    it, the new one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Bytes } from "./messages.js";
import type { DurableStore, StoreOptions } from "./store.js";

/**
 * Compact once the log holds this many lines more than there are live keys. Each
 * compaction rewrites the live map (like one book-style write), so doing it every
 * 1,000 dead lines spreads that cost thin while keeping the log — and the replay at
 * start — within ~1,000 lines of the live size.
 */
export const KV_LOG_COMPACT_MIN_LINES = 1_000;

export interface AppendLogOptions extends StoreOptions {
  /** Compact once the log has this many lines more than live keys (default KV_LOG_COMPACT_MIN_LINES). */
  compactAfter?: number;
}

export class AppendLogStore implements DurableStore {
  readonly kind = "append-log";
  private readonly map = new Map<string, Bytes>();
  private fd = -1;
  private lines = 0;
  private loaded = false;
  /** How many compactions ran (E8.5 reports it). */
  compactions = 0;

  constructor(private readonly file: string, private readonly options: AppendLogOptions = {}) {}

  load(): Map<string, Bytes> {
    fs.rmSync(`${this.file}.compact`, { force: true });
    this.map.clear();
    this.lines = 0;
    let text = "";
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, end))); // torn tail (invariant 2)
    for (const line of text.slice(0, end).split("\n")) {
      if (line === "") continue;
      this.apply(line);
      this.lines++;
    }
    this.loaded = true;
    return new Map(this.map);
  }

  set(key: string, value: Bytes): void {
    this.map.set(key, value);
    this.append(JSON.stringify(["s", key, Buffer.from(value).toString("base64")]));
  }

  delete(key: string): void {
    this.map.delete(key);
    this.append(JSON.stringify(["d", key]));
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  sizeOnDisk(): number {
    return fs.statSync(this.file).size;
  }

  private apply(line: string): void {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new Error(`${this.file}: corrupt log line ${this.lines + 1}`);
    }
    if (!Array.isArray(entry) || typeof entry[1] !== "string") throw new Error(`${this.file}: bad log entry at line ${this.lines + 1}`);
    if (entry[0] === "s" && typeof entry[2] === "string") this.map.set(entry[1], new Uint8Array(Buffer.from(entry[2], "base64")));
    else if (entry[0] === "d") this.map.delete(entry[1]);
    else throw new Error(`${this.file}: bad log entry at line ${this.lines + 1}`);
  }

  private append(line: string): void {
    if (!this.loaded) this.load();
    if (this.fd < 0) this.fd = fs.openSync(this.file, "a");
    fs.writeSync(this.fd, `${line}\n`);
    if (this.options.fsync === true) fs.fsyncSync(this.fd);
    this.lines++;
    if (this.lines - this.map.size >= (this.options.compactAfter ?? KV_LOG_COMPACT_MIN_LINES)) this.compact();
  }

  private compact(): void {
    const tmp = `${this.file}.compact`;
    const out = fs.openSync(tmp, "w");
    let text = "";
    for (const [key, value] of this.map) text += `${JSON.stringify(["s", key, Buffer.from(value).toString("base64")])}\n`;
    fs.writeSync(out, text);
    fs.fsyncSync(out); // always: renaming an unflushed file over the log could leave an empty log after a power cut
    fs.closeSync(out);
    fs.renameSync(tmp, this.file);
    if (this.options.fsync === true) syncDirectory(path.dirname(this.file));
    this.close();
    this.lines = this.map.size;
    this.compactions++;
  }
}

/** Make a rename durable: fsync the directory entry (Linux/macOS; not possible on Windows). */
function syncDirectory(dir: string): void {
  if (process.platform === "win32") return;
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
