/**
 * Where the writer actor keeps the key-value state on disk. Two ways, both behind one
 * interface so E8.5 can time them side by side: the book's (rewrite a JSON file on
 * every change, json-file-store.ts) and an append-only log with compaction
 * (append-log-store.ts).
 *
 * Invariant: when `set` / `delete` return, the change has been handed to the OS
 * (`write` returned); with `fsync: true` it is also on the device (`fsync` returned).
 * Only then may anyone acknowledge it.
 */
import type { Bytes } from "./messages.js";

export interface StoreOptions {
  /**
   * fsync after each change. Without it a write survives the process dying (SIGKILL:
   * the page cache is the kernel's) but not the machine dying (power loss).
   */
  fsync?: boolean;
}

export interface DurableStore {
  readonly kind: string;
  /** Read the state on disk; throws if there is none or it cannot be read. */
  load(): Map<string, Bytes>;
  set(key: string, value: Bytes): void;
  delete(key: string): void;
  /** Release the file handle (the writer is its only owner). */
  close(): void;
  /** Bytes on disk now. */
  sizeOnDisk(): number;
}

/** The book's `load_map`: a missing or unreadable file means "start empty", said out loud. */
export function loadMap(store: DurableStore, log: (line: string) => void, describe: (map: ReadonlyMap<string, Bytes>) => string): Map<string, Bytes> {
  try {
    const map = store.load();
    log(`Data loaded from file: ${describe(map)}`);
    return map;
  } catch (error) {
    log(`Failed to read from file: ${error instanceof Error ? error.message : String(error)}`);
    log("Starting with an empty hash...");
    return new Map();
  }
}
