/**
 * What every `lab explore` bug experiment is made of, and the one function that
 * measures it: a buggy program, its fixed version, and the search for the bug with
 * each strategy — schedules to first failure, mean and worst over 20 seeds; the fixed
 * version run for many more schedules; the shrunk failing schedule, drawn as a
 * per-task timeline, with the command that replays it.
 *
 * All numbers here are counted, not timed: schedules are a property of the search,
 * so the table is the same on every machine for the same `--seed`.
 */
import { explore, replay, type ExploreFailure, type ExploreProgram, type StrategyName } from "../../index.js";
import type { Block, ExperimentResult, LabOptions } from "../types.js";
import { UsageError } from "../types.js";

export interface BugCase {
  id: string;
  book?: string;
  title: string;
  summary: string;
  /** The PCT depth the bug needs (how many ordering constraints it depends on). */
  depth: number;
  buggy: ExploreProgram;
  fixed: ExploreProgram;
  /** Extra explore options both versions need (more workers, a step bound). */
  maxSteps?: number;
  /** What the bug is and what the fix changes. */
  notice: string[];
}

const SEEDS = 20;

function positive(value: string | boolean | undefined, fallback: number, flag: string): number {
  if (value === undefined || value === false) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be an integer >= 1, got ${String(value)}`);
  return n;
}

export function strategiesOf(options: LabOptions): StrategyName[] {
  const s = options.extra.strategy;
  if (s === undefined || s === false || s === "all") return ["random", "pct", "dfs"];
  const names = String(s).split(",");
  for (const n of names)
    if (n !== "random" && n !== "pct" && n !== "dfs")
      throw new UsageError(`--strategy must be random, pct, dfs or all, got "${n}"`);
  return names as StrategyName[];
}

export function schedulesOf(options: LabOptions): { schedules: number; fixedSchedules: number } {
  return {
    schedules: positive(options.extra.schedules, 1000, "--schedules"),
    fixedSchedules: positive(options.extra.fixedSchedules, 10_000, "--fixed-schedules"),
  };
}

/** `--replay <schedule>`: run the buggy program once under that schedule and show it. */
export function replayBlocks(bug: BugCase, schedule: string): Block[] {
  let run;
  try {
    run = replay(bug.buggy, schedule, bug.maxSteps === undefined ? {} : { maxSteps: bug.maxSteps });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const preemptions = run.decisions.filter((d) => d.preempted).length;
  return [
    {
      kind: "text",
      title: `replay of ${bug.id} under schedule ${schedule}`,
      lines: [
        run.failure === null ? "no failure: this schedule passes" : `${run.failure.kind}: ${run.failure.message}`,
        `${run.steps} polls; ${run.decisions.length} decisions asked, ` +
          `${preemptions} preemption${preemptions === 1 ? "" : "s"}`,
      ],
    },
    {
      kind: "timeline",
      title: "per task: its polls over virtual time (1 ms per poll)",
      unit: "ms",
      workers: run.timeline.workers,
      spans: run.timeline.spans,
    },
    { kind: "text", title: "the interleaving", lines: run.interleaving },
  ];
}

export async function runBugCase(bug: BugCase, options: LabOptions): Promise<ExperimentResult> {
  if (typeof options.extra.replay === "string") return { blocks: replayBlocks(bug, options.extra.replay) };
  const { schedules, fixedSchedules } = schedulesOf(options);
  const strategies = strategiesOf(options);
  const common = { depth: bug.depth, ...(bug.maxSteps === undefined ? {} : { maxSteps: bug.maxSteps }) };
  const rows: (string | number | null)[][] = [];
  let shown: ExploreFailure | null = null;
  let pctMean: number | null = null;
  let longest = 0;
  for (const strategy of strategies) {
    if (options.signal.aborted) break;
    const found: number[] = [];
    const seeds = strategy === "dfs" ? 1 : SEEDS;
    for (let i = 0; i < seeds; i++) {
      const r = explore(bug.buggy, { ...common, strategy, seed: options.seed + i, schedules, shrink: false });
      if (r.failure !== null) found.push(r.failure.schedule);
      if (strategy === "pct" && r.longest > longest) longest = r.longest;
      await Promise.resolve();
    }
    const fixed = explore(bug.fixed, { ...common, strategy, seed: options.seed, schedules: fixedSchedules });
    const mean = found.length === 0 ? null : found.reduce((a, b) => a + b, 0) / found.length;
    if (strategy === "pct") pctMean = mean;
    rows.push([
      strategy,
      `${found.length}/${seeds}`,
      mean,
      found.length === 0 ? null : Math.max(...found),
      fixed.failure === null
        ? `${fixed.schedules}${fixed.exhausted ? " (all)" : ""} passed`
        : `FAILED at ${fixed.failure.schedule}: ${fixed.failure.message}`,
    ]);
    if (strategy === "pct" || (shown === null && strategy === strategies[strategies.length - 1])) {
      const r = explore(bug.buggy, { ...common, strategy, seed: options.seed, schedules });
      if (r.failure !== null && (shown === null || strategy === "pct")) shown = r.failure;
    }
  }
  // PCT's n and k: n tasks (from the run without preemption), k the most scheduling
  // choices (polls where two or more tasks were ready) any pct schedule took — the
  // steps pct.ts puts its change points among; the bound needs k ≥ the real count.
  const plain = replay(bug.buggy, "-", common);
  const tasks = plain.timeline.workers.length;
  const bound = tasks * longest ** (bug.depth - 1);
  const blocks: Block[] = [
    {
      kind: "table",
      title:
        `schedules to first failure (≤ ${schedules} per search; ${SEEDS} seeds ` +
        `from --seed ${options.seed}; dfs is one search)`,
      columns: [
        { header: "strategy" },
        { header: "found" },
        { header: "mean", digits: 1, best: "min" },
        { header: "worst", best: "min" },
        { header: "fixed version" },
      ],
      rows,
    },
    ...(!strategies.includes("pct")
      ? []
      : [
          {
            kind: "text" as const,
            title: "the PCT bound beside the measurement",
            lines: [
              `n = ${tasks} tasks, k = ${longest} scheduling choices in the longest ` +
                `pct schedule, bug depth d = ${bug.depth}`,
              `PCT: each schedule finds it with probability ≥ 1/(n·k^(d−1)) = ` +
                `1/${bound}, so within ${bound} schedules on average at worst; measured ` +
                `mean: ${pctMean === null ? "not found" : pctMean.toFixed(1)}`,
            ],
          },
        ]),
  ];
  if (shown !== null) {
    blocks.push({
      kind: "text",
      title: `a failing schedule (${shown.strategy}, seed ${shown.seed}, schedule ${shown.schedule}), shrunk`,
      lines: [
        `${shown.kind}: ${shown.message}`,
        `found with ${shown.found.length} decisions; shrunk to ` +
          `${shown.shrunk.length} (${shown.preemptions} ` +
          `preemption${shown.preemptions === 1 ? "" : "s"}): ${shown.replay}`,
        `replay it: lab explore ${bug.id} --replay ${shown.replay}`,
      ],
    });
    blocks.push({
      kind: "timeline",
      title: "per task: its polls over virtual time (1 ms per poll)",
      unit: "ms",
      workers: shown.timeline.workers,
      spans: shown.timeline.spans,
    });
    blocks.push({ kind: "text", title: "the interleaving", lines: shown.interleaving });
  }
  blocks.push({ kind: "notice", lines: bug.notice });
  return { blocks };
}
