#!/usr/bin/env node
/**
 * Entry point of the `lab` command.
 *
 * Started by a person (or npx), it supervises (bin/supervisor.ts): the run happens in a
 * child process, and this process guarantees the exit — within a second of Ctrl-C or
 * SIGTERM, with no process or temp file left behind. In that child (`ASYNC_LAB_CHILD`),
 * it runs the CLI, and a stop request from the supervisor becomes an aborted
 * `AbortSignal` that every experiment receives.
 */
import { fileURLToPath } from "node:url";
import { CHILD_ENV, GRACE_MS, supervise, type StopMessage } from "./supervisor.js";

const argv = process.argv.slice(2);

if (process.env[CHILD_ENV] !== "1") {
  // The supervisor loads nothing but node builtins, so its signal handlers are in place
  // within milliseconds of starting — before the CLI and every lab are even loaded.
  supervise(fileURLToPath(import.meta.url), argv);
} else {
  await runChild();
}

async function runChild(): Promise<void> {
  // `lab ch2 | head`: the reader went away; that is not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const controller = new AbortController();
  const stop = (reason: "SIGINT" | "SIGTERM"): void => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    // If the experiment ignores the signal, do not outlive the supervisor's patience.
    setTimeout(() => process.exit(reason === "SIGTERM" ? 143 : 130), GRACE_MS).unref();
  };
  if (process.send !== undefined) {
    // Supervised: the supervisor counts Ctrl-Cs (a terminal's Ctrl-C may reach both
    // processes), so a SIGINT here only asks to stop — it never exits at once. It arrives
    // from the supervisor's group-mate terminal, or raised by the interactive heater, whose
    // raw-mode terminal turns Ctrl-C into a key.
    process.on("SIGINT", () => stop("SIGINT"));
    process.channel?.unref(); // the IPC channel alone must not keep the run alive
    process.on("message", (m: StopMessage) => stop(m.stop));
    // The supervisor died (SIGKILL): stop, as if it had sent SIGTERM.
    process.on("disconnect", () => stop("SIGTERM"));
  } else {
    // Started by hand with ASYNC_LAB_CHILD=1: handle signals here, second one exits at once.
    process.on("SIGINT", () => (controller.signal.aborted ? process.exit(130) : stop("SIGINT")));
  }
  process.on("SIGTERM", () => (controller.signal.aborted ? process.exit(143) : stop("SIGTERM")));
  const { main } = await import("./cli.js");
  void main(argv, undefined, controller.signal).then((code) => {
    process.exitCode = code;
    // Interrupted: whatever the stopped experiment left open (sockets, timers) is not waited for.
    if (controller.signal.aborted) process.exit(code);
  });
}
