/**
 * `lab ch6` — reactive programming: the heater (E6.1) with busy-polling vs waker-driven
 * observers, the reaction-delay warning made measurable, compareExchange (E6.2), input
 * by callbacks (E6.3) and the event bus with a garbage collector (E6.4).
 *
 * Experiments never print. The one exception is `heater --interactive` on a TTY: it
 * draws the live display on process.stdout and reads raw keys, because an interactive
 * screen cannot be returned as data. Without a TTY the scripted key sequence is replayed.
 */
import {
  AtomicCell,
  EventBus,
  LiveRuntime,
  VirtualRuntime,
  co,
  sleep,
  yieldNow,
  type BackpressurePolicy,
  type Co,
} from "../../index.js";
import { startHeater, summarizeHeater, type HeaterTrace, type ObserverDesign } from "./heater.js";
import { simulateHeater } from "./simulate-heater.js";
import { bookMs, toBookSeconds } from "../book-time.js";
import { runInteractiveHeater } from "./interactive.js";
import type { Chapter, ExperimentResult, LabOptions } from "../types.js";

const BOOK_SECOND = 1000;
/** Simulated run for the chart and the reaction-delay table: 10 book minutes. */
const SIM_RUN_MS = 600 * BOOK_SECOND;
/** Live comparison length in book seconds (× timeScale in real time: 1.2 s at the default 0.01). */
const LIVE_RUN_BOOK_S = 120;

function chartOf(trace: HeaterTrace, endMs: number) {
  const points: [number, number][] = trace.samples.map(([t, temp]) => [t / 1000, temp / 100]);
  const spans: { name: string; from: number; to: number }[] = [];
  let onAt = -1;
  for (const s of trace.switches) {
    if (s.on) onAt = s.t;
    else if (onAt >= 0) {
      spans.push({ name: "heater on", from: onAt / 1000, to: s.t / 1000 });
      onAt = -1;
    }
  }
  if (onAt >= 0) spans.push({ name: "heater on", from: onAt / 1000, to: endMs / 1000 });
  return { points, spans };
}

async function liveRun(design: ObserverDesign, opts: LabOptions) {
  const rt = new LiveRuntime();
  const cpu0 = process.cpuUsage();
  const run = startHeater(rt, design, { heatStepMs: bookMs(opts, 3), lossEveryMs: bookMs(opts, 3) });
  await new Promise((r) => setTimeout(r, bookMs(opts, LIVE_RUN_BOOK_S)));
  run.stop();
  const cpu = process.cpuUsage(cpu0);
  const t0 = run.trace.samples[0]?.[0] ?? 0;
  const shifted = {
    ...run.trace,
    samples: run.trace.samples.map(([t, a, b, c]) => [t - t0, a, b, c] as [number, number, number, number]),
  };
  const s = summarizeHeater(shifted);
  const polls = run.trace.polls.display + run.trace.polls.heater + run.trace.polls.heatLoss;
  return [
    design === "busy" ? "busy-poll (book)" : "waker-driven",
    toBookSeconds(opts, s.timeToTargetMs),
    s.amplitude,
    s.switches,
    polls / LIVE_RUN_BOOK_S,
    (cpu.user + cpu.system) / 1000,
  ];
}

async function heater(opts: LabOptions): Promise<ExperimentResult> {
  if (opts.extra.interactive === true && process.stdout.isTTY && process.stdin.isTTY) {
    await runInteractiveHeater(opts);
    return { blocks: [{ kind: "notice", lines: ["interactive session ended"] }] };
  }
  const sim = simulateHeater("waker", SIM_RUN_MS, { seed: opts.seed });
  const { points, spans } = chartOf(sim.trace, SIM_RUN_MS);
  const compare = [await liveRun("busy", opts), await liveRun("waker", opts)];
  const delays = [0, 1, 3, 10].map((d) => {
    const s = summarizeHeater(
      simulateHeater("waker", SIM_RUN_MS, { seed: opts.seed, reactionDelayMs: d * BOOK_SECOND }).trace,
    );
    return [d, s.timeToTargetMs / 1000, s.bandLow, s.bandHigh, s.amplitude, s.switches];
  });
  const blocks: ExperimentResult["blocks"] = [
    {
      kind: "chart",
      title: `heater (E6.1), simulated ${SIM_RUN_MS / 60000} min (virtual), seed ${opts.seed}`,
      xLabel: "time (s, virtual)",
      yLabel: "°C",
      series: [{ name: "temperature", points }],
      hlines: [{ name: "desired", y: 21 }],
      spans,
    },
    {
      kind: "table",
      title:
        `busy-poll vs waker-driven observers, live runtime, ${LIVE_RUN_BOOK_S} ` +
        `book s at time scale ${opts.timeScale}`,
      columns: [
        { header: "observers" },
        { header: "to 21.00", unit: "book s", digits: 1 },
        { header: "amplitude", unit: "°C", digits: 3 },
        { header: "switches" },
        { header: "polls / book s", digits: 0, best: "min" },
        { header: "CPU", unit: "ms", digits: 0, best: "min" },
      ],
      rows: compare,
    },
    {
      kind: "table",
      title: "reaction delay on the display (simulated, 10 min, virtual)",
      columns: [
        { header: "delay", unit: "s" },
        { header: "to 21.00", unit: "s", digits: 1 },
        { header: "low", unit: "°C", digits: 2 },
        { header: "high", unit: "°C", digits: 2 },
        { header: "amplitude", unit: "°C", digits: 3 },
        { header: "switches" },
      ],
      rows: delays,
    },
    {
      kind: "notice",
      lines: [
        "Busy-poll observers are polled as fast as the runtime can go whether " +
          "or not anything changed; waker-driven ones only when a subject changes " +
          "or a timer fires — same control, a fraction of the polls and CPU.",
        "The book's warning: delay the display's reaction and the oscillation around 21.00 grows.",
        "Heat loss: 0.01 °C every 3 s ± a seeded 20 % draught (the book's interval is cut off in the early release).",
      ],
    },
  ];
  return { blocks };
}

async function compareExchange(): Promise<ExperimentResult> {
  const c = new AtomicCell(5);
  const fmt = (r: ReturnType<AtomicCell["compareExchange"]>) => (r.ok ? `Ok(${r.previous})` : `Err(${r.actual})`);
  const lines = [
    `compare_exchange(5, 10) = ${fmt(c.compareExchange(5, 10))}`,
    `load() = ${c.load()}`,
    `compare_exchange(6, 12) = ${fmt(c.compareExchange(6, 12))}`,
    `load() = ${c.load()}`,
  ];
  return {
    blocks: [
      { kind: "text", title: "Atomics.compareExchange on a SharedArrayBuffer (E6.2)", lines },
      {
        kind: "book",
        rows: [
          { label: "results", book: "Ok(5), 10, Err(10), 10", ours: lines.map((l) => l.split("= ")[1]).join(", ") },
        ],
      },
    ],
  };
}

/** The scripted keys replayed without a TTY: two +, one -, one +, then q. */
export const SCRIPTED_KEYS = ["+", "+", "-", "+", "q"];

async function callbacks(opts: LabOptions): Promise<ExperimentResult> {
  const lines: string[] = [];
  const performOperationWithCallback = (cb: (n: number) => void) => cb(42);
  performOperationWithCallback((n) => lines.push(`The result is: ${n}`));
  // Replay the keys as callbacks into a running simulated heater, 60 s apart.
  const rt = new VirtualRuntime({ pollCostMs: 0 });
  const run = startHeater(rt, "waker", { seed: opts.seed });
  let input = "";
  const rows: (string | number)[][] = [];
  const onKey = (key: string): boolean => {
    input += key;
    if (key === "+") run.subjects.desired.add(10);
    if (key === "-") run.subjects.desired.sub(10);
    lines.push(`Input: ${input}`);
    return key !== "q";
  };
  for (const key of SCRIPTED_KEYS) {
    rt.runUntil(rt.now() + 60 * BOOK_SECOND);
    const alive = onKey(key);
    rows.push([
      rt.now() / 1000,
      key,
      run.subjects.desired.load() / 100,
      run.subjects.temp.load() / 100,
      run.subjects.heatOn.load() === 1 ? "on" : "off",
    ]);
    if (!alive) break;
  }
  run.stop();
  return {
    blocks: [
      { kind: "text", title: "callbacks (E6.3)", lines },
      {
        kind: "table",
        title: "scripted keys into the heater (to type them yourself: lab ch6 heater --interactive, in a terminal)",
        columns: [
          { header: "t", unit: "s" },
          { header: "key" },
          { header: "desired", unit: "°C", digits: 2 },
          { header: "temp", unit: "°C", digits: 2 },
          { header: "heater" },
        ],
        rows,
      },
    ],
  };
}

function* consumer(bus: EventBus<number>, out: string[]): Co<void> {
  using handle = bus.subscribe();
  for (;;) {
    const v = yield* handle.recv();
    if (v === undefined) return;
    out.push(`id: ${handle.id} value: ${v}`);
    if (v === 3) return;
    yield* yieldNow(); // let the other consumer print too, as the book's threads interleave
  }
}

const fmtChamber = (m: Map<number, number[]>) => `{${[...m].map(([k, v]) => `${k}: [${v.join(", ")}]`).join(", ")}}`;

async function eventBus(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new VirtualRuntime();
  const bus = new EventBus<number>();
  const out: string[] = [];
  const gc = rt.spawn(bus.garbageCollector(1 * BOOK_SECOND));
  const consumers = [rt.spawn(co(consumer, bus, out)), rt.spawn(co(consumer, bus, out))];
  rt.runUntil(1 * BOOK_SECOND);
  for (const v of [1, 2, 3]) bus.send(v);
  rt.runUntil(rt.now() + 1, () => consumers.every((c) => c.finished));
  out.push(fmtChamber(bus.chamberSnapshot()));
  rt.runUntil(rt.now() + 3 * BOOK_SECOND);
  out.push(fmtChamber(bus.chamberSnapshot()));
  gc.cancel();

  // The leak: a handle never disposed keeps receiving, and nothing reclaims its backlog.
  const leaky = new EventBus<number>();
  leaky.subscribe();
  const leakRows: number[][] = [];
  for (let i = 1; i <= 100_000; i++) {
    leaky.send(i);
    if (i % 25_000 === 0) leakRows.push([i, leaky.chamberSnapshot().get(0)!.length, leaky.collect()]);
  }

  const policyRows = (["drop-oldest", "drop-newest", "reject", "block"] as BackpressurePolicy[]).map((p) =>
    backpressureRun(p),
  );
  return {
    blocks: [
      {
        kind: "text",
        title: "the book's run: two consumers, send 1.0, 2.0, 3.0, print the chamber before and after GC",
        lines: out,
      },
      {
        kind: "book",
        rows: [{ label: "chamber", book: "{1: [], 0: []} then {}", ours: `${out.at(-2)} then ${out.at(-1)}` }],
      },
      {
        kind: "table",
        title: "leak: a handle that is never disposed (no `using`, no [Symbol.dispose]())",
        columns: [{ header: "events sent" }, { header: "its backlog" }, { header: "reclaimed by GC" }],
        rows: leakRows,
      },
      {
        kind: "table",
        title: "backpressure: producer 1 event/ms for 1000 ms, slow consumer 1 event/10 ms, capacity 32 (virtual time)",
        columns: [
          { header: "policy" },
          { header: "backlog max" },
          { header: "dropped" },
          { header: "rejected (sender told)" },
          { header: "received" },
          { header: "producer done (virtual)", unit: "ms" },
        ],
        rows: policyRows,
      },
      {
        kind: "notice",
        lines: [
          "Disposing a handle only tombstones it; the GC task reclaims its queue (and its id) at its next round.",
          "drop-oldest keeps the freshest events, drop-newest the first ones; " +
            "reject tells the sender; block slows the sender to the consumer's " +
            "pace.",
        ],
      },
    ],
  };
  void opts;
}

function backpressureRun(policy: BackpressurePolicy): (string | number)[] {
  const rt = new VirtualRuntime();
  const bus = new EventBus<number>();
  const h = bus.subscribe({ capacity: 32, policy });
  let received = 0;
  let rejected = 0;
  let doneAt = 0;
  const producer = rt.spawn(
    co(function* () {
      for (let i = 1; i <= 1000; i++) {
        if (policy === "block") yield* bus.deliver(i);
        else rejected += bus.send(i);
        yield* sleep(1);
      }
      doneAt = rt.now();
    }),
  );
  const cons = rt.spawn(
    co(function* () {
      for (;;) {
        const v = yield* h.recv();
        if (v === undefined) return;
        received++;
        yield* sleep(10);
      }
    }),
  );
  rt.runUntil(Infinity, () => producer.finished);
  rt.runUntil(rt.now() + 10 * 40); // let the consumer drain what is left
  h[Symbol.dispose]();
  rt.runUntil(rt.now() + 20);
  void cons;
  return [policy, h.stats.highWater, h.stats.dropped, rejected, received, doneAt];
}

export const ch6: Chapter = {
  id: "ch6",
  title: "Reactive programming",
  options: [
    {
      flags: "--interactive",
      description: "heater: live display in this terminal; + / - move the desired temperature, q quits",
    },
  ],
  experiments: [
    {
      id: "heater",
      book: "E6.1",
      title: "Heater: busy-poll vs waker-driven observers",
      summary: "chart, observer cost table, reaction-delay table",
      run: heater,
    },
    {
      id: "compare-exchange",
      book: "E6.2",
      title: "compareExchange",
      summary: "Ok/Err semantics on a SharedArrayBuffer",
      run: compareExchange,
    },
    {
      id: "callbacks",
      book: "E6.3",
      title: "Input by callbacks",
      summary: "callback result; scripted keys into the heater (type them live: lab ch6 heater --interactive)",
      run: callbacks,
    },
    {
      id: "event-bus",
      book: "E6.4",
      title: "Event bus with a garbage collector",
      summary: "the book's run, the leak, backpressure policies",
      run: eventBus,
    },
  ],
};
