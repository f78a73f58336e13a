/**
 * The `lab` process as a supervisor: it runs the real work in a child process and
 * owns what must happen however that child behaves.
 *
 * Why a second process: a signal handler in Node runs on the event loop, and an
 * experiment deep in a synchronous loop (a simulated run of a million tasks, a busy
 * poll) does not return to the loop until it is done — no handler, no timer can stop it
 * from inside. The supervisor's loop is always free, so:
 *
 * 1. First SIGINT / SIGTERM: print that the run is stopping, tell the child over IPC
 *    (the child aborts `LabOptions.signal`; experiments return what they have), and arm
 *    a grace timer.
 * 2. Second signal, or the grace timer firing: kill the child and everything it started
 *    (it runs in its own process group, so grandchildren re-parented to init go too).
 * 3. However the child ended: kill what is left of its group, remove the run's temp
 *    directory, exit with the child's code — 130 after SIGINT, 143 after SIGTERM.
 *
 * The temp directory: the child gets `TMPDIR` pointing at a fresh directory, so every
 * `os.tmpdir()` below it (labs, their child processes) lands inside, and step 3 removes
 * it all without the labs having to register anything.
 *
 * The one exception to the process group: `--interactive` on a terminal needs the
 * terminal's foreground group (raw keys), so that child stays in ours. Descendants are
 * also found through /proc (bin/process-tree.ts) and killed one by one, which covers
 * that case and any grandchild that started a group of its own.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { descendants } from "./process-tree.js";

/** How long an experiment has to return after the first signal (the promise: stopped within 1 s). */
export const GRACE_MS = 800;
/** Set in the child's environment: run the CLI there instead of supervising again. */
export const CHILD_ENV = "ASYNC_LAB_CHILD";

export interface StopMessage {
  stop: "SIGINT" | "SIGTERM";
}

const EXIT_FOR = { SIGINT: 130, SIGTERM: 143 } as const;

export function supervise(script: string, argv: string[]): void {
  const runDir = mkdtempSync(join(tmpdir(), "async-lab-"));
  const interactive = process.stdin.isTTY === true && argv.includes("--interactive");
  // Memory rows of `lab bench` measure the heap after forced collections.
  const nodeArgs = [...process.execArgv, ...(argv.includes("bench") ? ["--expose-gc"] : []), script, ...argv];
  const child = spawn(process.execPath, nodeArgs, {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, TMPDIR: runDir, [CHILD_ENV]: "1" },
    detached: !interactive,
  });
  let stopping: "SIGINT" | "SIGTERM" | undefined;
  let finished = false;

  const killAll = (): void => {
    if (child.pid === undefined) return;
    // Listed before anything is killed: once a process dies its children are re-parented
    // and can no longer be found below it. The list also catches a grandchild that left
    // the group (`detached`), which the group kill would miss.
    const pids = [child.pid, ...descendants(child.pid)];
    try {
      if (!interactive) process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  const finish = (code: number): void => {
    if (finished) return;
    finished = true;
    killAll();
    rmSync(runDir, { recursive: true, force: true });
    process.exit(code);
  };

  const onSignal = (signal: "SIGINT" | "SIGTERM"): void => {
    if (stopping !== undefined) return finish(EXIT_FOR[stopping]);
    stopping = signal;
    process.stderr.write(
      signal === "SIGINT" ? "\nlab: stopping… (Ctrl-C again to quit at once)\n" : "lab: SIGTERM: stopping…\n",
    );
    if (child.connected) child.send({ stop: signal } satisfies StopMessage, () => {});
    setTimeout(() => finish(EXIT_FOR[signal]), GRACE_MS);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  // A reader that went away (`lab ch2 | head`) is not an error worth a stack trace.
  process.stdout.on("error", () => finish(0));

  child.on("error", (error) => {
    process.stderr.write(`lab: could not start: ${error.message}\n`);
    finish(1);
  });
  child.on("exit", (code, signal) => {
    if (stopping !== undefined && (code === 0 || code === null)) return finish(EXIT_FOR[stopping]);
    finish(code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1));
  });
}
