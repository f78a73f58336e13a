/**
 * E1.7 and E1.8: processes are isolated, so the parent talks to a child only
 * through what the OS provides — a signal, and the child's stdin/stdout.
 *
 * E1.7: the child loops forever (print, sleep, print its PID). The book kills it
 * from another terminal with `kill <pid>`; here the parent sends the same SIGTERM
 * once it has seen the child speak twice, and reads the exit status: no exit code,
 * terminated by signal 15.
 * E1.8: the child prints its PID and echoes each stdin line as `Received: …`;
 * the book pipes `echo "Hello from the terminal"` into it, the parent here writes
 * the same line (and one more) into the child's stdin pipe and closes it.
 */
import { constants } from "node:os";
import type { Block, LabOptions } from "../types.js";
import { exited, onLines, spawnChild, type ExitStatus } from "./child-process.js";
import { bookMs } from "../book-time.js";

/** The book's 4 s between the child's prints, time-scaled, but at least this (a print storm teaches nothing). */
const MIN_LOOP_MS = 20;
/** Loop iterations the parent waits to see before it sends SIGTERM. */
const LOOPS_BEFORE_KILL = 2;

export interface KillRun {
  pid: number;
  lines: string[];
  status: ExitStatus;
  signalNumber: number | null;
}

export async function runKill(opts: LabOptions): Promise<KillRun> {
  const loopMs = bookMs(opts, 4, MIN_LOOP_MS);
  const child = spawnChild(["loop", String(loopMs)]);
  const pid = child.pid!;
  const lines = [`Child process spawned with PID: ${pid}`];
  let seen = 0;
  onLines(child, (line) => {
    lines.push(line);
    if (line.startsWith("Child process ID:") && ++seen === LOOPS_BEFORE_KILL) {
      lines.push(`(parent) kill ${pid}   — sending SIGTERM`);
      child.kill("SIGTERM");
    }
  });
  const status = await exited(child);
  const signalNumber = status.signal === null ? null : constants.signals[status.signal];
  lines.push(
    `Child process terminated with status: ` +
      `${status.signal === null ? `exit code ${status.code}` : `signal: ${signalNumber} (${status.signal})`}`,
  );
  return { pid, lines, status, signalNumber };
}

export interface EchoRun {
  pid: number;
  sent: string[];
  lines: string[];
  status: ExitStatus;
}

export const ECHO_LINES = ["Hello from the terminal", "and a second line, through the same pipe"];

export async function runEcho(): Promise<EchoRun> {
  const child = spawnChild(["echo"], "pipe");
  const lines: string[] = [];
  onLines(child, (line) => lines.push(line));
  for (const line of ECHO_LINES) child.stdin!.write(`${line}\n`);
  child.stdin!.end(); // EOF: the child's read loop ends and it exits by itself
  const status = await exited(child);
  return { pid: child.pid!, sent: ECHO_LINES, lines, status };
}

export function processBlocks(kill: KillRun, echo: EchoRun): Block[] {
  return [
    { kind: "text", title: "E1.7 a child that loops forever, ended by SIGTERM", lines: kill.lines },
    {
      kind: "text",
      title:
        `E1.8 a child that reads stdin (pid ${echo.pid}); the parent wrote ` +
        `${echo.sent.length} lines and closed the pipe`,
      lines: [...echo.lines, `(child exited with code ${echo.status.code})`],
    },
    {
      kind: "book",
      rows: [
        {
          label: "kill <pid>",
          book: "Child process terminated with status: ExitStatus(…) — signal 15, SIGTERM (L402-406)",
          ours: kill.lines.at(-1)!.replace("Child process terminated with status: ", ""),
        },
        {
          label: "echo … | child",
          book: "Received: Hello from the terminal",
          ours: echo.lines.find((l) => l.startsWith("Received:")) ?? "(nothing received)",
        },
      ],
    },
    {
      kind: "notice",
      lines: [
        `The child's PID (${kill.pid}) is not ours (${process.pid}): it is a ` +
          `separate process, with its own memory — we could not hand it a ` +
          `function, only a program to run.`,
        "A signal is the bluntest channel: SIGTERM has no handler in the child, " +
          "so the OS ends it and the parent sees a signal instead of an exit " +
          "code.",
        "stdin/stdout are byte pipes: the child blocks reading a line; closing " +
          "the pipe (EOF) lets it finish on its own.",
      ],
    },
  ];
}
