/**
 * `lab <chapter> [experiments...]`: one command per chapter, with the chapter's own
 * options. Runs the picked experiments in order — each heading printed before it
 * starts, so the lines it streams land in its own section — renders each result,
 * and writes the run's trace when `--trace` asks for one.
 *
 * Options are checked against the picked experiments before anything runs: an
 * option none of them reads is a usage error naming the experiments that do.
 */
import { writeFileSync } from "node:fs";
import chalk from "chalk";
import { Option, type Command } from "commander";
import { chapters } from "../src/labs/index.js";
import {
  UsageError,
  type Chapter,
  type Experiment,
  type ExperimentResult,
  type LabOptions,
} from "../src/labs/types.js";
import { CHAPTER_OPTION_RULES, optionParser } from "./chapter-options.js";
import { EXIT_FAILED, flagOf, usage, type GlobalOptions, type Io } from "./command-kit.js";
import { renderBlocks, renderHeading } from "./render/report.js";
import { DEFAULT_WIDTH, wrapLine } from "./render/width.js";

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

export function addChapterCommand(
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
