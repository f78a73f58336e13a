/**
 * E1.10 and the mutex behind it: threads that share memory directly. Two worker
 * threads and one `SharedArrayBuffer` (the book's `Arc`): an updater sets a value
 * under an `AtomicMutex` and notifies an `AtomicCondvar`; a listener parked on the
 * condvar wakes and prints it (the book's four `Updating…`/`Received…` pairs).
 * Then the reason a mutex exists: two threads incrementing one counter —
 * unlocked (updates lost), under the mutex (exact), and with `Atomics.add`.
 */
import { startModuleWorker, siblingModule, workerResult } from "../../index.js";
import type { Block, LabOptions } from "../types.js";
import { CELL, CELLS, type SharedJob, type StampedLine } from "./shared-memory-layout.js";
import { bookMs } from "../book-time.js";

const workerModule = siblingModule(import.meta.url, "shared-memory-worker");

/** The book's 4 s between updates, time-scaled, with a floor so the printout stays readable. */
const MIN_UPDATE_GAP_MS = 10;
const THREADS = 2;
/** Increments per thread: enough that an unlocked counter loses updates on two cores. */
export const INCREMENTS = 1_000_000;

function start<T>(job: SharedJob): Promise<T> {
  return workerResult<T>(startModuleWorker(workerModule, job));
}

export interface CondvarRun {
  lines: string[];
}

export async function runCondvar(opts: LabOptions): Promise<CondvarRun> {
  const sab = new SharedArrayBuffer(CELLS * 4);
  const gap = bookMs(opts, 4, MIN_UPDATE_GAP_MS);
  const [heard, said] = await Promise.all([
    start<StampedLine[]>({ role: "listener", sab, n: 0 }),
    start<StampedLine[]>({ role: "updater", sab, n: gap }),
  ]);
  const lines = [...heard, ...said].sort((a, b) => a.at - b.at).map((l) => l.line);
  return { lines };
}

export interface CounterRow {
  how: "racy" | "locked" | "atomic";
  expected: number;
  final: number;
  /** The slowest thread's time in its increment loop (thread start-up excluded by the barrier). */
  ms: number;
}

export async function runCounters(): Promise<CounterRow[]> {
  const rows: CounterRow[] = [];
  for (const how of ["racy", "locked", "atomic"] as const) {
    const sab = new SharedArrayBuffer(CELLS * 4);
    const loopMs = await Promise.all(
      Array.from({ length: THREADS }, () => start<number>({ role: how, sab, n: INCREMENTS, parties: THREADS })),
    );
    rows.push({
      how,
      expected: THREADS * INCREMENTS,
      final: new Int32Array(sab)[CELL.counter]!,
      ms: Math.max(...loopMs),
    });
  }
  return rows;
}

const HOW: Record<CounterRow["how"], string> = {
  racy: "load, then store + 1 — no lock",
  locked: "cells[i] = cells[i] + 1 under AtomicMutex",
  atomic: "Atomics.add (lock-free)",
};

export function sharedMemoryBlocks(condvar: CondvarRun, counters: CounterRow[]): Block[] {
  return [
    {
      kind: "text",
      title:
        "E1.10 updater and listener threads, a mutex and a condvar on Atomics " +
        "(the book's Figure 1-4: a condvar alerting another thread)",
      lines: condvar.lines,
    },
    {
      kind: "book",
      rows: [
        {
          label: "E1.10 output",
          book: "4 pairs: Updating value to X... / Received value: X",
          ours:
            `${condvar.lines.filter((l) => l.startsWith("Received")).length} values ` +
            `received of ` +
            `${condvar.lines.filter((l) => l.startsWith("Updating")).length} sent`,
        },
      ],
    },
    {
      kind: "table",
      title: `${THREADS} worker threads × ${INCREMENTS.toLocaleString("en-US")} increments of one shared counter`,
      columns: [
        { header: "how" },
        { header: "expected" },
        { header: "final" },
        { header: "lost updates" },
        { header: "slowest thread's loop", unit: "ms", digits: 1 },
      ],
      rows: counters.map((r) => [HOW[r.how], r.expected, r.final, r.expected - r.final, r.ms]),
    },
    {
      kind: "notice",
      lines: [
        "The listener does not spin: it sleeps in Atomics.wait inside the " +
          "condvar and costs nothing until notified — the book's parked thread.",
        "Without the lock, two threads read the same old value and both write " +
          "old + 1: increments vanish (how many depends on the run).",
        "Under the mutex the count is exact; Atomics.add is exact too and " +
          "cheaper, but only works for one word — the mutex guards any amount of " +
          "state.",
      ],
    },
  ];
}
