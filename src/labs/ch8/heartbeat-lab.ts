/**
 * E8.6: heartbeat supervision. The key-value and writer actors send heartbeats every
 * 200 ms; a heartbeat supervisor resets the key-value actor (which restarts its
 * writer) after 500 ms of silence; the router pauses 100 ms after a reset while
 * requests queue in its mailbox. Part 1 is the book's main (a manual reset); part 2
 * stalls the writer and lets the supervisor find it.
 *
 * Time: under `--driver sim` (default) the book's milliseconds run on the virtual
 * clock — exact, deterministic, instant. Under `--driver live` they are scaled by
 * the time scale, but never below LIVE_MIN_SCALE.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ActorSystem, blockOn, SimRuntime, sleep, type Co } from "../../index.js";
import type { ExperimentResult, LabOptions } from "../types.js";
import { JsonFileStore } from "./json-file-store.js";
import type { HeartbeatConfig } from "./kv-config.js";
import { KvClient } from "./kv-client.js";
import { debugOption, type RoutingMessage } from "./messages.js";
import { startKvSystem } from "./router.js";
import { bookMs } from "../book-time.js";
import { collapseRepeats } from "../collapse.js";
import type { TreeBlock } from "../types.js";

/** The book's durations (L6443, L6527, L6612), in ms. */
const BOOK = { everyMs: 200, cutoffMs: 500, resetPauseMs: 100 };
/** The book's main ends with a sleep whose length is cut off in our copy; we watch this long. */
const BOOK_TAIL_MS = 1_000;
/** Part 2: how long the writer hangs, and how often the client asks meanwhile. */
const STALL_MS = 2_000;
const PROBE_EVERY_MS = 100;
const PROBES = 12;
/**
 * Under the live driver, heartbeats of a few ms would be missed by ordinary jitter on
 * a shared machine (a GC pause, a neighbour) and trigger resets the lab did not
 * cause; at 0.1 the heartbeat is 20 ms and the cut-off 50 ms.
 */
const LIVE_MIN_SCALE = 0.1;

const encoder = new TextEncoder();

interface Probe {
  sentMs: number;
  answeredMs: number;
  value: string;
}

function* bookMain(
  kv: KvClient,
  router: { tell(m: RoutingMessage): void },
  lines: string[],
  ms: (bookMs: number) => number,
): Co<void> {
  yield* kv.set("hello", encoder.encode("world"));
  lines.push(`value: ${debugOption(yield* kv.get("hello"))}`);
  lines.push(`value: ${debugOption(yield* kv.get("hello"))}`);
  lines.push("-- manual reset of the key-value actor --");
  router.tell({ route: "reset", actor: "key-value" });
  lines.push(`value: ${debugOption(yield* kv.get("hello"))}`);
  yield* kv.set("test", encoder.encode("world"));
  yield* sleep(ms(BOOK_TAIL_MS));
}

function* stalledWriter(
  kv: KvClient,
  router: { tell(m: RoutingMessage): void },
  now: () => number,
  lines: string[],
  ms: (bookMs: number) => number,
  probes: Probe[],
): Co<void> {
  lines.push(`-- writer stalls for ${ms(STALL_MS).toFixed(0)} ms (a stuck disk) at ${now().toFixed(0)} ms --`);
  router.tell({ route: "stall", actor: "writer", ms: ms(STALL_MS) });
  for (let i = 0; i < PROBES; i++) {
    yield* sleep(ms(PROBE_EVERY_MS));
    const sentMs = now();
    const value = debugOption(yield* kv.get("hello"));
    probes.push({ sentMs, answeredMs: now(), value });
  }
}

export async function heartbeatSupervision(opts: LabOptions): Promise<ExperimentResult> {
  const sim = opts.driver === "sim" ? new SimRuntime({ seed: opts.seed }) : null;
  const scale = sim !== null ? 1 : Math.max(opts.timeScale, LIVE_MIN_SCALE);
  const ms = (bookMilliseconds: number) => bookMs({ timeScale: scale }, bookMilliseconds / 1000);
  const system = new ActorSystem(sim !== null ? { runtime: sim } : {});
  const now = () => (sim !== null ? sim.timers.now() : performance.now());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "async-lab-ch8-"));
  const lines: string[] = [];
  const part2: string[] = [];
  let log = lines;
  const probes: Probe[] = [];
  try {
    const file = path.join(dir, "data.json");
    fs.writeFileSync(file, "{}");
    const heartbeat: HeartbeatConfig = {
      everyMs: ms(BOOK.everyMs),
      cutoffMs: ms(BOOK.cutoffMs),
      resetPauseMs: ms(BOOK.resetPauseMs),
      traceWriter: true,
    };
    const t0 = now();
    const router = startKvSystem(system, {
      openStore: () => new JsonFileStore(file),
      heartbeat,
      log: (line) => log.push(line),
    });
    const kv = new KvClient(system.whereis<RoutingMessage, void>("router")!);
    const sinceStart = () => now() - t0;
    function* main(): Co<void> {
      yield* bookMain(kv, router, lines, ms);
      log = part2;
      yield* stalledWriter(kv, router, sinceStart, part2, ms, probes);
      router.stop();
      yield* router.join();
    }
    if (sim !== null) sim.blockOn(main());
    else await blockOn(main());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const count = (ls: string[], prefix: string) => new Set(ls.filter((l) => l.startsWith(prefix))).size;
  const loads = [...lines, ...part2].filter((l) => l.startsWith("Data loaded from file")).length;
  const unit = sim !== null ? "virtual ms" : "ms";
  return {
    blocks: [
      {
        kind: "text",
        title:
          "printout, part 1: the book's main (set, get ×2, manual reset, get, " +
          "set); identical consecutive lines collapsed into one with a count (the " +
          "writer prints at every heartbeat)",
        lines: collapseRepeats(lines),
      },
      {
        kind: "text",
        title:
          "printout, part 2: the writer stalls, the heartbeat supervisor resets; identical consecutive lines collapsed",
        lines: collapseRepeats(part2),
      },
      actorTree([...lines, ...part2], ms(BOOK.everyMs), ms(BOOK.cutoffMs), unit),
      {
        kind: "table",
        title: `part 2: a get every ${ms(PROBE_EVERY_MS)} ${unit} while the writer hangs (times since start, ${unit})`,
        columns: [
          { header: "get sent", digits: 1 },
          { header: "answered", digits: 1 },
          { header: "waited", digits: 1, best: "max" },
          { header: "value" },
        ],
        rows: probes.map((p) => [p.sentMs, p.answeredMs, p.answeredMs - p.sentMs, p.value]),
      },
      {
        kind: "book",
        title:
          `book (L6443, L6527, L6612, L6650-6680); ` +
          `${sim !== null ? "sim driver: the book's durations on the virtual clock" : `live driver, scale ${scale}`}`,
        rows: [
          {
            label: "heartbeat / cut-off / reset pause",
            book: "200 / 500 / 100 ms",
            ours: `${ms(BOOK.everyMs)} / ${ms(BOOK.cutoffMs)} / ${ms(BOOK.resetPauseMs)} ${unit}`,
          },
          {
            label: "'Data loaded from file' lines",
            book: "2 (start, manual reset)",
            ours: `${loads} (start, manual reset, supervisor reset)`,
          },
          {
            label: "writer instances printing after the manual reset",
            book: "1, after the reset (its Instant differs)",
            ours: String(count(lines, "writer instance")),
          },
          {
            label: "writer instances after the supervisor's reset",
            book: "—",
            ours: String(count(part2, "writer instance")),
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "Gets sent while the router pauses after a reset wait in its mailbox " +
            "and are answered after it, by the new key-value actor: nothing fails, " +
            "they are only late.",
          "The writer is the key-value actor's child, so killing the key-value " +
            "actor kills the writer too; the new key-value actor spawns a new " +
            "writer, which reloads the file.",
          "Heartbeats are ticks in the mailbox: a handler that hangs cannot send " +
            "one, which is exactly what the supervisor needs to see.",
        ],
      },
    ],
  };
}

/**
 * The book's Figure 8-2 drawn from this run: who spawned whom, and how often each was
 * replaced — counted from the lines the actors printed (each key-value start, each
 * distinct writer instance, each supervisor reset).
 */
export function actorTree(printed: readonly string[], everyMs: number, cutoffMs: number, unit: string): TreeBlock {
  const kvStarts = printed.filter((l) => l === "Starting key_value_actor").length;
  const supervisorResets = printed.filter((l) => l.startsWith("-- heartbeat supervisor:")).length;
  const manualResets = printed.filter((l) => l.startsWith("-- manual reset")).length;
  const writers = [
    ...new Set(printed.filter((l) => l.startsWith("writer instance: actor")).map((l) => /actor (\d+)/.exec(l)![1]!)),
  ];
  const restarts = Math.max(0, kvStarts - 1);
  return {
    kind: "tree",
    title: "Figures 8-2 and 8-3 (book): the writer backup actor system, as this run spawned it",
    root: {
      label: "router",
      note: "global, registered by name; forwards get / set / reset",
      children: [
        {
          label: "key-value actor",
          note:
            `↻ ${restarts} restart${restarts === 1 ? "" : "s"} (${manualResets} ` +
            `manual, ${supervisorResets} by the supervisor): ${kvStarts} ` +
            `instance${kvStarts === 1 ? "" : "s"}`,
          children: [
            {
              label: "writer actor",
              note:
                `↻ dies and restarts with its parent: ${writers.length} ` +
                `instance${writers.length === 1 ? "" : "s"} seen printing (actor ` +
                `${writers.join(", ")})`,
            },
          ],
        },
        {
          label: "heartbeat supervisor",
          note: `beats every ${everyMs} ${unit}, reset after ${cutoffMs} ${unit} of silence`,
        },
      ],
    },
    legend: ["↻ = replaced by a new instance (a restart)", "child under parent = spawned by it, dies with it"],
  };
}
