/**
 * E1.11: a file watcher. A task polls `data.txt`'s modification time every 100 ms
 * (the book's async sleep, L776; time-scaled) and signals a `watch` channel when it
 * changes; main waits in `rx.changed()`, reads the file and prints it. The book's user
 * edits the file in an IDE; here an editor task does, a few times, and each write is
 * stamped so the detection latency — write to print — is measured, not assumed.
 *
 * All three are tasks on one `LiveRuntime` (one thread): the watcher's sleep is the
 * runtime's non-blocking `sleep`, so main and the editor run in its gaps (a blocking
 * sleep would freeze them, L781-785). `statSync` blocks, briefly, as the book's
 * `path.metadata()` does; the read is `fs.promises.readFile` (Node's thread pool),
 * which unlike tokio's file I/O (L739-746) really does not block the thread.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  co,
  fromPromise,
  LiveRuntime,
  sleep,
  timeout,
  watch,
  type Co,
  type WatchReceiver,
  type WatchSender,
} from "../../index.js";
import type { Block, LabOptions } from "../types.js";
import { bookMs } from "../book-time.js";

/** The book's poll interval (L776). */
export const BOOK_POLL_MS = 100;
/** Floor for the scaled interval: stat-ing a file more often than every 10 ms only burns CPU. */
export const MIN_POLL_MS = 10;
/** Gap between the editor's writes, in poll intervals: enough that each edit is seen on its own. */
const EDIT_GAP_POLLS = 3;
/** If a change is not seen within this many poll intervals, something is wrong (e.g. a filesystem with coarse mtimes):
 * fail, don't hang. */
const DETECTION_TIMEOUT_POLLS = 50;

export const INITIAL_CONTENTS = "Hello from data.txt (written before the watcher started)";
export const EDITS = ["first edit: the watcher saw this", "second edit: and this", "third edit: and this too"];

export interface Detection {
  contents: string;
  /** ms since start when the file was written (null: the initial contents, seen on the watcher's first look). */
  writtenAt: number | null;
  /** ms since start when main woke from `changed()`. */
  detectedAt: number;
  /** Of the watcher's stat() calls, the number up to and including this detection. */
  statCalls: number;
}

export interface FileWatchRun {
  pollMs: number;
  lines: string[];
  detections: Detection[];
  statCalls: number;
  dir: string;
}

interface Counters {
  statCalls: number;
}

/** The book's `watch_file_changes`: stat, compare, signal, sleep — forever (main cancels it). */
function* watchFileChanges(path: string, tx: WatchSender<boolean>, pollMs: number, counters: Counters): Co<void> {
  let lastModified: number | null = null;
  for (;;) {
    counters.statCalls++;
    try {
      const modified = statSync(path).mtimeMs;
      if (lastModified !== modified) {
        lastModified = modified;
        tx.send(true);
      }
    } catch {
      // like the book's `if let Ok(metadata)`: a missing file is simply not a change
    }
    yield* sleep(pollMs);
  }
}

/** Stands in for the book's user with an IDE: after each printout, wait a little, then save a new version. */
function* editor(
  path: string,
  printed: WatchReceiver<number>,
  gapMs: number,
  writtenAt: number[],
  start: number,
): Co<void> {
  for (const edit of EDITS) {
    yield* printed.changed();
    yield* sleep(gapMs);
    writeFileSync(path, edit);
    writtenAt.push(performance.now() - start);
  }
}

function* mainLoop(
  path: string,
  rx: WatchReceiver<boolean>,
  printedTx: WatchSender<number>,
  pollMs: number,
  counters: Counters,
  writtenAt: number[],
  start: number,
  lines: string[],
): Co<Detection[]> {
  const detections: Detection[] = [];
  for (let i = 0; i <= EDITS.length; i++) {
    yield* timeout(rx.changed(), DETECTION_TIMEOUT_POLLS * pollMs);
    const detectedAt = performance.now() - start;
    const statCalls = counters.statCalls;
    const contents = yield* fromPromise(readFile(path, "utf8"));
    lines.push(contents);
    detections.push({ contents, writtenAt: i === 0 ? null : writtenAt[i - 1]!, detectedAt, statCalls });
    printedTx.send(i + 1);
  }
  return detections;
}

export async function runFileWatcher(opts: LabOptions): Promise<FileWatchRun> {
  const pollMs = bookMs(opts, BOOK_POLL_MS / 1000, MIN_POLL_MS);
  const dir = mkdtempSync(join(tmpdir(), "async-lab-ch1-"));
  const path = join(dir, "data.txt");
  const rt = new LiveRuntime();
  const counters: Counters = { statCalls: 0 };
  try {
    writeFileSync(path, INITIAL_CONTENTS);
    const [tx, rx] = watch(false);
    const [printedTx, printedRx] = watch(0);
    const writtenAt: number[] = [];
    const lines: string[] = [];
    const start = performance.now();
    const watcher = rt.spawn(co(watchFileChanges, path, tx, pollMs, counters));
    const edits = rt.spawn(co(editor, path, printedRx, EDIT_GAP_POLLS * pollMs, writtenAt, start));
    try {
      const detections = await rt.blockOn(co(mainLoop, path, rx, printedTx, pollMs, counters, writtenAt, start, lines));
      await edits;
      return { pollMs, lines, detections, statCalls: counters.statCalls, dir };
    } finally {
      watcher.cancel(); // the book's loop never ends; cancelling drops its pending sleep, so no timer is left
      edits.cancel();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function fileWatcherBlocks(run: FileWatchRun): Block[] {
  const edits = run.detections.filter((d) => d.writtenAt !== null);
  const latencies = edits.map((d) => d.detectedAt - d.writtenAt!);
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  const max = Math.max(...latencies);
  return [
    {
      kind: "text",
      title: "E1.11 printout: main prints data.txt each time the watcher signals a change",
      lines: run.lines,
    },
    {
      kind: "table",
      title:
        `Watcher polls mtime every ${run.pollMs} ms (book: ${BOOK_POLL_MS} ms); ` +
        `the editor writes ${EDIT_GAP_POLLS} intervals after each printout`,
      columns: [
        { header: "change" },
        { header: "written at", unit: "ms", digits: 1 },
        { header: "detected at", unit: "ms", digits: 1 },
        { header: "latency", unit: "ms", digits: 1 },
        { header: "latency", unit: "× interval", digits: 2 },
        { header: "stat() calls so far" },
      ],
      rows: run.detections.map((d, i) => [
        i === 0 ? "initial contents (first look)" : `edit ${i}`,
        d.writtenAt,
        d.detectedAt,
        d.writtenAt === null ? null : d.detectedAt - d.writtenAt,
        d.writtenAt === null ? null : (d.detectedAt - d.writtenAt) / run.pollMs,
        d.statCalls,
      ]),
    },
    {
      kind: "book",
      title: "E1.11 beside ours",
      rows: [
        {
          label: "output",
          book: "the contents of data.txt, printed after each save",
          ours: `${run.lines.length} printouts: the initial contents + ${edits.length} edits, each exactly as written`,
        },
        {
          label: "detection latency",
          book: `up to the ${BOOK_POLL_MS} ms poll interval (not measured in the book)`,
          ours: `mean ${mean.toFixed(1)} ms, max ${max.toFixed(1)} ms with a ${run.pollMs} ms interval`,
        },
      ],
    },
    {
      kind: "notice",
      lines: [
        "A change is seen at the watcher's next look: the latency is somewhere " +
          "between 0 and one poll interval (plus scheduling), never instant.",
        `Polling costs a stat() every interval, changed or not: ` +
          `${run.statCalls} calls for ${edits.length} edits. An OS notification ` +
          `(fs.watch, inotify) would wake only on change.`,
        "The watcher's first look always counts as a change (last_modified " +
          "starts as None), so main prints the file once at start — as the book's " +
          "does.",
      ],
    },
  ];
}
