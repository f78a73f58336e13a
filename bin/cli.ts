/**
 * The `lab` command: parse arguments (commander), pick a lab, run it, render it.
 *
 * `main` returns the exit code and never calls `process.exit` itself, so it can be
 * tested in-process, and timers or sockets a lab leaves behind show up as a process that
 * does not exit (a bug) instead of being masked. Signals are `bin/lab.ts`'s business:
 * they reach `main` as an aborted `AbortSignal`.
 *
 * Every value is checked while the command line is parsed (bin/options.ts,
 * bin/chapter-options.ts), before anything runs: a usage error is one line on stderr and
 * exit 2, never a stack trace and never a half-finished run.
 *
 * Output order: an experiment's heading is printed before it starts, so the lines it
 * streams while running (`options.log`) land inside its own section.
 *
 * Exit codes: 0 success · 1 an experiment failed · 2 bad usage · 130 interrupted by
 * SIGINT · 143 stopped by SIGTERM.
 */
import chalk from "chalk";
import { Command, CommanderError, Option } from "commander";
import { suites } from "../bench/index.js";
import { chapters } from "../src/labs/index.js";
import { UsageError } from "../src/labs/types.js";
import { addBenchCommand } from "./bench-command.js";
import { addChapterCommand } from "./chapter-command.js";
import {
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_TERMINATED,
  EXIT_USAGE,
  type GlobalOptions,
  type Io,
} from "./command-kit.js";
import { parseSeed, parseTimeScale, parseTracePath } from "./options.js";
import { DEFAULT_WIDTH, terminalWidth, wrapLine } from "./render/width.js";
import { packageVersion } from "./version.js";

export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, EXIT_USAGE, type Io } from "./command-kit.js";

const defaultIo: Io = {
  out: (t) => process.stdout.write(t + "\n"),
  err: (t) => process.stderr.write(t + "\n"),
  // Progress is for a person watching: on a terminal only, never in a log file or a pipe.
  ...(process.stderr.isTTY ? { progress: (t: string) => process.stderr.write(t + "\n") } : {}),
  width: terminalWidth(),
};

function validNames(): string {
  return ["list", "bench", "help", ...chapters.map((c) => c.id)].join(", ");
}

/** Build the commander program. Exposed for tests. */
export function buildProgram(io: Io, setExit: (code: number) => void, signal: AbortSignal): Command {
  const program = new Command("lab")
    .description("Async Lab: the experiments of Async Rust (Flitton & Morton), rebuilt in TypeScript and measured")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--json", "print machine-readable JSON instead of tables")
    .option("--no-color", "disable colour (also: NO_COLOR=1)")
    .option("--seed <n>", "seed for every random choice, 0 to 4294967295", parseSeed, 1)
    .option(
      "--time-scale <x>",
      "multiplier on the book's durations (book 1 s → 1000·x ms), 0.005 to 10",
      parseTimeScale,
      0.01,
    )
    .addOption(
      new Option("--driver <driver>", "runtime driver for the experiments that use one (lab list marks them)")
        .choices(["sim", "live"])
        .default("sim"),
    )
    .option(
      "--trace <file>",
      "write the run's Chrome trace-event JSON (ch3 experiments record one; open in Perfetto)",
      parseTracePath,
    )
    .showHelpAfterError(false)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    // Commander's own error line is printed by `main`, as one line prefixed `lab:`.
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
      outputError: () => {},
    });
  program.addHelpCommand(false);

  program.hook("preAction", (cmd) => {
    const g = cmd.optsWithGlobals() as GlobalOptions;
    if (!g.color || (process.env.NO_COLOR ?? "") !== "") chalk.level = 0;
  });

  program
    .command("list")
    .description("list the chapters, their experiments and the bench suites")
    .action(function (this: Command) {
      const g = this.optsWithGlobals() as GlobalOptions;
      if (g.json) {
        io.out(JSON.stringify(listJson(), null, 2));
        return;
      }
      const width = io.width ?? DEFAULT_WIDTH;
      const say = (line: string, indent: number): void => io.out(wrapLine(line, width, " ".repeat(indent)).join("\n"));
      for (const c of chapters) {
        say(chalk.bold(`${c.id}  ${c.title}`), 4);
        for (const e of c.experiments) {
          const tags = `${e.default === false ? " (on request)" : ""}${e.usesDriver ? " [--driver]" : ""}`;
          const book = e.book ? chalk.dim(e.book.padEnd(9)) : " ".repeat(9);
          say(`  ${e.id.padEnd(16)} ${book} ${e.summary}${chalk.dim(tags)}`, 29);
        }
      }
      say(chalk.bold("bench") + "  microbenchmarks against native promises and peer libraries", 4);
      for (const s of suites) say(`  ${s.id.padEnd(16)} ${s.summary}`, 19);
    });

  addBenchCommand(program, io);
  for (const chapter of chapters) addChapterCommand(program, chapter, io, setExit, signal);
  return program;
}

function listJson(): unknown {
  return {
    chapters: chapters.map((c) => ({
      id: c.id,
      title: c.title,
      experiments: c.experiments.map((e) => ({
        id: e.id,
        book: e.book,
        title: e.title,
        summary: e.summary,
        default: e.default !== false,
        usesDriver: e.usesDriver === true,
      })),
    })),
    bench: suites.map((s) => ({ id: s.id, summary: s.summary, cases: s.cases })),
  };
}

/** The options a command accepts, its own and the global ones, for "unknown option" messages. */
function validOptions(program: Command, argv: string[]): string {
  const sub = program.commands.find((c) => argv.includes(c.name()));
  const flags = [...(sub?.options ?? []), ...program.options].map((o) => o.long ?? o.short ?? o.flags);
  return [...new Set(flags)].join(", ");
}

/** `lab help [command]` → that command's `--help`; an unknown command is a usage error. */
function rewriteHelp(program: Command, argv: string[]): string[] | UsageError {
  if (argv[0] !== "help") return argv;
  if (argv.length === 1) return ["--help"];
  const name = argv[1]!;
  if (argv.length > 2) return new UsageError(`help takes one command name, got ${argv.length - 1}`);
  if (!program.commands.some((c) => c.name() === name))
    return new UsageError(`no help for '${name}': not a command (valid: ${validNames()})`);
  return [name, "--help"];
}

/** Run the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(
  argv: string[],
  io: Io = defaultIo,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c), signal);
  try {
    const args = rewriteHelp(program, argv);
    if (args instanceof UsageError) throw args;
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) return EXIT_OK;
      if (error.code === "commander.unknownCommand") {
        const name = argv.find((a) => !a.startsWith("-")) ?? "";
        io.err(`lab: unknown chapter or command '${name}' (valid: ${validNames()})`);
        return EXIT_USAGE;
      }
      let message = error.message.replace(/^error: /, "").replace(/\n[\s\S]*$/, "");
      if (error.code === "commander.unknownOption")
        message = `${message.replace(/\s*\(Did you mean.*\)$/, "")} (valid: ${validOptions(program, argv)})`;
      io.err(`lab: ${message}`);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err(`lab: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`lab: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILED;
  }
  if (signal.aborted && code === EXIT_OK) return signal.reason === "SIGTERM" ? EXIT_TERMINATED : EXIT_INTERRUPTED;
  return code;
}
