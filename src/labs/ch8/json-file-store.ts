/**
 * The book's persistence (E8.5): the whole map as JSON, rewritten on every change —
 * truncate, write from offset 0 (`set_len(0)`, seek, `write_all`, flush). The writer
 * keeps the file handle open for its lifetime, as the book's note advises.
 *
 * Cost: O(size of the map) per write. Not crash-safe either: a crash between the
 * truncate and the write leaves an empty or half-written file (the book says as much
 * and points to "Database Internals"; append-log-store.ts is the fix).
 * Values are stored as arrays of byte numbers, as serde_json writes a `Vec<u8>`.
 */
import * as fs from "node:fs";
import type { Bytes } from "./messages.js";
import type { DurableStore, StoreOptions } from "./store.js";

export class JsonFileStore implements DurableStore {
  readonly kind = "json-rewrite";
  private readonly map = new Map<string, Bytes>();
  private fd = -1;

  constructor(
    private readonly path: string,
    private readonly options: StoreOptions = {},
  ) {}

  load(): Map<string, Bytes> {
    const parsed: unknown = JSON.parse(fs.readFileSync(this.path, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error(`${this.path}: expected a JSON object`);
    this.map.clear();
    for (const [key, value] of Object.entries(parsed)) this.map.set(key, Uint8Array.from(value as number[]));
    return new Map(this.map);
  }

  set(key: string, value: Bytes): void {
    const before = this.map.get(key);
    this.map.set(key, value);
    this.rewriteOrUndo(key, before);
  }

  delete(key: string): void {
    const before = this.map.get(key);
    this.map.delete(key);
    this.rewriteOrUndo(key, before);
  }

  /** A change that did not reach the file is not in the map either (store.ts, invariant 1). */
  private rewriteOrUndo(key: string, before: Bytes | undefined): void {
    try {
      this.rewrite();
    } catch (error) {
      if (before === undefined) this.map.delete(key);
      else this.map.set(key, before);
      throw error;
    }
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  sizeOnDisk(): number {
    return fs.statSync(this.path).size;
  }

  private rewrite(): void {
    // Opened lazily with "a+"-like flags that do not truncate: the book's File::create
    // truncates at start, so a writer that dies before its first write loses everything.
    if (this.fd < 0) this.fd = fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_CREAT);
    const obj: Record<string, number[]> = {};
    for (const [key, value] of this.map) obj[key] = Array.from(value);
    const contents = Buffer.from(JSON.stringify(obj));
    fs.ftruncateSync(this.fd, 0);
    // `write` may take fewer bytes than asked (a file-size limit, a full disk): go on from there.
    for (let at = 0; at < contents.length;) {
      const n = fs.writeSync(this.fd, contents, at, contents.length - at, at);
      if (!(n > 0)) throw new Error(`${this.path}: write made no progress (${at} of ${contents.length} bytes)`);
      at += n;
    }
    if (this.options.fsync === true) fs.fsyncSync(this.fd);
  }
}
