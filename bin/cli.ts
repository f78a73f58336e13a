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
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import chalk from "chalk";
import { Command, CommanderError, Option } from "commander";
import { findSuite, suites } from "../bench/index.js";
import type { BenchRow } from "../bench/types.js";
import { chapters } from "../src/labs/index.js";
import {
  UsageError,
  type Chapter,
  type Experiment,
  type ExperimentResult,
  type LabOptions,
} from "../src/labs/types.js";
import { CHAPTER_OPTION_RULES, optionParser } from "./chapter-options.js";
import { listOf, parseBenchTime, parseSeed, parseTimeScale, parseTracePath } from "./options.js";
import { benchTable } from "./render/bench.js";
import { renderBlocks, renderHeading } from "./render/report.js";
import { renderTable } from "./render/table.js";
import { DEFAULT_WIDTH, terminalWidth, wrapLine } from "./render/width.js";
import { packageVersion } from "./version.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
/** Stopped by SIGTERM (128 + 15), after the experiment shut down gracefully. */
export const EXIT_TERMINATED = 143;

interface GlobalOptions {
  json?: boolean;
  color: boolean;
  seed: number;
  timeScale: number;
  driver: "sim" | "live";
  trace?: string;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Transient progress (which contender, which round): shown only on a terminal. */
  progress?: (text: string) => void;
  /** Widest line the renderers may print. */
  width?: number;
}

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

function usage(message: string): never {
  throw new UsageError(message);
}

/** `--name` for commander's attribute name (`untilSignal` → `--until-signal`). */
function flagOf(attribute: string): string {
  return "--" + attribute.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
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

function addBenchCommand(program: Command, io: Io): void {
  const allCases = [...new Set(suites.flatMap((s) => s.cases))];
  program
    .command("bench")
    .description("run the microbenchmarks (tinybench; peers in the same process; ratios printed)")
    .argument("[suites...]", `suite(s) to run: ${suites.map((s) => s.id).join(", ")} (default: all)`)
    .option("--time <ms>", "measuring time per case and subject after warm-up, 1 to 60000 ms", parseBenchTime, 500)
    .option("--case <names>", "only these cases (comma-separated)", listOf(allCases))
    .action(async function (this: Command, names: string[]) {
      const g = this.optsWithGlobals() as GlobalOptions & { time: number; case?: string[] };
      const valid = suites.map((s) => s.id).join(", ");
      const chosen =
        names.length === 0
          ? suites
          : names.map((n) => findSuite(n) ?? usage(`unknown bench suite '${n}' (valid: ${valid})`));
      const cases = g.case ?? [];
      for (const c of cases) {
        if (!chosen.some((s) => s.cases.includes(c))) {
          const valid = [...new Set(chosen.flatMap((s) => s.cases))].join(", ");
          usage(`unknown case '${c}' for ${chosen.map((s) => s.id).join(", ")} (valid: ${valid})`);
        }
      }
      // Which machine the figures came from: ratios between runtimes move with the CPU.
      const machine = { cpu: cpus()[0]?.model.trim() ?? "unknown", cores: cpus().length, node: process.version };
      const results: { suite: string; machine: typeof machine; rows: BenchRow[] }[] = [];
      const progress = (line: string): void => (g.json ? undefined : io.progress?.(chalk.dim(line)));
      for (const entry of chosen) {
        progress(`running lab bench ${entry.id}…`);
        const suite = await entry.load();
        const rows = await suite.run({
          time: g.time,
          cases: cases.filter((c) => entry.cases.includes(c)),
          seed: g.seed,
          log: progress,
          warn: (line) => io.err(line),
        });
        results.push({ suite: entry.id, machine, rows });
        if (!g.json) io.out(renderTable(benchTable(entry.id, rows), io.width ?? DEFAULT_WIDTH));
      }
      if (!g.json) io.out(chalk.dim(`machine: ${machine.cpu} · ${machine.cores} cores · Node ${machine.node}`));
      if (g.json) io.out(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
    });
}

/**
 * Refuse options that none of the chosen experiments read, naming the ones that do.
 * Only options typed on the command line count (defaults are not "given").
 */
function checkOptionsApply(cmd: Command, chapter: Chapter, picked: Experiment[]): void {
  const ids = new Set(picked.map((e) => e.id));
  for (const [attribute, rule] of Object.entries(CHAPTER_OPTION_RULES[chapter.id] ?? {})) {
    if (cmd.getOptionValueSource(attribute) !== "cli") continue;
    if (rule.experiments.some((id) => ids.has(id))) continue;
    const flag = flagOf(attribute);
    const readers = rule.experiments.map((id) => `${chapter.id} ${id}`).join(", ");
    usage(`${flag} is read only by ${readers}; name it: lab ${chapter.id} ${rule.experiments[0]} ${flag} …`);
  }
  if (cmd.getOptionValueSourceWithGlobals("trace") === "cli" && !picked.some((e) => e.recordsTrace)) {
    const those = chapters.flatMap((c) => c.experiments.filter((e) => e.recordsTrace).map((e) => `${c.id} ${e.id}`));
    usage(`--trace: none of these experiments records a trace (those that do: ${those.join(", ") || "none"})`);
  }
  if (cmd.getOptionValueSourceWithGlobals("driver") === "cli" && !picked.some((e) => e.usesDriver)) {
    const users = chapters.flatMap((c) => c.experiments.filter((e) => e.usesDriver).map((e) => `${c.id} ${e.id}`));
    const those = users.join(", ") || "none";
    usage(
      `--driver applies to experiments that use a runtime driver, and none of these does (those that do: ${those})`,
    );
  }
}

function addChapterCommand(
  program: Command,
  chapter: Chapter,
  io: Io,
  setExit: (code: number) => void,
  signal: AbortSignal,
): void {
  const cmd = program
    .command(chapter.id)
    .description(chapter.title)
    .argument(
      "[experiments...]",
      `which experiments: ${chapter.experiments.map((e) => e.id).join(", ")} (default: all that run by default)`,
    );
  for (const o of chapter.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.default !== undefined) opt.default(o.default);
    const parse = opt.isBoolean() ? undefined : optionParser(chapter.id, opt.attributeName());
    if (parse) opt.argParser(parse);
    cmd.addOption(opt);
  }
  cmd.action(async function (this: Command, names: string[]) {
    const g = this.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const valid = chapter.experiments.map((e) => e.id).join(", ");
    const picked =
      names.length === 0
        ? chapter.experiments.filter((e) => e.default !== false)
        : names.map(
            (n) =>
              chapter.experiments.find((e) => e.id === n) ??
              usage(`unknown experiment '${n}' in ${chapter.id} (valid: ${valid})`),
          );
    checkOptionsApply(this, chapter, picked);
    const width = io.width ?? DEFAULT_WIDTH;
    const extra: LabOptions["extra"] = {};
    for (const [k, v] of Object.entries(this.opts())) extra[k] = v as string | boolean | undefined;
    const options: LabOptions = {
      seed: g.seed,
      timeScale: g.timeScale,
      driver: g.driver,
      extra,
      log: (line) => (g.json ? undefined : io.out(chalk.dim(wrapLine(line, width, "    ").join("\n")))),
      signal,
    };
    const done: { id: string; title: string; book?: string; result: ExperimentResult }[] = [];
    let failed = false;
    for (const e of picked) {
      if (signal.aborted) break;
      if (!g.json) io.out(renderHeading(e, width) + "\n");
      let result: ExperimentResult;
      try {
        result = await e.run(options);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        failed = true;
        io.err(
          `${chalk.red("✗")} ${chapter.id} ${e.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      done.push({ id: e.id, title: e.title, ...(e.book ? { book: e.book } : {}), result });
      if (!g.json) io.out(renderBlocks(result, width) + "\n");
    }
    const usesDriver = picked.some((e) => e.usesDriver);
    if (g.json) {
      io.out(
        JSON.stringify(
          {
            chapter: chapter.id,
            seed: g.seed,
            timeScale: g.timeScale,
            ...(usesDriver ? { driver: g.driver } : {}),
            experiments: done.map((d) => ({ id: d.id, title: d.title, book: d.book, blocks: d.result.blocks })),
          },
          null,
          2,
        ),
      );
    } else {
      const driver = usesDriver ? ` · driver ${g.driver}` : "";
      io.out(
        chalk.dim(
          `time scale ${g.timeScale} (book 1 s = ${+(1000 * g.timeScale).toFixed(3)} ms) · seed ${g.seed}${driver}`,
        ),
      );
    }
    if (g.trace) writeTrace(g.trace, done, g.json === true, io);
    if (failed) setExit(EXIT_FAILED);
  });
}

function writeTrace(path: string, done: { result: ExperimentResult }[], json: boolean, io: Io): void {
  const events = done.flatMap((d, i) => traceEvents(d.result.trace, i + 1));
  if (events.length === 0) {
    io.err(`no experiment in this run recorded a trace; ${path} not written`);
    return;
  }
  writeFileSync(path, JSON.stringify({ traceEvents: events, displayTimeUnit: "ms" }));
  if (!json) io.out(`trace written to ${path} (${events.length} events) — open it in https://ui.perfetto.dev`);
}

/** Events of one experiment's trace, moved to their own process id so several experiments share a file. */
function traceEvents(trace: unknown, pid: number): Record<string, unknown>[] {
  if (trace === undefined || trace === null) return [];
  const events = Array.isArray(trace) ? trace : ((trace as { traceEvents?: unknown[] }).traceEvents ?? []);
  return events.map((e) => ({ ...(e as Record<string, unknown>), pid }));
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
