/**
 * `explore(program, options)`: search the schedules of a small async program for one
 * that fails — a task throws, an invariant breaks, the run deadlocks or never ends —
 * then shrink that schedule and describe it so it can be read and replayed.
 *
 * Every schedule runs the program afresh on a new sim runtime with the `any-ready`
 * policy (any ready task may run next, the chooser says which) and one virtual
 * millisecond per poll. The strategy (strategies.ts) answers the choices; the answers
 * are the schedule. On the first failure: shrink (shrink.ts), rerun the shrunk
 * schedule with a trace, and return it with its text form — which `replay` (and
 * `lab explore --replay`) turns back into the same run, byte for byte.
 */
import type { TimelineData } from "../trace.js";
import { formatSchedule, parseSchedule, replayChooser, trimPicks, type Decision } from "./decisions.js";
import {
  runSchedule,
  type ExploreProgram,
  type Failure,
  type RunOptions,
  type ScheduleOutcome,
} from "./run-schedule.js";
import { shrinkSchedule } from "./shrink.js";
import { dfsStrategy, pctStrategy, randomStrategy, type Strategy, type StrategyName } from "./strategies.js";

export interface ExploreOptions {
  /** Default `pct`. */
  strategy?: StrategyName;
  /** How many schedules to try at most (default 1,000). `dfs` stops earlier when it has enumerated all. */
  schedules?: number;
  /** Seed of `random` and `pct` (default 1). */
  seed?: number;
  /** `pct`'s bug depth d (default 2). */
  depth?: number;
  /** Polls before a schedule counts as a livelock (default 10,000). */
  maxSteps?: number;
  /** Virtual workers (default 1). */
  workers?: number;
  /** Checked after every poll of every schedule; false or a throw fails it. */
  invariant?: () => boolean | void;
  /** Errors a task may end with without failing the schedule (the program awaits and checks them). Default: none. */
  expectedError?: (error: unknown) => boolean;
  /** `dfs` only: skip schedules with more preemptions than this (default: no bound). */
  preemptionBound?: number;
  /** Shrink the failing schedule (default true). */
  shrink?: boolean;
}

/** A failing schedule, shrunk, with everything needed to read and replay it. */
export interface ExploreFailure extends Failure {
  /** 1-based index of the schedule that failed first (schedules to first failure). */
  schedule: number;
  strategy: StrategyName;
  seed: number;
  /** The decisions of the failing run as found. */
  found: number[];
  /** After shrinking (trailing defaults dropped). */
  shrunk: number[];
  /** How many of the shrunk decisions preempt a task that could have continued. */
  preemptions: number;
  /** `shrunk` as text: what `replay` and `--replay` take. */
  replay: string;
  /** Polls in the shrunk run. */
  steps: number;
  /** One row per task, its polls across virtual time (1 ms per poll). */
  timeline: TimelineData;
  /** The interleaving, one line per poll: `t=3  B  (poll 2 of B)`. */
  interleaving: string[];
}

export interface ExploreResult {
  strategy: StrategyName;
  /** Schedules run (up to and including the failing one). */
  schedules: number;
  /** `dfs` ran out of schedules before the limit: every schedule within the bound passed (or one failed). */
  exhausted: boolean;
  /** The most scheduling choices (task decisions) any schedule of the search took: PCT's k. */
  longest: number;
  failure: ExploreFailure | null;
}

function runOptions(options: ExploreOptions, trace: boolean): RunOptions {
  return {
    workers: options.workers ?? 1,
    maxSteps: options.maxSteps ?? 10_000,
    invariant: options.invariant,
    expectedError: options.expectedError,
    trace,
  };
}

function strategyFor(options: ExploreOptions): Strategy {
  const name = options.strategy ?? "pct";
  switch (name) {
    case "random":
      return randomStrategy(options.seed ?? 1);
    case "pct":
      return pctStrategy(options.seed ?? 1, options.depth ?? 2);
    case "dfs":
      return dfsStrategy(options.preemptionBound ?? Infinity);
    default:
      throw new RangeError(`unknown strategy "${String(name)}" (valid: random, pct, dfs)`);
  }
}

export function explore(program: ExploreProgram, options: ExploreOptions = {}): ExploreResult {
  const strategyName = options.strategy ?? "pct";
  const limit = options.schedules ?? 1000;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`schedules must be an integer >= 1, got ${limit}`);
  const strategy = strategyFor(options);
  const quiet = runOptions(options, false);
  let longest = 0;
  for (let i = 1; i <= limit; i++) {
    const chooser = strategy.next();
    if (chooser === null) return { strategy: strategyName, schedules: i - 1, exhausted: true, longest, failure: null };
    const outcome = runSchedule(program, chooser, quiet);
    strategy.finished(chooser.decisions);
    let steps = 0;
    for (const d of chooser.decisions) if (d.kind === "task") steps++;
    if (steps > longest) longest = steps;
    if (outcome.failure !== null) {
      const failure = describeFailure(program, options, outcome.failure, chooser.picks, i);
      return { strategy: strategyName, schedules: i, exhausted: false, longest, failure };
    }
  }
  return {
    strategy: strategyName,
    schedules: limit,
    exhausted: strategyName === "dfs" && strategy.next() === null,
    longest,
    failure: null,
  };
}

function describeFailure(
  program: ExploreProgram,
  options: ExploreOptions,
  first: Failure,
  found: number[],
  schedule: number,
): ExploreFailure {
  const quiet = runOptions(options, false);
  const shrunk =
    options.shrink === false
      ? found
      : shrinkSchedule(
          found,
          (picks) => runSchedule(program, replayChooser(picks), quiet).failure?.kind === first.kind,
        );
  const replayed = replay(program, formatSchedule(shrunk), options);
  // A program that reads real time or Math.random may not fail again on replay: say so
  // rather than report a schedule that does not reproduce.
  const failure = replayed.failure ?? {
    kind: first.kind,
    message: `${first.message} (did not fail again on replay: is the program deterministic?)`,
  };
  return {
    ...failure,
    schedule,
    strategy: options.strategy ?? "pct",
    seed: options.seed ?? 1,
    found,
    shrunk: replayed.picks,
    preemptions: replayed.decisions.filter((d) => d.preempted).length,
    replay: formatSchedule(replayed.picks),
    steps: replayed.steps,
    timeline: replayed.timeline,
    interleaving: replayed.interleaving,
  };
}

export interface ReplayResult {
  failure: Failure | null;
  /** The schedule as given (trailing defaults dropped). */
  picks: number[];
  decisions: readonly Decision[];
  steps: number;
  timeline: TimelineData;
  interleaving: string[];
}

/** Run `program` once under the schedule `text` (as `formatSchedule` writes it), with a trace. */
export function replay(program: ExploreProgram, text: string, options: ExploreOptions = {}): ReplayResult {
  const picks = trimPicks(parseSchedule(text));
  const chooser = replayChooser(picks);
  const outcome = runSchedule(program, chooser, runOptions(options, true));
  const { timeline, interleaving } = perTask(outcome);
  return {
    failure: outcome.failure,
    picks,
    decisions: chooser.decisions,
    steps: outcome.steps,
    timeline,
    interleaving,
  };
}

/** A row per task (in spawn order), a span per poll; and the same as lines. */
function perTask(outcome: ScheduleOutcome): { timeline: TimelineData; interleaving: string[] } {
  const rows = new Map<number, number>();
  const names: string[] = [];
  const name = (id: number): string => outcome.taskNames.get(id) ?? `#${id}`;
  const row = (id: number): number => {
    let r = rows.get(id);
    if (r === undefined) {
      r = names.length;
      rows.set(id, r);
      names.push(name(id));
    }
    return r;
  };
  const spans: TimelineData["spans"] = [];
  const interleaving: string[] = [];
  const polls = new Map<number, number>();
  const open = new Map<number, { task: number; t: number }>();
  for (const e of outcome.events) {
    if (e.kind === "spawn") row(e.task);
    else if (e.kind === "poll-start") open.set(e.worker, { task: e.task, t: e.t });
    else if (e.kind === "poll-end") {
      const start = open.get(e.worker);
      if (start === undefined) continue;
      open.delete(e.worker);
      const count = (polls.get(start.task) ?? 0) + 1;
      polls.set(start.task, count);
      spans.push({ worker: row(start.task), from: start.t, to: e.t, label: String(count % 10) });
      interleaving.push(`t=${start.t}  ${name(start.task)}  (poll ${count}${e.n === 1 ? ", ends" : ""})`);
    }
  }
  // A poll cut short by the failure has a start and no end: show it as the last line.
  for (const start of open.values())
    interleaving.push(
      `t=${start.t}  ${name(start.task)}  (poll ${(polls.get(start.task) ?? 0) + 1}: the failure happened here)`,
    );
  return { timeline: { unit: "ms", workers: names, spans }, interleaving };
}
