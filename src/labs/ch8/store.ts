/**
 * Where the writer actor keeps the key-value state on disk. Two ways, both behind one
 * interface so E8.5 can time them side by side: the book's (rewrite a JSON file on
 * every change, json-file-store.ts) and an append-only log with compaction
 * (append-log-store.ts).
 *
 * Invariants:
 * 1. When `set` / `delete` return, every byte of the change has been handed to the OS
 *    (`write` returned all of them — a short count is retried, never taken as done);
 *    with `fsync: true` it is also on the device (`fsync` returned). Only then may
 *    anyone acknowledge it. When they throw, the change is not in the store: neither
 *    in its map nor (as far as a reload will see) on disk.
 * 2. Whatever `load` found wrong is in `problems` afterwards, and `loadMap` prints it
 *    and hands it to the caller's `onProblem`: a damaged file never turns into a
 *    silently smaller (or empty) store.
 */
import type { Bytes } from "./messages.js";

export interface StoreOptions {
  /**
   * fsync after each change. Without it a write survives the process dying (SIGKILL:
   * the page cache is the kernel's) but not the machine dying (power loss).
   */
  fsync?: boolean;
}

/** Something a store found wrong with its file, or could not do. */
export interface StoreProblem {
  /** Which store (its `kind`) and file. */
  store: string;
  file: string;
  /**
   * torn-tail: the file ended inside a record (a write that never finished) — cut off;
   * damaged: a bad record with valid records after it — the rest quarantined;
   * unreadable: the file could not be read at all;
   * compaction-failed: the log could not be compacted (it keeps growing; writes still work).
   */
  kind: "torn-tail" | "damaged" | "unreadable" | "compaction-failed";
  /** One line for a human. */
  message: string;
  /** 1-based line of the first bad record (torn-tail, damaged). */
  line?: number;
  /** Records kept (the valid prefix). */
  kept?: number;
  /** Where the cut-off bytes were saved, and how many. */
  quarantine?: { file: string; bytes: number };
  /** Keys of intact records that were after the damage: they may now read older values, or none. */
  rolledBack?: string[];
  /** Lines after the damage that are not intact records (their keys are unknown). */
  unreadable?: number;
}

export interface DurableStore {
  readonly kind: string;
  /** Read the state on disk; throws if there is none or it cannot be read. */
  load(): Map<string, Bytes>;
  /** What the last `load` (and later compactions) found wrong; empty when all was well. */
  readonly problems?: readonly StoreProblem[];
  /** True after a failed write that could not be undone: `load` again before the next write. */
  readonly needsReload?: boolean;
  set(key: string, value: Bytes): void;
  delete(key: string): void;
  /** Release the file handle (the writer is its only owner). */
  close(): void;
  /** Bytes on disk now. */
  sizeOnDisk(): number;
}

/**
 * The book's `load_map`: a missing or unreadable file means "start empty", said out
 * loud — and, beyond the book, every problem the store found is printed and passed
 * to `onProblem` (the system's error event).
 */
export function loadMap(
  store: DurableStore,
  log: (line: string) => void,
  describe: (map: ReadonlyMap<string, Bytes>) => string,
  onProblem: (problem: StoreProblem) => void = () => {},
): Map<string, Bytes> {
  let map: Map<string, Bytes>;
  try {
    map = store.load();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`Failed to read from file: ${message}`);
    log("Starting with an empty hash...");
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      onProblem({ store: store.kind, file: "", kind: "unreadable", message: `${message}; started empty` });
    return new Map();
  }
  for (const problem of store.problems ?? []) {
    log(`Store problem: ${problem.message}`);
    onProblem(problem);
  }
  log(`Data loaded from file: ${describe(map)}`);
  return map;
}
