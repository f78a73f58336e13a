/**
 * The child process of E7.5's ctrl-c experiment: the book's `cleanup()` in three
 * arrangements, chosen by argv[2]. The parent sends it real SIGINTs.
 *
 *   loop     installs the ctrl-c handler at once; prints `ctrl-c received!` on each
 *            SIGINT and exits on the third (the book's loop, L5619-5622);
 *   blocked  blocks its main thread for argv[3] ms *before* installing the handler
 *            (the book's pitfall, L5625-5630): a SIGINT meanwhile gets the default
 *            action — the process dies, no cleanup runs;
 *   fixed    installs the handler first, then blocks (the book's fix, L5641-5661):
 *            the SIGINT waits until the thread is free, then the handler runs.
 *
 * Invariant: every line is printed the moment it happens (stdout is a pipe, written
 * synchronously), and "ready" is printed only once the arrangement is in place, so
 * the parent knows when to send.
 */
import { writeSync } from "node:fs";
// A child process loads this at start-up: import the one narrow module it needs, not
// the public index (which loads the whole library).
import { blockingSleep } from "../../runtime/blocking.js";

const say = (line: string): void => void writeSync(1, line + "\n");
const [mode, blockArg] = process.argv.slice(2);
const blockMs = Number(blockArg ?? 0);

function installCleanup(): void {
  say("cleanup background task started");
  let count = 0;
  process.on("SIGINT", () => {
    count++;
    say("ctrl-c received!");
    if (count === 3) {
      say("cleanup done, exiting");
      process.exit(0);
    }
  });
}

if (mode === "loop") {
  installCleanup();
  say("ready");
  setInterval(() => {}, 1 << 30); // stay alive until the third ctrl-c
} else if (mode === "blocked") {
  say("ready");
  say(`main thread blocked for ${blockMs} ms before the handler exists`);
  blockingSleep(blockMs);
  installCleanup();
  setInterval(() => {}, 1 << 30);
} else if (mode === "fixed") {
  installCleanup();
  say("ready");
  say(`main thread blocked for ${blockMs} ms, the handler already installed`);
  blockingSleep(blockMs);
  say("main thread free again");
  setInterval(() => {}, 1 << 30);
} else {
  say(`unknown mode ${String(mode)}`);
  process.exit(2);
}
