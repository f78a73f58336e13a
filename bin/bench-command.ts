/**
 * `lab bench [suites...]`: run the microbenchmark suites (bench/), each contender in
 * the same process, and print a table per suite — or one JSON document — with the
 * machine the figures came from (ratios between runtimes move with the CPU).
 */
import { cpus } from "node:os";
import chalk from "chalk";
import type { Command } from "commander";
import { findSuite, suites } from "../bench/index.js";
import type { BenchRow } from "../bench/types.js";
import { usage, type GlobalOptions, type Io } from "./command-kit.js";
import { listOf, parseBenchTime } from "./options.js";
import { benchTable } from "./render/bench.js";
import { renderTable } from "./render/table.js";
import { DEFAULT_WIDTH } from "./render/width.js";

export function addBenchCommand(program: Command, io: Io): void {
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
