/**
 * tinybench, wrapped for side-by-side runs: every subject of a case is measured in
 * the same process, in alternating rounds, after its own warm-up — so a ratio
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

/**
 * Rounds per case. Each round measures every contender in turn for `time / ROUNDS`;
 * the samples of all rounds are pooled. On a shared machine the load drifts over
 * seconds: measured one after another (A for 1 s, then B for 1 s), whichever ran in
 * the quieter second wins. Alternating A B A B A B spreads the drift over both, so
 * the ratio — the figure a reader takes away — is fairer.
 */
const ROUNDS = 3;

/**
 * Between contenders' turns: wait until the event loop is quiet, then collect the
 * garbage (when the process has `--expose-gc`, as the lab CLI gives it).
 *
 * Why: with alternating rounds, whatever a contender leaves behind lands in the next
 * one's timed iterations. Two things were seen to: a heap full of garbage (its major
 * GC), and work still queued after the contender's promise resolved — effect, for
 * one, finishes its forked fibers' clean-up on its own scheduler afterwards, and our
 * first iteration after it took ~330 ms instead of ~0.3 ms.
 */
async function settle(): Promise<void> {
  const deadline = performance.now() + SETTLE_MAX_MS;
  let quietHops = 0;
  while (quietHops < SETTLE_QUIET_HOPS && performance.now() < deadline) {
    const start = performance.now();
    await new Promise<void>((resolve) => setImmediate(resolve));
    // A hop through the event loop that took long means someone else's callbacks ran.
    quietHops = performance.now() - start < SETTLE_QUIET_HOP_MS ? quietHops + 1 : 0;
  }
  (globalThis as { gc?: () => void }).gc?.();
}
const SETTLE_MAX_MS = 2_000;
const SETTLE_QUIET_HOPS = 20;
const SETTLE_QUIET_HOP_MS = 0.5;

/**
 * After `settle`'s collection, untimed iterations of the contender about to be
 * measured, until it runs as it does in steady state.
 *
 * Why: V8 shrinks the young generation in a full collection and grows it back as the
 * program allocates, so the iterations right after `gc()` are not typical. Measured on
 * `ping_pong`: the first ~9 iterations after `gc()` took 0.4–17 ms each against a
 * steady 0.135 ms. Timed, they dominated a 170 ms round, and the ratio between two
 * contenders swung from 0.5× to 3× from run to run. Each contender re-warms on its
 * own garbage, so none pays for another's.
 */
export async function warmAfterSettle(c: Contender): Promise<void> {
  const until = performance.now() + WARM_MAX_MS;
  for (let n = 0; n < WARM_ITERATIONS && (n < WARM_MIN_ITERATIONS || performance.now() < until); n++) {
    await c.beforeEach?.();
    await c.fn();
  }
}
const WARM_ITERATIONS = 12;
const WARM_MIN_ITERATIONS = 2;
const WARM_MAX_MS = 60;

/** Measure each contender of one case; returns a row per contender. */
export async function measureCase(
  caseName: string,
  contenders: Contender[],
  options: Pick<BenchOptions, "time" | "log">,
): Promise<BenchRow[]> {
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({
      time: options.time / ROUNDS,
      iterations: 2,
      // Warm up (JIT, caches) before the first round only; later rounds start warm.
      warmup: round === 0,
      warmupTime: Math.min(250, Math.max(50, options.time / 4)),
      warmupIterations: 3,
      // Keep the error on the task's result, so the failure below can name the subject.
      throws: false,
    });
    for (const c of contenders) {
      bench.add(c.subject, c.fn as () => unknown, {
        beforeAll: async () => {
          await settle();
          await warmAfterSettle(c);
        },
        afterAll: settle,
        ...(c.beforeEach ? { beforeEach: c.beforeEach } : {}),
      });
    }
    await bench.run();
    bench.tasks.forEach((task, i) => {
      const r = task.result;
      if (r === undefined || r.error !== undefined)
        throw new Error(`bench ${caseName}/${task.name} failed: ${String(r?.error ?? "no result")}`);
      samples[i]!.push(...r.latency.samples);
    });
  }
  return contenders.map((c, i) => {
    const { mean, rme } = throughputOf(samples[i]!);
    options.log(`  ${caseName} · ${c.subject}: ${mean.toFixed(1)} ops/s ±${rme.toFixed(1)}%`);
    return { case: caseName, subject: c.subject, opsPerSec: mean, rme, samples: samples[i]!.length };
  });
}

/**
 * Iterations per second over latency samples (ms): iterations divided by the time
 * they took (1000 / mean latency), and its relative margin of error at 95 % (normal
 * approximation; to first order the reciprocal keeps the mean's relative margin).
 *
 * Why not tinybench's `throughput.mean` (the mean of 1000 / latency per sample): it
 * weights fast iterations more than slow ones. In allocation-heavy cases the slow
 * iterations are where the garbage of the fast ones is collected, so that estimator
 * credits a contender for the speed of its fast iterations while discounting the GC
 * pauses its own garbage causes. Total work over total time charges each contender
 * for everything it made the machine do.
 */
export function throughputOf(latenciesMs: readonly number[]): { mean: number; rme: number } {
  const n = latenciesMs.length;
  if (n === 0) return { mean: 0, rme: 0 };
  let sum = 0;
  for (const ms of latenciesMs) sum += ms;
  const meanMs = sum / n;
  let squares = 0;
  for (const ms of latenciesMs) squares += (ms - meanMs) ** 2;
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  return { mean: 1000 / meanMs, rme: n > 1 ? ((1.96 * sd) / Math.sqrt(n) / meanMs) * 100 : 0 };
}

/** Heap in use after two forced collections, or throws if the process lacks `--expose-gc`. */
export function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory cases need --expose-gc (the lab CLI re-runs itself with it)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Iterations per contender per round of {@link measureCpuPerOp}. */
const CPU_ITERATIONS_PER_ROUND = 5;

/**
 * CPU milliseconds (user + system, this process) per iteration of each contender,
 * median over alternating rounds. For cases whose wall time is mostly waiting (the
 * `timers` sleeps), CPU time is what the runtime actually spends; wall time would
 * show two equal sleeps. Each round runs every contender in turn, settled between
 * turns like {@link measureCase}, so a load spike lands on all of them alike.
 */
export async function measureCpuPerOp(
  caseName: string,
  contenders: Contender[],
  options: Pick<BenchOptions, "time" | "log">,
): Promise<number[]> {
  const perRound: number[][] = contenders.map(() => []);
  const rounds = Math.max(3, Math.min(9, Math.round(options.time / 200)));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[i]!;
      await settle();
      await warmAfterSettle(c);
      await c.beforeEach?.();
      const start = process.cpuUsage();
      for (let k = 0; k < CPU_ITERATIONS_PER_ROUND; k++) await c.fn();
      const used = process.cpuUsage(start);
      perRound[i]!.push((used.user + used.system) / 1000 / CPU_ITERATIONS_PER_ROUND);
    }
  }
  return contenders.map((c, i) => {
    const sorted = [...perRound[i]!].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    options.log(`  ${caseName} · ${c.subject}: ${median.toFixed(2)} ms CPU/op`);
    return median;
  });
}
