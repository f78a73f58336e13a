/**
 * The rules for chapter-specific options: how each value is checked, and which
 * experiments take it.
 *
 * The labs declare their options (`Chapter.options`: flags and a description) and read
 * them from `LabOptions.extra` as strings. The CLI checks each value here, with bounds,
 * while parsing — so `lab ch8 --increments 1e12` is refused at once instead of running
 * until killed — and passes the original string on unchanged. An option given with
 * experiments that do not read it is refused too, naming the ones that do; otherwise
 * `lab ch8 basic --writes 5` would run and silently ignore `--writes`.
 *
 * `test/cli-options.test.ts` checks that every option a chapter declares has a rule
 * here and that every experiment named here exists, so the two cannot drift.
 */
import { InvalidArgumentError } from "commander";
import { parseSchedule, POLICY_NAMES } from "../src/index.js";
import { WORKLOAD_NAMES } from "../src/labs/workloads.js";
import { decimal, integer, listOf, oneOf } from "./options.js";

export interface OptionRule {
  /** Checks the value (throws `InvalidArgumentError`); absent for on/off flags. */
  check?: (value: string) => unknown;
  /** The experiments that read this option. */
  experiments: string[];
}

/** Keep the text the person typed: the labs parse it themselves, after this check. */
function keep(check: (value: string) => unknown): (value: string) => string {
  return (value) => {
    check(value);
    return value;
  };
}

/** The buggy programs of `lab explore` (each an experiment that searches its schedules). */
const EXPLORED = ["lost-update", "try-lock", "lost-wakeup", "ask-cycle", "send-cancel"];

/** A schedule as `lab explore` prints it (`0.2.1`, or `-` for none). */
function schedule(value: string): number[] {
  try {
    return parseSchedule(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function nonEmpty(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === "") throw new InvalidArgumentError(`must name ${what}`);
    return value;
  };
}

/** chapter id → option attribute name (commander's camelCase) → rule. */
export const CHAPTER_OPTION_RULES: Record<string, Record<string, OptionRule>> = {
  ch3: {
    lazyQueues: { experiments: ["stealing"] },
  },
  ch4: {
    port: { check: integer(0, 65_535), experiments: ["serve"] },
    // A day at most: a longer timeout is no timeout, and 0 already means "off".
    keepAliveTimeout: { check: integer(0, 86_400_000), experiments: ["serve"] },
    headersTimeout: { check: integer(0, 86_400_000), experiments: ["serve"] },
    requestTimeout: { check: integer(0, 86_400_000), experiments: ["serve"] },
  },
  ch6: {
    interactive: { experiments: ["heater"] },
  },
  ch7: {
    untilSignal: { experiments: ["shutdown"] },
  },
  ch8: {
    increments: { check: integer(1, 10_000_000), experiments: ["vs-mutex"] },
    crossIncrements: { check: integer(1, 10_000_000), experiments: ["vs-mutex"] },
    timings: { experiments: ["router"] },
    writes: { check: integer(10, 100_000), experiments: ["recovery"] },
    requests: { check: integer(1, 1_000_000), experiments: ["router"] },
  },
  ch9: {
    feature: { check: oneOf(["logging"]), experiments: ["decorator"] },
    jitter: { check: decimal(0, 1), experiments: ["retry"] },
  },
  explore: {
    strategy: { check: listOf(["random", "pct", "dfs", "all"]), experiments: [...EXPLORED, "file"] },
    schedules: { check: integer(1, 1_000_000), experiments: [...EXPLORED, "file"] },
    fixedSchedules: { check: integer(1, 10_000_000), experiments: EXPLORED },
    replay: { check: schedule, experiments: [...EXPLORED, "file"] },
    file: { check: nonEmpty("a module path"), experiments: ["file"] },
  },
  compare: {
    workload: { check: oneOf(WORKLOAD_NAMES), experiments: ["strategies"] },
    strategies: { check: listOf(POLICY_NAMES), experiments: ["strategies"] },
    workers: { check: integer(1, 1024), experiments: ["strategies"] },
    tasks: { check: integer(1, 5_000_000), experiments: ["strategies"] },
  },
};

/** The commander argument parser for a chapter option, or undefined for on/off flags. */
export function optionParser(chapter: string, attribute: string): ((value: string) => string) | undefined {
  const rule = CHAPTER_OPTION_RULES[chapter]?.[attribute];
  if (rule === undefined) {
    // A chapter option with no rule would go unchecked: refuse loudly (the test catches it first).
    return () => {
      throw new InvalidArgumentError(`has no checking rule in bin/chapter-options.ts`);
    };
  }
  return rule.check ? keep(rule.check) : undefined;
}
