/**
 * E7.5 / E7.6 graceful shutdown on SIGINT / SIGTERM: stop accepting, finish in-flight
 * work within a deadline, extract every thread's state, exit 130 / 143.
 */
import { PoolHandle, ThreadPool } from "../../index.js";

import { KEYS, show } from "./pool-harness.js";
import type { ExperimentResult, LabOptions } from "../types.js";
import { task, bookSecond, startedPool } from "./pool-harness.js";

// ---------------------------------------------------------------- E7.5 / E7.6 graceful shutdown with state extraction

/** Rounds of the workload (the book runs 100,000 × 5 keys; each task bumps its key twice → 200,000 per key). */
const ROUNDS = 10_000;
const CHUNK_ROUNDS = 200;
/** Longest a real signal is waited for with `--until-signal`. */
const UNTIL_SIGNAL_CAP_MS = 60_000;

async function extractAll(pool: ThreadPool): Promise<Record<number, number>> {
  const parts = await Promise.all(
    Array.from({ length: pool.size }, (_, i) => pool.spawnPinnedByIdx<Record<number, number>>(task("extract"), i)),
  );
  const merged: Record<number, number> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) merged[+k] = (merged[+k] ?? 0) + v;
  return merged;
}

/** Chunks in flight at once: the next is queued while the previous runs, so a stop always finds queued work. */
const PIPELINE = 2;

/**
 * Submit rounds in chunks until `stop()` says so (or `rounds` run out), keeping
 * {@link PIPELINE} chunks in flight; returns rounds submitted. Handles not yet
 * settled are in `inFlight`.
 */
async function produce(
  pool: ThreadPool,
  rounds: number,
  stop: (submitted: number) => boolean,
  inFlight: Set<PoolHandle<unknown>>,
  serveMs: number,
): Promise<number> {
  let done = 0;
  const chunks: Promise<unknown>[] = [];
  while (done < rounds && !stop(done)) {
    const chunk: PoolHandle<unknown>[] = [];
    // A little real work on every worker first: the in-flight requests a shutdown must let finish.
    if (serveMs > 0) for (let i = 0; i < pool.size; i++) chunk.push(pool.spawnPinnedByIdx(task("serve", serveMs), i));
    for (let r = 0; r < CHUNK_ROUNDS && done < rounds; r++, done++)
      for (const k of KEYS) chunk.push(pool.spawnPinned(task("tally", k)));
    for (const h of chunk) {
      inFlight.add(h);
      void h.toPromise().then(
        () => inFlight.delete(h),
        () => inFlight.delete(h),
      );
    }
    chunks.push(Promise.allSettled(chunk));
    // Checked right after submitting, so a stop finds this chunk queued.
    if (stop(done)) break;
    if (chunks.length >= PIPELINE) await chunks.shift();
  }
  if (!stop(done)) await Promise.all(chunks);
  return done;
}

/**
 * Send this process a real SIGINT and resolve when it has been delivered. The handlers
 * already installed (the CLI's: first ctrl-c = stop, second = exit 130) are set aside
 * until it arrives, so the lab's own signal is not taken for the user's ctrl-c; they
 * are restored the moment it is handled.
 */
function sigintToSelf(): Promise<void> {
  const saved = process.listeners("SIGINT");
  for (const l of saved) process.off("SIGINT", l);
  return new Promise((resolve) => {
    process.once("SIGINT", () => {
      for (const l of saved) process.on("SIGINT", l);
      resolve();
    });
    process.kill(process.pid, "SIGINT");
  });
}

export async function shutdownExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const SECOND = bookSecond(opts);
  const untilSignal = opts.extra.untilSignal === true;
  const deadlineMs = 5 * SECOND;
  const lines: string[] = [];
  // Waiting for the user's own Ctrl-C, they need to see progress as it happens; a
  // self-interrupted run takes a moment, and its lines come once, in the result.
  const say = (line: string): void => {
    lines.push(line);
    if (untilSignal) opts.log(line);
  };
  const pool = await startedPool({ workers: 4, name: "local-pool" });

  // 1. The whole workload, then the state of all four threads (E7.6's normal exit).
  const t = performance.now();
  await produce(pool, ROUNDS, () => false, new Set(), 0);
  const fullMs = performance.now() - t;
  const complete = await extractAll(pool);
  say("All futures completed");
  say(`Complete counter: ${show(complete)}`);
  await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.spawnPinnedByIdx(task("resetTallies"), i)));

  // 2. The workload again, interrupted: by SIGINT/SIGTERM (the CLI turns them into opts.signal),
  //    or — without a signal — by ourselves halfway, so the default run shows the same path.
  const inFlight = new Set<PoolHandle<unknown>>();
  const self = new AbortController();
  let reason = "";
  const onSignal = (): void => {
    reason = String(opts.signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT (ctrl-c)");
  };
  opts.signal.addEventListener("abort", onSignal, { once: true });
  if (opts.signal.aborted) onSignal();
  const stop = (): boolean => opts.signal.aborted || self.signal.aborted;
  let selfTimer: NodeJS.Timeout | undefined;
  if (untilSignal) {
    say(`running until SIGINT or SIGTERM (pid ${process.pid})`);
    selfTimer = setTimeout(() => {
      reason = `no signal within ${UNTIL_SIGNAL_CAP_MS / 1000} s`;
      self.abort();
    }, UNTIL_SIGNAL_CAP_MS);
  }
  // Without --until-signal: halfway through, send ourselves a real SIGINT (chunks are still in flight then).
  let sent = false;
  const stopOrHalfway = (done: number): boolean => {
    if (!untilSignal && !sent && !stop() && done >= ROUNDS / 2) {
      sent = true;
      void sigintToSelf().then(() => {
        reason = 'SIGINT (sent by the lab to itself halfway: process.kill(process.pid, "SIGINT"))';
        self.abort();
      });
    }
    return stop();
  };
  let submitted = 0;
  try {
    while (!stop()) submitted += await produce(pool, ROUNDS, stopOrHalfway, inFlight, SECOND / 10);
  } finally {
    clearTimeout(selfTimer);
    opts.signal.removeEventListener("abort", onSignal);
  }
  say(`${reason} received! stopping: no new work accepted`);
  const t2 = performance.now();
  // Queued work is dropped (it never runs); running work is asked to stop and given until the deadline.
  let cancelled = 0;
  for (const h of inFlight) if (h.cancel() && h.state === "cancelled") cancelled++;
  const waited = await Promise.race([
    Promise.allSettled([...inFlight]).then(() => true),
    new Promise<boolean>((resolve) => setTimeout(resolve, deadlineMs, false).unref()),
  ]);
  say(
    `in-flight tasks ${waited ? "finished" : "still running"} after ` +
      `${(performance.now() - t2).toFixed(0)} ms (deadline ${deadlineMs} ms); ` +
      `${cancelled} queued tasks cancelled`,
  );
  const partial = await extractAll(pool);
  say(`Complete counter: ${show(partial)}`);
  await pool.close({ mode: "cancel", deadlineMs });
  say(`cleanup: pool closed, ${pool.size} workers stopped`);

  const exit = opts.signal.aborted ? (opts.signal.reason === "SIGTERM" ? 143 : 130) : 0;
  return {
    blocks: [
      {
        kind: "text",
        title:
          "graceful shutdown (4 pinned worker threads, per-thread tallies; the " +
          "book's Figure 7-3: state extracted from every thread)",
        lines,
      },
      {
        kind: "table",
        title:
          `the workload: ${ROUNDS.toLocaleString("en")} rounds × ${KEYS.length} ` +
          `keys, each task bumps its key twice`,
        columns: [
          { header: "run" },
          { header: "rounds submitted" },
          { header: "total counted" },
          { header: "time", unit: "ms", digits: 0 },
        ],
        rows: [
          ["complete", ROUNDS, Object.values(complete).reduce((a, b) => a + b, 0), fullMs],
          ["interrupted", submitted, Object.values(partial).reduce((a, b) => a + b, 0), performance.now() - t2],
        ],
      },
      {
        kind: "book",
        rows: [
          {
            label: "complete",
            book: "Complete counter: {1: 200000, 4: 200000, 2: 20000...} (L5749; 100,000 rounds)",
            ours: `${show(complete)} (${ROUNDS.toLocaleString("en")} rounds)`,
          },
          { label: "interrupted", book: "e.g. {2: 100000, 3: 32290, 1: 200000...} (L5750)", ours: show(partial) },
          {
            label: "exit",
            book: "ctrl-c handler, then the program exits",
            ours:
              exit === 0
                ? "our own SIGINT handled, the run goes on: exit 0 (yours → 130, SIGTERM → 143)"
                : `exit ${exit}`,
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "Node does not die on SIGINT once a handler is installed: the CLI's " +
            "handler turns it into an AbortSignal, this experiment stops producing, " +
            "lets in-flight tasks end within the deadline, reads every thread's " +
            "state through tasks pinned by index, then cleans up.",
          "A blocking task cannot be interrupted from outside its thread; past " +
            "the deadline close() terminates the workers (those tasks fail with " +
            "PoolClosedError).",
          "A second ctrl-c exits at once (130); `lab ch7 ctrl-c` runs the book's " +
            "three-ctrl-c loop and its blocked-main-thread pitfall in a child " +
            "process.",
        ],
      },
    ],
  };
}
