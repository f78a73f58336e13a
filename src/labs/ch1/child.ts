/**
 * The child process of `lab ch1`: one script, three roles, chosen by argv
 * (the book's binary re-spawning itself with `task 1` / `task 6`).
 *
 *   tasks <sleep|cpu> <first> <count> <taskMs> <fibN> <reps>
 *       runs `count` tasks, printing `Task {n} completed in process: {pid}` after
 *       each, then `#worked {ms}` (the time inside the loop, start-up excluded);
 *   loop <ms>
 *       forever: `This is the child process speaking!`, sleep, `Child process ID: {pid}`
 *       — until a signal ends it (no handler: SIGTERM's default action terminates);
 *   echo
 *       `process ID: {pid}`, then `Received: {line}` for every stdin line, until EOF.
 */
import { createInterface } from "node:readline";
// A child process loads this at start-up, and start-up is part of what E1.6 measures:
// import the one narrow module needed, not the public index (which loads the whole library).
import { blockingSleep } from "../../runtime/blocking.js";
import { runTask, type TaskKind } from "./work.js";

const [role, ...args] = process.argv.slice(2);

function tasks(): void {
  const [kind, first, count, taskMs, n, reps] = args;
  const start = performance.now();
  for (let i = 0; i < Number(count); i++) {
    runTask(kind as TaskKind, Number(taskMs), { n: Number(n), reps: Number(reps) });
    console.log(`Task ${Number(first) + i} completed in process: ${process.pid}`);
  }
  console.log(`#worked ${(performance.now() - start).toFixed(3)}`);
}

function loop(): void {
  const ms = Number(args[0]);
  // A synchronous loop, as the book's: the process is busy sleeping, not idling in an event loop.
  for (;;) {
    console.log("This is the child process speaking!");
    blockingSleep(ms);
    console.log(`Child process ID: ${process.pid}`);
  }
}

function echo(): void {
  console.log(`process ID: ${process.pid}`);
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => console.log(`Received: ${line}`));
}

if (role === "tasks") tasks();
else if (role === "loop") loop();
else if (role === "echo") echo();
else {
  console.error(`child.ts: unknown role ${JSON.stringify(role)} (expected tasks, loop or echo)`);
  process.exit(2);
}
