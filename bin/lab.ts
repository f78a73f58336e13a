#!/usr/bin/env node
/**
 * Entry point of the `lab` command. Owns the process: SIGINT handling, the
 * `--expose-gc` re-exec that memory benchmarks need, and the exit code.
 */
import { spawnSync } from "node:child_process";
import { main } from "./cli.js";

const argv = process.argv.slice(2);

// `lab ch2 | head`: the reader went away; that is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

if (argv.includes("bench") && typeof (globalThis as { gc?: unknown }).gc !== "function") {
  // Memory rows measure the heap after forced collections: re-run with --expose-gc.
  const child = spawnSync(process.execPath, ["--expose-gc", ...process.execArgv, process.argv[1]!, ...argv], { stdio: "inherit" });
  process.exitCode = child.status ?? (child.signal === "SIGINT" ? 130 : 1);
} else {
  const controller = new AbortController();
  // First Ctrl-C (or SIGTERM): ask experiments to stop and report what they have — the signal's
  // name is the abort reason, so main() can exit 130 or 143. Second: leave now.
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort("SIGINT");
  };
  const onSigterm = (): void => {
    if (controller.signal.aborted) process.exit(143);
    controller.abort("SIGTERM");
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  main(argv, undefined, controller.signal).then((code) => {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    process.exitCode = code;
  });
}
