/**
 * `lab compare`: one workload, several scheduling strategies, one table.
 *
 * Every strategy runs the *same* tasks: the workload is regenerated from the same
 * seed for each run, on a fresh runtime with the same worker count. Strategies with
 * priority classes split the workers the book's way (E3.4: two high loops per low
 * loop): low = max(1, round(workers / 3)), high = the rest. Strategies without
 * classes (fifo, work-stealing, aging) use every worker for everything.
 */
import { POLICY_NAMES, Runtime, isPolicyName, seededRandom, type PolicyName, type SchedulerReport } from "../index.js";
import { UsageError, type Cell, type Chapter, type LabOptions, type TableBlock } from "./types.js";
import { findWorkload, WORKLOAD_NAMES } from "./workloads.js";

const MAX_TASKS = 5_000_000;
const MAX_WORKERS = 1024;

export interface CompareParams {
  workload: string;
  strategies: PolicyName[];
  workers: number;
  tasks: number;
}

/** Parse and validate `--workload`, `--strategies`, `--workers`, `--tasks` (one clear line per error). */
export function compareParams(extra: LabOptions["extra"]): CompareParams {
  const workload = String(extra.workload ?? "mixed-priority");
  if (findWorkload(workload) === undefined)
    throw new UsageError(`--workload: unknown workload "${workload}" (valid: ${WORKLOAD_NAMES.join(", ")})`);
  const list = String(extra.strategies ?? POLICY_NAMES.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (list.length === 0) throw new UsageError(`--strategies: give at least one of ${POLICY_NAMES.join(", ")}`);
  const strategies: PolicyName[] = [];
  for (const s of list) {
    if (!isPolicyName(s))
      throw new UsageError(`--strategies: unknown strategy "${s}" (valid: ${POLICY_NAMES.join(", ")})`);
    if (!strategies.includes(s)) strategies.push(s);
  }
  const workers = positiveInt("--workers", extra.workers ?? "8", MAX_WORKERS);
  const tasks = positiveInt("--tasks", extra.tasks ?? "100000", MAX_TASKS);
  return { workload, strategies, workers, tasks };
}

function positiveInt(flag: string, value: string | boolean, max: number): number {
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`${flag}: expected an integer from 1 to ${max}, got "${String(value)}"`);
  return n;
}

/** The book's 2:1 split of loops between `high` and `low`. */
export function priorityLayout(workers: number): { high: number; low: number } {
  if (workers === 1) return { high: 0, low: 1 };
  const low = Math.max(1, Math.round(workers / 3));
  return { high: workers - low, low };
}

function builderFor(strategy: PolicyName, params: CompareParams, seed: number): Runtime {
  const { high, low } = priorityLayout(params.workers);
  const classless = strategy === "fifo" || strategy === "work-stealing" || strategy === "aging";
  // Classless policies ignore homes, but the queues still name the classes for latency.
  const builder = new Runtime().withPolicy(strategy).withSeed(seed);
  if (classless)
    builder.withQueues([
      { name: "high", workers: params.workers },
      { name: "low", workers: 0 },
    ]);
  else builder.withHighNum(high).withLowNum(low);
  return builder;
}

/** Run one strategy on the sim driver. */
export function runStrategy(strategy: PolicyName, params: CompareParams, seed: number): SchedulerReport {
  const runtime = builderFor(strategy, params, seed).sim();
  findWorkload(params.workload)!.start(runtime, {
    tasks: params.tasks,
    workers: params.workers,
    rng: seededRandom(seed),
  });
  return runtime.run();
}

/** Run one strategy on the live driver: real time, the workers are logical loops on this thread. */
export function runStrategyLive(strategy: PolicyName, params: CompareParams, seed: number): Promise<SchedulerReport> {
  const runtime = builderFor(strategy, params, seed).live();
  findWorkload(params.workload)!.start(runtime, {
    tasks: params.tasks,
    workers: params.workers,
    rng: seededRandom(seed),
  });
  return runtime.run();
}

export function compareTable(
  reports: SchedulerReport[],
  params: CompareParams,
  driver: "sim" | "live" = "sim",
): TableBlock {
  const latency = (r: SchedulerReport, queue: string, which: "p50" | "p99"): Cell => {
    const s = r.latency.find((l) => l.queue === queue)?.summary;
    return s === undefined || s.count === 0 ? null : s[which];
  };
  // Sim times are virtual: every column that shows one says so (and none does under live).
  const v = driver === "sim" ? " (virtual)" : "";
  return {
    kind: "table",
    title:
      `workload ${params.workload}: ${params.tasks} tasks on ` +
      `${params.workers} workers ` +
      `(${driver === "sim" ? "sim, virtual time" : "live, real time, logical loops on one thread"})`,
    columns: [
      { header: "strategy" },
      { header: `makespan${v}`, unit: "ms", digits: 1, best: "min" },
      { header: `throughput${v}`, unit: "tasks/s", digits: 0, best: "max" },
      { header: `high p50${v}`, unit: "ms", digits: 3, best: "min" },
      { header: `high p99${v}`, unit: "ms", digits: 3, best: "min" },
      { header: `low p50${v}`, unit: "ms", digits: 1, best: "min" },
      { header: `low p99${v}`, unit: "ms", digits: 1, best: "min" },
      { header: "utilisation", unit: "%", digits: 1, best: "max" },
      { header: "steals" },
      { header: "max queue depth", best: "min" },
    ],
    rows: reports.map((r) => [
      r.policy,
      r.makespanMs,
      r.makespanMs > 0 ? (r.ended / r.makespanMs) * 1000 : null,
      latency(r, "high", "p50"),
      latency(r, "high", "p99"),
      latency(r, "low", "p50"),
      latency(r, "low", "p99"),
      r.utilisation,
      r.steals,
      r.maxQueueDepth,
    ]),
  };
}

/** Measured observations, computed from the reports (nothing here is hard-coded). */
function notices(reports: SchedulerReport[], driver: "sim" | "live"): string[] {
  const lines: string[] = [];
  const by = (name: string): SchedulerReport | undefined => reports.find((r) => r.policy === name);
  const p99 = (r: SchedulerReport | undefined): number =>
    r?.latency.find((l) => l.queue === "high")?.summary.p99 ?? NaN;
  const fifo = by("fifo");
  for (const name of ["priority", "priority-steal", "aging"]) {
    const r = by(name);
    if (fifo !== undefined && r !== undefined && p99(r) > 0 && p99(fifo) > 0)
      lines.push(
        `${name}: high-priority p99 is ${(p99(fifo) / p99(r)).toFixed(0)}× ` +
          `lower than fifo's (${p99(r).toFixed(3)} ms vs ${p99(fifo).toFixed(1)} ` +
          `ms).`,
      );
  }
  const strict = by("priority");
  const why: Record<string, string> = {
    "priority-steal": "idle high loops take low work",
    "work-stealing": "every worker takes any work, from the global queue or a victim's ring",
  };
  for (const name of ["priority-steal", "work-stealing"]) {
    const r = by(name);
    if (strict !== undefined && r !== undefined && r.makespanMs > 0) {
      const ratio = strict.makespanMs / r.makespanMs;
      lines.push(
        Math.abs(ratio - 1) < 0.01
          ? `${name}: makespan within 1% of priority without stealing.`
          : `${name}: makespan ` +
              `${ratio > 1 ? `${ratio.toFixed(2)}× shorter` : `${(1 / ratio).toFixed(2)}× longer`} ` +
              `than priority without stealing — ${why[name]}.`,
      );
    }
  }
  lines.push("fifo and work-stealing ignore priorities: a high task waits behind the bulk queued before it.");
  lines.push(
    driver === "sim"
      ? "Times are virtual (sim driver): each poll costs what the workload " +
          "declares with burn(); same --seed, same table."
      : "Times are real (live driver): burn() spins the CPU, and the workers " +
          "are logical loops sharing one thread, so they cannot overlap work — " +
          "use the sim to see parallel capacity.",
  );
  return lines;
}

export const compare: Chapter = {
  id: "compare",
  title: "Scheduling strategies compared on one workload",
  options: [
    { flags: "--workload <name>", description: `workload: ${WORKLOAD_NAMES.join(", ")}`, default: "mixed-priority" },
    {
      flags: "--strategies <list>",
      description: `comma-separated: ${POLICY_NAMES.join(", ")}`,
      default: POLICY_NAMES.join(","),
    },
    { flags: "--workers <n>", description: "virtual worker loops", default: "8" },
    { flags: "--tasks <n>", description: "tasks in the workload", default: "100000" },
  ],
  experiments: [
    {
      id: "strategies",
      usesDriver: true,
      title: "One workload under each strategy",
      summary: "makespan, throughput, p50/p99 latency per priority class, utilisation, steals, queue depth",
      default: true,
      async run(opts: LabOptions) {
        const params = compareParams(opts.extra);
        const reports: SchedulerReport[] = [];
        for (const strategy of params.strategies) {
          if (opts.signal.aborted) break;
          const started = performance.now();
          reports.push(
            opts.driver === "sim"
              ? runStrategy(strategy, params, opts.seed)
              : await runStrategyLive(strategy, params, opts.seed),
          );
          opts.log(
            `${strategy}: ${opts.driver === "sim" ? "simulated" : "ran"} in ` +
              `${((performance.now() - started) / 1000).toFixed(2)} s real time`,
          );
        }
        return {
          blocks: [
            compareTable(reports, params, opts.driver),
            { kind: "notice", lines: notices(reports, opts.driver) },
          ],
        };
      },
    },
  ],
};
