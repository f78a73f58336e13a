/**
 * tinybench, wrapped for side-by-side runs: every subject of a case is measured in
 * the same process, one after another, each after its own warm-up — so a ratio
 * compares like with like on this (noisy, shared) machine.
 */
import { Bench } from "tinybench";
import type { BenchOptions, BenchRow } from "./types.js";

export interface Contender {
  subject: string;
  /** One iteration of the case. May return a promise. */
  fn: () => unknown;
  /** Runs before each measured batch (not timed). */
  beforeEach?: () => void | Promise<void>;
}

/** Measure each contender of one case; returns a row per contender. */
export async function measureCase(caseName: string, contenders: Contender[], options: Pick<BenchOptions, "time" | "log">): Promise<BenchRow[]> {
  const bench = new Bench({
    time: options.time,
    iterations: 5,
    warmupTime: Math.min(250, Math.max(50, options.time / 4)),
    warmupIterations: 3,
    throws: true,
  });
  for (const c of contenders) {
    bench.add(c.subject, c.fn as () => unknown, c.beforeEach ? { beforeEach: c.beforeEach } : {});
  }
  await bench.run();
  const rows: BenchRow[] = [];
  for (const task of bench.tasks) {
    const r = task.result;
    if (r === undefined || r.error !== undefined) throw new Error(`bench ${caseName}/${task.name} failed: ${String(r?.error ?? "no result")}`);
    rows.push({ case: caseName, subject: task.name, opsPerSec: r.throughput.mean, rme: r.throughput.rme, samples: r.latency.samples.length });
    options.log(`  ${caseName} · ${task.name}: ${r.throughput.mean.toFixed(1)} ops/s ±${r.throughput.rme.toFixed(1)}%`);
  }
  return rows;
}

/** Heap in use after two forced collections, or throws if the process lacks `--expose-gc`. */
export function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory cases need --expose-gc (the lab CLI re-runs itself with it)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
