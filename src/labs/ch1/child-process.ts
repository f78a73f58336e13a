/**
 * Starting and watching child.ts, from the parent's side. A child is a real OS
 * process (its own PID, its own V8, no shared memory): the only ways in are argv,
 * stdin, signals; the only ways out are stdout/stderr and the exit status.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { siblingModule } from "../../index.js";

const script = siblingModule(import.meta.url, "child");

/**
 * `node child.js <args>` — or, from TypeScript sources (tests, `tsx`), `node --import tsx child.ts`,
 * which is still one process (tsx is a loader hook, not a wrapper that would swallow signals).
 */
export function spawnChild(args: string[], stdin: "pipe" | "ignore" = "ignore"): ChildProcess {
  const path = fileURLToPath(script);
  const node = path.endsWith(".ts") ? ["--import", "tsx", path] : [path];
  return spawn(process.execPath, [...node, ...args], { stdio: [stdin, "pipe", "inherit"] });
}

/** Call `onLine` for every line the child prints. */
export function onLines(child: ChildProcess, onLine: (line: string) => void): void {
  createInterface({ input: child.stdout! }).on("line", onLine);
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The child's exit status, once it has exited and its stdout is drained. */
export function exited(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
}
