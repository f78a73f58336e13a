/**
 * `lab bench executor`: Tokio's own runtime benchmarks (benches/rt_multi_threaded.rs
 * and friends), ported by name so a reader recognises every row, each run for
 * async-lab, for native promises, and for `effect` fibers where the case has an
 * Effect equivalent.
 *
 * Awaiting inside our generators: `yield f` is V8's plain generator resume; the
 * typed `yield* f` goes through V8's generic iterator delegation and costs ~9 ns
 * more per await on a bare driver loop (measured in futures/base-future.ts, with
 * why no future can present itself to `yield*` more cheaply). `yield_many` uses `yield yieldNow()` (the value is void,
 * so the
 * type is not missed); `yield_many_typed` measures the `yield*` form beside it so
 * the cost of the typed spelling is visible rather than hidden.
 *
 * The `floor` subject (`executor-floor.ts`) runs the same workload on the smallest
 * executor that can: bare generators in a ring. It is the physical limit for
 * generator tasks on the machine that runs the bench, so `vs floor` says how much
 * the runtime's bookkeeping costs, where `vs native` says how it compares with what
 * a user would write instead.
 *
 * `timers` is mostly the sleeps themselves in wall time (both sides wait ~10 ms per
 * iteration), so its rows also carry CPU time per iteration (`process.cpuUsage`),
 * and the renderer takes that case's ratio from CPU time.
 */
import {
  LiveRuntime,
  oneshot,
  sleep,
  yieldNow,
  type Co,
  type OneshotReceiver,
  type OneshotSender,
} from "../src/index.js";
import { seededRandom } from "../src/runtime/rng.js";
import { floorChainedSpawn, floorSpawnMany, floorYieldMany } from "./executor-floor.js";
import { measureCase, measureCpuPerOp, settledHeap, type Contender } from "./harness.js";
import type { BenchOptions, BenchRow, BenchSuite } from "./types.js";

const SPAWN_MANY = 10_000;
const YIELD_TASKS = 200;
const YIELDS_PER_TASK = 1_000;
const PING_PONGS = 1_000;
const CHAIN = 1_000;
const TIMERS = 10_000;
const MEMORY_TASKS = 100_000;

const rt = new LiveRuntime();

// --- spawn_many: spawn 10,000 tasks that complete at once; the last one signals. ---
interface Countdown {
  remaining: number;
  done: OneshotSender<void>;
}
function* countDown(c: Countdown): Co<void> {
  if (--c.remaining === 0) c.done.send();
}
function* spawnMany(): Co<void> {
  const [tx, rx] = oneshot<void>();
  const c: Countdown = { remaining: SPAWN_MANY, done: tx };
  for (let i = 0; i < SPAWN_MANY; i++) rt.spawn(countDown(c));
  yield* rx;
}
async function nativeNoop(i: number): Promise<number> {
  return i;
}
function nativeSpawnMany(): Promise<number[]> {
  const all = new Array<Promise<number>>(SPAWN_MANY);
  for (let i = 0; i < SPAWN_MANY; i++) all[i] = nativeNoop(i);
  return Promise.all(all);
}

// --- yield_many: 200 tasks × 1,000 yields. ---
function* yielder(): Co<void> {
  for (let i = 0; i < YIELDS_PER_TASK; i++) yield yieldNow();
}
function* typedYielder(): Co<void> {
  for (let i = 0; i < YIELDS_PER_TASK; i++) yield* yieldNow();
}
function* yieldMany(body: () => Co<void>): Co<void> {
  const handles = [];
  for (let i = 0; i < YIELD_TASKS; i++) handles.push(rt.spawn(body()));
  for (const h of handles) yield* h;
}
async function nativeYielder(): Promise<void> {
  for (let i = 0; i < YIELDS_PER_TASK; i++) await null;
}
function nativeYieldMany(): Promise<void[]> {
  const all: Promise<void>[] = [];
  for (let i = 0; i < YIELD_TASKS; i++) all.push(nativeYielder());
  return Promise.all(all);
}

// --- ping_pong: Tokio's shape — 1,000 pings run at once; each spawns a pong task
// and they trade one message each way over one-shot channels; the last ping to
// finish signals the waiting root. ---
function* pong(rx: OneshotReceiver<void>, tx: OneshotSender<void>): Co<void> {
  yield rx;
  tx.send();
}
function* ping(c: Countdown): Co<void> {
  const [tx1, rx1] = oneshot<void>();
  const [tx2, rx2] = oneshot<void>();
  rt.spawn(pong(rx1, tx2));
  tx1.send();
  yield rx2;
  if (--c.remaining === 0) c.done.send();
}
function* pingPong(): Co<void> {
  const [tx, rx] = oneshot<void>();
  const c: Countdown = { remaining: PING_PONGS, done: tx };
  for (let i = 0; i < PING_PONGS; i++) rt.spawn(ping(c));
  yield* rx;
}
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
async function nativePong(rx: Promise<void>, tx: () => void): Promise<void> {
  await rx;
  tx();
}
async function nativePing(): Promise<void> {
  const one = deferred();
  const two = deferred();
  void nativePong(one.promise, two.resolve);
  one.resolve();
  await two.promise;
}
function nativePingPong(): Promise<void[]> {
  const all = new Array<Promise<void>>(PING_PONGS);
  for (let i = 0; i < PING_PONGS; i++) all[i] = nativePing();
  return Promise.all(all);
}

// --- chained_spawn: each task spawns the next; the last signals. ---
function* chainLink(left: number, done: OneshotSender<void>): Co<void> {
  if (left === 0) done.send();
  else rt.spawn(chainLink(left - 1, done));
}
function* chainedSpawn(): Co<void> {
  const [tx, rx] = oneshot<void>();
  rt.spawn(chainLink(CHAIN, tx));
  yield* rx;
}
function nativeChain(left: number): Promise<void> {
  return left === 0 ? Promise.resolve() : Promise.resolve(left - 1).then(nativeChain);
}

// --- timers: 10,000 concurrent sleeps of 0–10 ms (seeded). ---
function timerDelays(seed: number): number[] {
  const rng = seededRandom(seed);
  return Array.from({ length: TIMERS }, () => Math.floor(rng() * 11));
}
function* sleeper(ms: number): Co<void> {
  yield sleep(ms);
}
function* timers(delays: number[]): Co<void> {
  const handles = delays.map((ms) => rt.spawn(sleeper(ms)));
  for (const h of handles) yield* h;
}
function nativeTimers(delays: number[]): Promise<unknown> {
  return Promise.all(delays.map((ms) => new Promise((r) => setTimeout(r, ms))));
}

// --- memory: heap bytes per pending task. ---
async function memoryOurs(): Promise<number> {
  const before = settledHeap();
  const handles = new Array(MEMORY_TASKS);
  for (let i = 0; i < MEMORY_TASKS; i++) handles[i] = rt.spawn(sleep(3_600_000));
  // Let every task run its first poll and park on its timer (a drain is time-sliced,
  // so this can take several event-loop turns).
  while (rt.queued > 0 || rt.timers.size < MEMORY_TASKS) await new Promise((r) => setImmediate(r));
  const after = settledHeap();
  for (const h of handles) h.cancel();
  return (after - before) / MEMORY_TASKS;
}
async function memoryNative(): Promise<number> {
  const before = settledHeap();
  let release!: () => void;
  const never = new Promise<void>((r) => (release = r));
  const pending = new Array<Promise<void>>(MEMORY_TASKS);
  for (let i = 0; i < MEMORY_TASKS; i++)
    pending[i] = (async () => {
      await never;
    })();
  await new Promise((r) => setImmediate(r));
  const after = settledHeap();
  release();
  await Promise.all(pending);
  return (after - before) / MEMORY_TASKS;
}

async function effectContenders(): Promise<{ spawnMany: Contender; yieldMany: Contender } | null> {
  let Effect: typeof import("effect").Effect;
  let Fiber: typeof import("effect").Fiber;
  try {
    ({ Effect, Fiber } = await import("effect"));
  } catch {
    return null; // devDependency not installed (production install): run without the peer
  }
  const spawnManyEffect = Effect.gen(function* () {
    const fibers = [];
    for (let i = 0; i < SPAWN_MANY; i++) fibers.push(yield* Effect.fork(Effect.succeed(i)));
    return yield* Fiber.joinAll(fibers);
  });
  const effectYielder = Effect.gen(function* () {
    for (let i = 0; i < YIELDS_PER_TASK; i++) yield* Effect.yieldNow();
  });
  const yieldManyEffect = Effect.gen(function* () {
    const fibers = [];
    for (let i = 0; i < YIELD_TASKS; i++) fibers.push(yield* Effect.fork(effectYielder));
    return yield* Fiber.joinAll(fibers);
  });
  return {
    spawnMany: { subject: "effect", fn: () => Effect.runPromise(spawnManyEffect) },
    yieldMany: { subject: "effect", fn: () => Effect.runPromise(yieldManyEffect) },
  };
}

export const executorSuite: BenchSuite = {
  id: "executor",
  summary:
    "Tokio's runtime benchmarks (spawn_many, yield_many, ping_pong, " +
    "chained_spawn, timers, memory) vs native promises and effect",
  cases: ["spawn_many", "yield_many", "yield_many_typed", "ping_pong", "chained_spawn", "timers", "memory"],
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const want = (c: string) => options.cases.length === 0 || options.cases.includes(c);
    const effect = await effectContenders();
    const rows: BenchRow[] = [];
    if (want("spawn_many")) {
      const contenders: Contender[] = [
        { subject: "async-lab", fn: () => rt.blockOn(spawnMany()) },
        { subject: "native", fn: nativeSpawnMany },
        { subject: "floor", fn: () => floorSpawnMany(SPAWN_MANY) },
      ];
      if (effect) contenders.push(effect.spawnMany);
      rows.push(...(await measureCase("spawn_many", contenders, options)));
    }
    if (want("yield_many")) {
      const contenders: Contender[] = [
        { subject: "async-lab", fn: () => rt.blockOn(yieldMany(yielder)) },
        { subject: "native", fn: nativeYieldMany },
        { subject: "floor", fn: () => floorYieldMany(YIELD_TASKS, YIELDS_PER_TASK) },
      ];
      if (effect) contenders.push(effect.yieldMany);
      rows.push(...(await measureCase("yield_many", contenders, options)));
    }
    if (want("yield_many_typed")) {
      rows.push(
        ...(await measureCase(
          "yield_many_typed",
          [
            { subject: "async-lab", fn: () => rt.blockOn(yieldMany(typedYielder)) },
            { subject: "native", fn: nativeYieldMany },
          ],
          options,
        )),
      );
    }
    if (want("ping_pong")) {
      rows.push(
        ...(await measureCase(
          "ping_pong",
          [
            { subject: "async-lab", fn: () => rt.blockOn(pingPong()) },
            { subject: "native", fn: nativePingPong },
          ],
          options,
        )),
      );
    }
    if (want("chained_spawn")) {
      rows.push(
        ...(await measureCase(
          "chained_spawn",
          [
            { subject: "async-lab", fn: () => rt.blockOn(chainedSpawn()) },
            { subject: "native", fn: () => nativeChain(CHAIN) },
            { subject: "floor", fn: () => floorChainedSpawn(CHAIN) },
          ],
          options,
        )),
      );
    }
    if (want("timers")) {
      const delays = timerDelays(options.seed);
      const contenders: Contender[] = [
        { subject: "async-lab", fn: () => rt.blockOn(timers(delays)) },
        { subject: "native", fn: () => nativeTimers(delays) },
      ];
      const timed = await measureCase("timers", contenders, options);
      const cpu = await measureCpuPerOp("timers", contenders, options);
      timed.forEach((row, i) => (row.cpuMsPerOp = cpu[i]));
      rows.push(...timed);
    }
    if (want("memory")) {
      // Median of three: a GC that lands between the two heap readings is noise.
      const median = async (f: () => Promise<number>) => {
        const xs = [await f(), await f(), await f()].sort((a, b) => a - b);
        return xs[1]!;
      };
      const ours = await median(memoryOurs);
      const native = await median(memoryNative);
      options.log(`  memory · async-lab: ${ours.toFixed(0)} B/task, native: ${native.toFixed(0)} B/task`);
      rows.push(
        { case: "memory", subject: "async-lab", bytesPerTask: ours },
        { case: "memory", subject: "native", bytesPerTask: native },
      );
    }
    return rows;
  },
};
