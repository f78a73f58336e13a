/**
 * E7.5 ctrl-c, for real: a child process running the book's `cleanup()` is sent real
 * SIGINTs by this lab (`child.kill("SIGINT")`, what a terminal's ctrl-c delivers).
 *
 *   1. the book's loop: three ctrl-c, three `ctrl-c received!`, exit on the third;
 *   2. the book's pitfall: the main thread blocks before the handler exists, and one
 *      ctrl-c kills the program — no cleanup line, killed by SIGINT;
 *   3. the fix: the handler first; the ctrl-c arrives during the block, waits, and the
 *      handler runs once the thread is free.
 *
 * Invariant: a signal is sent only after the child printed "ready" (its arrangement in
 * place) — or, for the blocked thread, while it is provably inside its block.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { siblingModule } from "../../index.js";
import { bookMs } from "../book-time.js";
import { table } from "../table.js";
import type { ExperimentResult, LabOptions } from "../types.js";

const script = siblingModule(import.meta.url, "ctrl-c-child");

interface ChildRun {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  sent: number;
}

/** Start the child; `onLine` sees every line (and may signal the child). */
function runChild(
  args: string[],
  onLine: (line: string, child: ChildProcess, run: ChildRun) => void,
): Promise<ChildRun> {
  const path = fileURLToPath(script);
  const node = path.endsWith(".ts") ? ["--import", "tsx", path] : [path];
  const child = spawn(process.execPath, [...node, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const run: ChildRun = { lines: [], code: null, signal: null, sent: 0 };
  createInterface({ input: child.stdout! }).on("line", (line) => {
    run.lines.push(line);
    onLine(line, child, run);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ ...run, code, signal }));
  });
}

const ctrlC = (child: ChildProcess, run: ChildRun): void => {
  run.sent++;
  run.lines.push("  ⇐ SIGINT (ctrl-c) sent by the lab");
  child.kill("SIGINT");
};

export async function ctrlCExperiment(opts: LabOptions): Promise<ExperimentResult> {
  // The book blocks for 5 s; scaled, but long enough to land a signal inside the block.
  const blockMs = bookMs(opts, 5, 300);
  const loop = await runChild(["loop"], (line, child, run) => {
    if (line === "ready" || (line === "ctrl-c received!" && run.sent < 3)) ctrlC(child, run);
  });
  const blocked = await runChild(["blocked", String(blockMs)], (line, child, run) => {
    if (line.startsWith("main thread blocked")) setTimeout(() => ctrlC(child, run), blockMs / 3);
  });
  const fixed = await runChild(["fixed", String(blockMs)], (line, child, run) => {
    if (line.startsWith("main thread blocked")) setTimeout(() => ctrlC(child, run), blockMs / 3);
    if (line === "ctrl-c received!" && run.sent < 3) ctrlC(child, run);
  });
  const status = (r: ChildRun) => (r.signal !== null ? `killed by ${r.signal}` : `exit ${r.code}`);
  const cleaned = (r: ChildRun) => r.lines.includes("cleanup done, exiting");
  const show = (r: ChildRun) => r.lines.filter((l) => l !== "ready");
  return {
    blocks: [
      { kind: "text", title: "1. the book's cleanup loop: exit on the third ctrl-c", lines: show(loop) },
      {
        kind: "text",
        title: `2. the book's pitfall: the main thread blocks ${blockMs} ms before the handler exists`,
        lines: show(blocked),
      },
      { kind: "text", title: "3. the fix: the handler first, then the block", lines: show(fixed) },
      table(
        "real SIGINTs to a child process",
        ["run", "ctrl-c sent", "handler ran", "cleanup ran", "ended"],
        [
          [
            "the book's loop",
            loop.sent,
            loop.lines.filter((l) => l === "ctrl-c received!").length,
            cleaned(loop),
            status(loop),
          ],
          [
            "blocked before the handler",
            blocked.sent,
            blocked.lines.filter((l) => l === "ctrl-c received!").length,
            cleaned(blocked),
            status(blocked),
          ],
          [
            "handler first, then blocked",
            fixed.sent,
            fixed.lines.filter((l) => l === "ctrl-c received!").length,
            cleaned(fixed),
            status(fixed),
          ],
        ],
      ),
      {
        kind: "book",
        rows: [
          {
            label: "loop",
            book: "ctrl-c received! ×3, exit on the third (L5619-5622)",
            ours: `${loop.lines.filter((l) => l === "ctrl-c received!").length} × ctrl-c received!, ${status(loop)}`,
          },
          {
            label: "blocked main",
            book: "ctrl-c kills the program, no cleanup (L5625-5630)",
            ours: `${status(blocked)}, cleanup ${cleaned(blocked) ? "ran" : "never ran"}`,
          },
        ],
      },
      { kind: "notice", lines: ctrlCNotices(blocked.signal, fixed.lines) },
    ],
  };
}

/** The E7.5 lines, computed from how the blocked child ended and the order of the fixed child's lines. */
export function ctrlCNotices(blockedSignal: NodeJS.Signals | null, fixedLines: readonly string[]): string[] {
  const free = fixedLines.indexOf("main thread free again");
  const handled = fixedLines.indexOf("ctrl-c received!");
  return [
    blockedSignal === "SIGINT"
      ? "Blocked before its handler existed, the program died of the SIGINT " +
        "itself: the default action, no cleanup — the book's pitfall."
      : "The blocked program was not killed by the SIGINT this time (the signal " +
        "arrived after the handler was installed).",
    handled > free && free >= 0
      ? "With the handler installed first, the ctrl-c that arrived during the " +
        "block waited: the handler ran after the thread was free, and cleanup " +
        "ran."
      : "With the handler installed first, the handler's line did not come after the block ended in this run.",
    "Node runs a signal handler on its event loop: a blocked main thread " +
      "delays it, never loses it — once a handler exists.",
  ];
}
