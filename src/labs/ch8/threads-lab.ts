/**
 * `lab ch8 threads`: a key-value actor answering `get`s beside a CPU-heavy neighbour
 * actor, with each of them on the main thread or on the thread backend (its own
 * worker thread, `spawnThreadActor`). A client on the main thread sends a `get` every
 * GET_EVERY_MS (open loop) while the neighbour burns CPU in SPIN_MS slices; the table shows what the
 * neighbour does to `get` latency in each placement — and the main thread's
 * slow-poll counter, which flags an actor that held the thread over 10 ms.
 *
 * The actors are named by module + export (`kvActor`, `spinnerActor` below), since
 * a thread actor's factory has to be imported by its worker.
 */
import { fileURLToPath } from "node:url";
import { ActorSystem, spawnThreadActor, type Actor, type ActorRef } from "../../index.js";
import { UsageError, type ExperimentResult, type LabOptions } from "../types.js";

/** One slice of the neighbour's work: long enough to be felt, short enough to interleave. */
const SPIN_MS = 20;
/** The client's pace: one get due every this many ms. */
const GET_EVERY_MS = 2;

export type KvMsg = { op: "set"; key: string; value: string } | { op: "get"; key: string };

/** The key-value actor (a map; a get answers the value or null). */
export function kvActor(): Actor<KvMsg, string | null> {
  const map = new Map<string, string>();
  return { handle: (m) => (m.op === "set" ? (map.set(m.key, m.value), null) : (map.get(m.key) ?? null)) };
}

/**
 * The neighbour: each message burns `ms` of CPU, then schedules the next slice for
 * the next timer turn (until told 0) — so on the main thread it leaves a gap between
 * slices, as a busy actor fed from outside would, instead of one endless poll.
 */
export function spinnerActor(): Actor<number, number> {
  return {
    handle: (ms, ctx) => {
      const start = performance.now();
      while (performance.now() - start < ms) {
        // burn
      }
      if (ms > 0) ctx.sendAfter(ms, 0);
      return ms;
    },
  };
}

type Place = "main" | "thread" | "none";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function measure(kvAt: Place, neighbourAt: Place, durationMs: number): Promise<(string | number)[]> {
  const system = new ActorSystem({ slowPollMs: 10 });
  const module = fileURLToPath(import.meta.url);
  const kv: ActorRef<KvMsg, string | null> =
    kvAt === "thread" ? spawnThreadActor(module, "kvActor", { name: "kv" }) : system.spawn(kvActor, { name: "kv" });
  const neighbour: ActorRef<number, number> | null =
    neighbourAt === "none"
      ? null
      : neighbourAt === "thread"
        ? spawnThreadActor(module, "spinnerActor", { name: "neighbour" })
        : system.spawn(spinnerActor, { name: "neighbour" });
  await kv.ask({ op: "set", key: "k", value: "v" }); // up and running (a thread has started)
  if (neighbour !== null) await neighbour.ask(0, 30_000);
  neighbour?.tell(SPIN_MS);
  // Open loop: a get is due every GET_EVERY_MS; its latency counts from when it was
  // due, not from when a stalled thread got round to sending it (else a stall would
  // hide itself: coordinated omission).
  const latencies: number[] = [];
  const answers: PromiseLike<void>[] = [];
  const start = performance.now();
  for (let i = 0; i * GET_EVERY_MS < durationMs; i++) {
    const due = start + i * GET_EVERY_MS;
    const ahead = due - performance.now();
    // setTimeout truncates: never fire before due
    if (ahead > 0) await new Promise((r) => setTimeout(r, Math.ceil(ahead)));
    answers.push(
      kv.ask({ op: "get", key: "k" }, 30_000).then((v) => {
        if (v !== "v") throw new Error("wrong value");
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(answers);
  if (neighbour !== null) {
    neighbour.tellPriority(0); // stop the self-feeding loop, then stop
    neighbour.stop();
    await neighbour.join();
  }
  kv.stop();
  await kv.join();
  latencies.sort((a, b) => a - b);
  return [
    `kv on ${kvAt}`,
    neighbourAt === "none" ? "no neighbour" : `neighbour on ${neighbourAt}`,
    latencies.length,
    percentile(latencies, 0.5),
    percentile(latencies, 0.99),
    latencies.at(-1)!,
    system.slowPolls,
  ];
}

export async function threadsLab(opts: LabOptions): Promise<ExperimentResult> {
  const durationMs = Number(opts.extra.ms ?? 600);
  if (!(durationMs > 0)) throw new UsageError(`--ms must be > 0, got ${opts.extra.ms}`);
  const rows: (string | number)[][] = [];
  for (const [kvAt, neighbourAt] of [
    ["main", "none"],
    ["main", "main"],
    ["main", "thread"],
    ["thread", "none"],
    ["thread", "main"],
    ["thread", "thread"],
  ] as [Place, Place][]) {
    if (opts.signal.aborted) break;
    rows.push(await measure(kvAt, neighbourAt, durationMs));
    opts.log(`  ${rows.at(-1)!.slice(0, 2).join(", ")}: p99 ${(rows.at(-1)![4] as number).toFixed(2)} ms`);
  }
  const p99 = (kv: string, n: string) => rows.find((r) => r[0] === kv && r[1] === n)?.[4] as number | undefined;
  const p50 = (kv: string, n: string) => rows.find((r) => r[0] === kv && r[1] === n)?.[3] as number | undefined;
  const onMain = p99("kv on main", "neighbour on main");
  const offMain = p99("kv on main", "neighbour on thread");
  return {
    blocks: [
      {
        kind: "table",
        title:
          `a get due every ${GET_EVERY_MS} ms for ${durationMs} ms per row ` +
          `(latency from when it was due), while the neighbour burns CPU in ` +
          `${SPIN_MS} ms slices (live runtime; a shared, busy machine)`,
        columns: [
          { header: "key-value actor" },
          { header: "neighbour" },
          { header: "gets" },
          { header: "p50", unit: "ms", digits: 3 },
          { header: "p99", unit: "ms", digits: 3, best: "min" },
          { header: "max", unit: "ms", digits: 1 },
          { header: "slow polls (main)" },
        ],
        rows,
      },
      {
        kind: "notice",
        lines: [
          onMain !== undefined && offMain !== undefined
            ? `With the neighbour on the main thread a get waits behind its CPU ` +
              `slices (p50 ${p50("kv on main", "neighbour on main")!.toFixed(2)} ms, ` +
              `p99 ${onMain.toFixed(2)} ms); moved to its own thread: p50 ` +
              `${p50("kv on main", "neighbour on thread")!.toFixed(2)} ms, p99 ` +
              `${offMain.toFixed(2)} ms.`
            : "Stopped early.",
          "A thread actor costs a port hop per message (the kv-on-thread rows); " +
            "it pays off when the neighbour's handler is CPU-bound.",
        ],
      },
    ],
  };
}
