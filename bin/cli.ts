/**
 * The `lab` command: parse arguments (commander), pick a lab, run it, render it.
 *
 * `main` owns the process lifecycle and returns the exit code; it never calls
 * `process.exit` itself, so it can be tested in-process and timers/sockets left by
 * a lab show up as a process that does not exit (a bug) instead of being masked.
 *
 * Exit codes: 0 success · 1 an experiment failed · 2 bad usage (one line on
 * stderr, naming what is valid) · 130 interrupted by SIGINT · 143 stopped by SIGTERM.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import chalk from "chalk";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { findSuite, suites } from "../bench/index.js";
import type { BenchRow } from "../bench/types.js";
import { chapters } from "../src/labs/index.js";
import { UsageError, type Chapter, type ExperimentResult, type LabOptions } from "../src/labs/types.js";
import { benchTable } from "./render/bench.js";
import { renderExperiment } from "./render/report.js";
import { renderTable } from "./render/table.js";

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
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t + "\n"),
  err: (t) => process.stderr.write(t + "\n"),
};

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError("must be an integer from 0 to 4294967295");
  return n;
}

function parseTimeScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 10) throw new InvalidArgumentError("must be a number > 0 and ≤ 10 (1 = the book's real durations)");
  return n;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

function validNames(): string {
  return ["list", "bench", ...chapters.map((c) => c.id)].join(", ");
}

/** Build the commander program. Exposed for tests. */
export function buildProgram(io: Io, setExit: (code: number) => void, signal: AbortSignal): Command {
  const program = new Command("lab")
    .description("Async Lab: the experiments of Async Rust (Flitton & Morton), rebuilt in TypeScript and measured")
    .option("--json", "print machine-readable JSON instead of tables")
    .option("--no-color", "disable colour (also: NO_COLOR=1)")
    .option("--seed <n>", "seed for every random choice", parseSeed, 1)
    .option("--time-scale <x>", "multiplier on the book's durations (book 1 s → 1000·x ms)", parseTimeScale, 0.01)
    .addOption(new Option("--driver <driver>", "runtime driver for scheduling experiments").choices(["sim", "live"]).default("sim"))
    .option("--trace <file>", "write a Chrome trace-event JSON file (open in Perfetto) where experiments record one")
    .showHelpAfterError(false)
    .exitOverride()
    // Commander's own error line is printed by `main` (so an unknown chapter gets our
    // message, naming the valid ones, instead of commander's).
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), outputError: () => {} });

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
        io.out(JSON.stringify({
          chapters: chapters.map((c) => ({ id: c.id, title: c.title, experiments: c.experiments.map((e) => ({ id: e.id, book: e.book, title: e.title, summary: e.summary, default: e.default !== false })) })),
          bench: suites.map((s) => ({ id: s.id, summary: s.summary, cases: s.cases })),
        }, null, 2));
        return;
      }
      for (const c of chapters) {
        io.out(chalk.bold(`${c.id}  ${c.title}`));
        for (const e of c.experiments) {
          const tag = e.default === false ? chalk.dim(" (on request)") : "";
          io.out(`  ${e.id.padEnd(16)} ${e.book ? chalk.dim(e.book.padEnd(9)) : " ".repeat(9)} ${e.summary}${tag}`);
        }
      }
      io.out(chalk.bold("bench") + "  microbenchmarks against native promises and peer libraries");
      for (const s of suites) io.out(`  ${s.id.padEnd(16)} ${s.summary}`);
    });

  program
    .command("bench")
    .description("run the microbenchmarks (tinybench; peers in the same process; ratios printed)")
    .argument("[suites...]", `suite(s) to run: ${suites.map((s) => s.id).join(", ")} (default: all)`)
    .option("--time <ms>", "measuring time per case and subject, after warm-up", parsePositiveInt, 500)
    .option("--case <names>", "only these cases (comma-separated)")
    .action(async function (this: Command, names: string[]) {
      const g = this.optsWithGlobals() as GlobalOptions & { time: number; case?: string };
      const chosen = names.length === 0 ? suites : names.map((n) => findSuite(n) ?? usage(`unknown bench suite '${n}' (valid: ${suites.map((s) => s.id).join(", ")})`));
      const cases = g.case ? g.case.split(",").map((s) => s.trim()).filter(Boolean) : [];
      for (const c of cases) {
        if (!chosen.some((s) => s.cases.includes(c))) usage(`unknown case '${c}' (valid: ${[...new Set(chosen.flatMap((s) => s.cases))].join(", ")})`);
      }
      // Which machine the figures came from: ratios between runtimes move with the CPU.
      const machine = { cpu: cpus()[0]?.model.trim() ?? "unknown", cores: cpus().length, node: process.version };
      const results: { suite: string; machine: typeof machine; rows: BenchRow[] }[] = [];
      for (const suite of chosen) {
        if (!g.json) io.err(chalk.dim(`running lab bench ${suite.id}…`));
        const rows = await suite.run({
          time: g.time,
          cases: cases.filter((c) => suite.cases.includes(c)),
          seed: g.seed,
          log: (line) => (g.json ? undefined : io.err(chalk.dim(line))),
        });
        results.push({ suite: suite.id, machine, rows });
        if (!g.json) io.out(renderTable(benchTable(suite.id, rows)));
      }
      if (!g.json) io.out(chalk.dim(`machine: ${machine.cpu} · ${machine.cores} cores · Node ${machine.node}`));
      if (g.json) io.out(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
    });

  for (const chapter of chapters) addChapterCommand(program, chapter, io, setExit, signal);

  return program;
}

function usage(message: string): never {
  throw new UsageError(message);
}

function addChapterCommand(program: Command, chapter: Chapter, io: Io, setExit: (code: number) => void, signal: AbortSignal): void {
  const cmd = program
    .command(chapter.id)
    .description(chapter.title)
    .argument("[experiments...]", `which experiments: ${chapter.experiments.map((e) => e.id).join(", ")} (default: all that run by default)`);
  for (const o of chapter.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.default !== undefined) opt.default(o.default);
    cmd.addOption(opt);
  }
  cmd.action(async function (this: Command, names: string[]) {
    const g = this.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const picked = names.length === 0
      ? chapter.experiments.filter((e) => e.default !== false)
      : names.map((n) => chapter.experiments.find((e) => e.id === n) ?? usage(`unknown experiment '${n}' in ${chapter.id} (valid: ${chapter.experiments.map((e) => e.id).join(", ")})`));
    const extra: LabOptions["extra"] = {};
    for (const [k, v] of Object.entries(this.opts())) extra[k] = v as string | boolean | undefined;
    const options: LabOptions = {
      seed: g.seed,
      timeScale: g.timeScale,
      driver: g.driver,
      extra,
      log: (line) => (g.json ? undefined : io.out(chalk.dim(line))),
      signal,
    };
    const done: { id: string; title: string; book?: string; result: ExperimentResult }[] = [];
    let failed = false;
    for (const e of picked) {
      if (signal.aborted) break;
      let result: ExperimentResult;
      try {
        result = await e.run(options);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        failed = true;
        io.err(`${chalk.red("✗")} ${chapter.id} ${e.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      done.push({ id: e.id, title: e.title, ...(e.book ? { book: e.book } : {}), result });
      if (!g.json) io.out(renderExperiment(e, result) + "\n");
    }
    if (g.json) {
      io.out(JSON.stringify({
        chapter: chapter.id,
        seed: g.seed,
        timeScale: g.timeScale,
        driver: g.driver,
        experiments: done.map((d) => ({ id: d.id, title: d.title, book: d.book, blocks: d.result.blocks })),
      }, null, 2));
    } else {
      io.out(chalk.dim(`time scale ${g.timeScale} (book 1 s = ${+(1000 * g.timeScale).toFixed(3)} ms) · seed ${g.seed} · driver ${g.driver}`));
    }
    if (g.trace) {
      const events = done.flatMap((d, i) => traceEvents(d.result.trace, i + 1));
      if (events.length === 0) io.err(`no experiment in this run recorded a trace; ${g.trace} not written`);
      else {
        writeFileSync(g.trace, JSON.stringify({ traceEvents: events, displayTimeUnit: "ms" }));
        if (!g.json) io.out(`trace written to ${g.trace} (${events.length} events) — open it in https://ui.perfetto.dev`);
      }
    }
    if (failed) setExit(EXIT_FAILED);
  });
}

/** Events of one experiment's trace, moved to their own process id so several experiments share a file. */
function traceEvents(trace: unknown, pid: number): Record<string, unknown>[] {
  if (trace === undefined || trace === null) return [];
  const events = Array.isArray(trace) ? trace : (trace as { traceEvents?: unknown[] }).traceEvents ?? [];
  return events.map((e) => ({ ...(e as Record<string, unknown>), pid }));
}

/** Run the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[], io: Io = defaultIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c), signal);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT_OK;
      if (error.code === "commander.unknownCommand") {
        const name = argv.find((a) => !a.startsWith("-")) ?? "";
        io.err(`lab: unknown chapter or command '${name}' (valid: ${validNames()})`);
        return EXIT_USAGE;
      }
      io.err(`lab: ${error.message.replace(/^error: /, "")}`);
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
