/**
 * E2.8 the async audit logger: writes spawned as tasks share one file behind one lock;
 * a write that finds the file locked wakes itself and tries again.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import {
  BaseFuture,
  fromPromise,
  joinAll,
  LiveRuntime,
  Mutex,
  PENDING,
  randomInt,
  seededRandom,
  type Context,
  type JoinHandle,
  type MutexGuard,
  type Poll,
} from "../../index.js";

import type { Experiment } from "../types.js";

/** The book's `AsyncFileHandle = Arc<Mutex<File>>`: one open file, one lock. */
type AsyncFileHandle = Mutex<FileHandle>;

/** The book's `get_handle`: open for appending, creating the file if it does not exist. */
async function getHandle(path: string): Promise<AsyncFileHandle> {
  return new Mutex(await open(path, "a"));
}

/** What the loggers printed, and how often each entry found the file locked. */
interface AuditLog {
  lines: string[];
  failures: Map<string, number>;
  /** Entries whose failure is already printed since the last write: a spinning retry prints once per write, not once
   * per poll (that can be hundreds). */
  reported: Set<string>;
}

function failed(log: AuditLog, entry: string): void {
  log.failures.set(entry, (log.failures.get(entry) ?? 0) + 1);
  if (log.reported.has(entry)) return;
  log.reported.add(entry);
  log.lines.push(`error for ${entry} : try_lock failed`);
}

function written(log: AuditLog, entry: string): void {
  log.reported.clear();
  log.lines.push(`written for: ${entry}`);
}

/**
 * The book's `AsyncWriteFuture`: try-lock the file handle; on failure print, wake
 * itself and return PENDING (never block the executor waiting for the lock).
 *
 * One difference, and it is the one that makes contention possible on one thread:
 * the book's write is a blocking `write_all` on a Tokio worker, and the other tasks
 * try the lock from *other threads* meanwhile. Here the write is Node's async file
 * write, and the guard is held until it completes — so while it is in flight the
 * other tasks on this thread are polled, and find the file locked. (Rejected: a
 * blocking `writeSync` under the lock — then the lock is free again before poll
 * returns, and `try_lock` could never fail on a single thread.)
 */
class AsyncWriteFuture extends BaseFuture<boolean> {
  private guard: MutexGuard<FileHandle> | null = null;
  private write: BaseFuture<unknown> | null = null;
  constructor(
    private readonly handle: AsyncFileHandle,
    readonly entry: string,
    private readonly log: AuditLog,
  ) {
    super();
  }
  poll(cx: Context): Poll<boolean> {
    if (this.guard === null) {
      this.guard = this.handle.tryLock();
      if (this.guard === null) {
        failed(this.log, this.entry);
        cx.waker.wake();
        return PENDING;
      }
      this.write = fromPromise(this.guard.value.write(`${this.entry}\n`));
    }
    if (this.write!.poll(cx) === PENDING) return PENDING;
    this.guard.release();
    written(this.log, this.entry);
    return true;
  }
}

/** The book's `write_log`: spawn the write as a task, hand back its join handle. */
function writeLog(rt: LiveRuntime, handle: AsyncFileHandle, entry: string, log: AuditLog): JoinHandle<boolean> {
  return rt.spawn(new AsyncWriteFuture(handle, entry, log));
}

const AUDIT_NAMES = ["one", "two", "three", "four", "five", "six"];

interface AuditRun {
  spawnOrder: string[];
  log: AuditLog;
  login: string[];
  logout: string[];
}

/** One run of the book's main: every name to login.txt and logout.txt, spawned in `order`, joined. */
async function auditRun(dir: string, order: string[]): Promise<AuditRun> {
  const loginPath = joinPath(dir, "login.txt");
  const logoutPath = joinPath(dir, "logout.txt");
  rmSync(loginPath, { force: true });
  rmSync(logoutPath, { force: true });
  const login = await getHandle(loginPath);
  const logout = await getHandle(logoutPath);
  const log: AuditLog = { lines: [], failures: new Map(), reported: new Set() };
  // A small poll budget: the spinning retries hand the thread back to Node often, so the writes complete.
  const rt = new LiveRuntime({ pollBudget: 64 });
  try {
    const handles: JoinHandle<boolean>[] = [];
    for (const name of order) {
      handles.push(writeLog(rt, login, name, log));
      handles.push(writeLog(rt, logout, name, log));
    }
    await rt.blockOn(joinAll(handles));
  } finally {
    await login.data.close();
    await logout.data.close();
  }
  const lines = (path: string) =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l !== "");
  return { spawnOrder: order, log, login: lines(loginPath), logout: lines(logoutPath) };
}

/** A seeded Fisher–Yates shuffle: the same seed, the same spawn order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Consecutive `error for X : try_lock failed` lines become one line naming every entry
 * and how many lines it stands for, so the printout reads in one sitting.
 */
export function collapseErrors(lines: readonly string[]): string[] {
  const out: string[] = [];
  let names: string[] = [];
  const flush = (): void => {
    if (names.length === 1) out.push(`error for ${names[0]} : try_lock failed`);
    else if (names.length > 1)
      out.push(`error for ${names.join(", ")} : try_lock failed   (×${names.length} lines collapsed)`);
    names = [];
  };
  for (const line of lines) {
    const m = /^error for (\S+) : try_lock failed$/.exec(line);
    if (m !== null) names.push(m[1]!);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

export const auditLogger: Experiment = {
  id: "audit-logger",
  book: "E2.8",
  title: "Async audit logger: a try-lock write future, six names to two files",
  summary: "completion order is not spawn order; a locked file means retry, not block",
  async run(opts) {
    const dir = mkdtempSync(joinPath(tmpdir(), "async-lab-ch2-"));
    try {
      const bookOrder = await auditRun(dir, AUDIT_NAMES);
      const seededOrder = await auditRun(dir, shuffled(AUDIT_NAMES, opts.seed));
      const runs: [string, AuditRun][] = [
        ["book's spawn order", bookOrder],
        [`seeded shuffle (seed ${opts.seed})`, seededOrder],
      ];
      const failures = (r: AuditRun) => [...r.log.failures.values()].reduce((a, b) => a + b, 0);
      return {
        blocks: [
          {
            kind: "text",
            title:
              `printout, book's spawn order — collapsed: an error prints once per ` +
              `write, not per poll (${failures(bookOrder)} failed polls), and ` +
              `consecutive errors share one line`,
            lines: collapseErrors(bookOrder.log.lines),
          },
          {
            kind: "table",
            title: "spawn order vs what ended up in the files",
            columns: [
              { header: "run" },
              { header: "spawn order" },
              { header: "login.txt" },
              { header: "logout.txt" },
              { header: "try_lock failures" },
            ],
            rows: runs.map(([name, r]) => [
              name,
              r.spawnOrder.join(" "),
              r.login.join(" "),
              r.logout.join(" "),
              failures(r),
            ]),
          },
          {
            kind: "book",
            rows: [
              {
                label: "printout",
                book:
                  "error for six : try_lock failed because the operation would block · " +
                  "written for: five (L1752-1754)",
                ours: bookOrder.log.lines.slice(0, 7).join(" · ") + " …",
              },
              {
                label: "login.txt",
                book: 'one four three five two six (L1743-1757; "your file may have a different order")',
                ours: bookOrder.login.join(" "),
              },
            ],
          },
          {
            kind: "notice",
            lines: [
              "Every name lands exactly once in each file, but not in spawn order: " +
                "whichever task polls first after the lock is released gets it.",
              "On Tokio the order varies from run to run because worker threads race " +
                "for the lock. Here there is one thread: the order is fixed by the " +
                "schedule — the spawn order and how many retry rounds pass while each " +
                "async write is in flight (that last part is the OS's timing, so the " +
                "order can still vary between runs).",
              "The seeded shuffle changes the spawn order, and with it the file " +
                "order: never assume async work completes in the order it was started. " +
                "If order matters, one future must own a queue (L1762-1772).",
            ],
          },
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
