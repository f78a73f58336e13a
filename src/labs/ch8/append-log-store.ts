/**
 * An append-only log of changes, compacted now and then — the usual fix for the
 * book's rewrite-everything writer (E8.5). One checksummed, numbered record per
 * change (log-record.ts has the format and what each part catches).
 *
 * Invariants:
 * 1. A change is acknowledged only when every byte of its record is written: a short
 *    `write` count is retried from where it stopped, and with `fsync` the record is
 *    on the device before `set` returns.
 * 2. A change that fails leaves no trace: the file is cut back to where the record
 *    began (so the next record never lands glued to a fragment) and the map is put
 *    back. If even the cut fails, the store refuses every later write until it is
 *    loaded again — reloading is what removes the fragment (invariant 3).
 * 3. Recovery keeps the longest valid prefix and quarantines the rest. At load, the
 *    log is read up to its first bad record; everything from there to the end is
 *    copied to `<log>.quarantine-<n>` (fsynced: the evidence survives), then the log
 *    is cut back to the prefix. The problem — torn tail or damage, the line, the
 *    records kept, the keys of intact records that were cut off — goes to `problems`,
 *    which the writer prints and reports. Why not skip just the bad record and keep
 *    the later ones: that would build a state that never existed (a later delete
 *    applied, an earlier set lost); a prefix is a state the store really was in.
 * 4. Compaction never exposes a half state: the live map goes to `<log>.compact`,
 *    fsynced, then renamed over the log (rename is atomic). A crash before the rename
 *    leaves the old log (the stale `.compact` is deleted at load); after it, the new
 *    one. A compaction that fails is reported and skipped — the change that triggered
 *    it is already durable, so it is still acknowledged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeRecord, scanLog, type LogEntry } from "./log-record.js";
import type { Bytes } from "./messages.js";
import type { DurableStore, StoreOptions, StoreProblem } from "./store.js";

/**
 * Compact once the log holds this many records more than there are live keys. Each
 * compaction rewrites the live map (like one book-style write), so doing it every
 * 1,000 dead records spreads that cost thin while keeping the log — and the replay at
 * start — within ~1,000 records of the live size.
 */
export const KV_LOG_COMPACT_MIN_LINES = 1_000;

export interface AppendLogOptions extends StoreOptions {
  /** Compact once the log has this many records more than live keys (default KV_LOG_COMPACT_MIN_LINES). */
  compactAfter?: number;
  /** @internal fault injection for tests: replaces `fs.writeSync` for log appends. */
  writeSync?: (fd: number, buffer: Buffer, offset: number, length: number) => number;
}

/** A write that did not (entirely) reach the file; the change was not applied. */
export class StoreWriteError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "StoreWriteError";
  }
}

export class AppendLogStore implements DurableStore {
  readonly kind = "append-log";
  private readonly map = new Map<string, Bytes>();
  private fd = -1;
  /** Records in the file; the next one gets `records + 1`. */
  private records = 0;
  /** Bytes of whole records in the file: where a failed append is cut back to. */
  private size = 0;
  private loaded = false;
  /** A failed append could not be cut back: no write until the next `load` (invariant 2). */
  private poisoned: Error | null = null;
  problems: StoreProblem[] = [];
  /** How many compactions ran (E8.5 reports it). */
  compactions = 0;
  /** After a failed compaction, the next try waits until this many records (not on every write). */
  private compactRetryAt = 0;

  constructor(
    private readonly file: string,
    private readonly options: AppendLogOptions = {},
  ) {}

  get needsReload(): boolean {
    return this.poisoned !== null;
  }

  load(): Map<string, Bytes> {
    this.close();
    fs.rmSync(`${this.file}.compact`, { force: true });
    this.map.clear();
    this.problems = [];
    this.poisoned = null;
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      data = Buffer.alloc(0);
    }
    const scan = scanLog(data);
    for (const entry of scan.entries) this.apply(entry);
    this.records = scan.entries.length;
    this.size = scan.goodBytes;
    if (scan.failure !== undefined) this.recover(data, scan.goodBytes, scan.failure);
    this.loaded = true;
    return new Map(this.map);
  }

  set(key: string, value: Bytes): void {
    this.change({ op: "s", key, value });
  }

  delete(key: string): void {
    this.change({ op: "d", key });
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  sizeOnDisk(): number {
    return fs.statSync(this.file).size;
  }

  private apply(entry: LogEntry): void {
    if (entry.op === "s") this.map.set(entry.key, entry.value);
    else this.map.delete(entry.key);
  }

  /** Invariant 3: save what follows the valid prefix, then cut the log back to it. */
  private recover(data: Buffer, goodBytes: number, failure: NonNullable<ReturnType<typeof scanLog>["failure"]>): void {
    const rest = data.subarray(goodBytes);
    let n = 1;
    while (fs.existsSync(`${this.file}.quarantine-${n}`)) n++;
    const quarantine = `${this.file}.quarantine-${n}`;
    const out = fs.openSync(quarantine, "wx");
    try {
      writeAll(out, rest, fs.writeSync);
      fs.fsyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    fs.truncateSync(this.file, goodBytes);
    const rolledBack = [...new Set(failure.laterValid.map((r) => r.key))];
    const what =
      failure.kind === "torn-tail"
        ? `torn tail at line ${failure.line} (${failure.reason}): an unfinished write, cut off`
        : `damaged at line ${failure.line} (${failure.reason}) with ` +
          `${failure.laterValid.length} intact record(s) after it`;
    this.problems.push({
      store: this.kind,
      file: this.file,
      kind: failure.kind,
      line: failure.line,
      kept: this.records,
      quarantine: { file: quarantine, bytes: rest.length },
      rolledBack,
      unreadable: failure.laterInvalid + 1,
      message:
        `${path.basename(this.file)}: ${what}; kept the first ${this.records} ` +
        `record(s), moved ${rest.length} byte(s) (${failure.laterInvalid + 1} ` +
        `unreadable record(s)) to ${path.basename(quarantine)}` +
        (rolledBack.length > 0
          ? `; keys that may now read an older value or none: ${rolledBack.map((k) => JSON.stringify(k)).join(", ")}`
          : ""),
    });
  }

  private change(entry: LogEntry): void {
    if (!this.loaded) this.load();
    if (this.poisoned !== null)
      throw new StoreWriteError(
        `${this.file}: an earlier write could not be undone; reload the store before writing`,
        this.poisoned,
      );
    if (this.fd < 0) this.fd = fs.openSync(this.file, "a");
    const record = encodeRecord(this.records + 1, entry);
    try {
      writeAll(this.fd, record, this.options.writeSync ?? fs.writeSync);
      if (this.options.fsync === true) fs.fsyncSync(this.fd);
    } catch (error) {
      this.undo(error);
      throw new StoreWriteError(`${this.file}: write failed, change not applied: ${(error as Error).message}`, error);
    }
    this.size += record.length;
    this.records++;
    this.apply(entry);
    const after = this.options.compactAfter ?? KV_LOG_COMPACT_MIN_LINES;
    if (this.records - this.map.size >= after && this.records >= this.compactRetryAt) this.compactOrReport(after);
  }

  /** Invariant 2: cut the file back to the last whole record. */
  private undo(cause: unknown): void {
    try {
      fs.ftruncateSync(this.fd, this.size);
    } catch (error) {
      this.poisoned = error as Error;
      (this.poisoned as Error & { writeError?: unknown }).writeError = cause;
    }
  }

  private compactOrReport(after: number): void {
    try {
      this.compact();
    } catch (error) {
      fs.rmSync(`${this.file}.compact`, { force: true });
      this.compactRetryAt = this.records + after;
      this.problems.push({
        store: this.kind,
        file: this.file,
        kind: "compaction-failed",
        message: `${this.file}: compaction failed (${(error as Error).message}); the log keeps growing`,
      });
    }
  }

  private compact(): void {
    const tmp = `${this.file}.compact`;
    const parts: Buffer[] = [];
    let seq = 0;
    for (const [key, value] of this.map) parts.push(encodeRecord(++seq, { op: "s", key, value }));
    const text = Buffer.concat(parts);
    const out = fs.openSync(tmp, "w");
    try {
      writeAll(out, text, fs.writeSync);
      fs.fsyncSync(out); // always: renaming an unflushed file over the log could leave an empty log after a power cut
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(tmp, this.file);
    if (this.options.fsync === true) syncDirectory(path.dirname(this.file));
    this.close();
    this.records = seq;
    this.size = text.length;
    this.compactions++;
  }
}

/** Write every byte of `buffer`: `write` may take fewer than asked (a file-size limit, a full disk); go on from there.
 * */
function writeAll(
  fd: number,
  buffer: Buffer,
  write: (fd: number, buffer: Buffer, offset: number, length: number) => number,
): void {
  let offset = 0;
  while (offset < buffer.length) {
    const n = write(fd, buffer, offset, buffer.length - offset);
    // No progress and no error: retrying would spin forever; treat it as the failure it is.
    if (!(n > 0)) throw new Error(`write made no progress (${offset} of ${buffer.length} bytes written)`);
    offset += n;
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
