/** E6.4: the event bus with a garbage collector, and its backpressure policies compared. */
import { EventBus, VirtualRuntime, co, sleep, yieldNow, type BackpressurePolicy, type Co } from "../../index.js";
import { VIRTUAL_BOOK_SECOND } from "../book-time.js";
import type { ExperimentResult, LabOptions } from "../types.js";

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

export async function eventBus(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new VirtualRuntime();
  const bus = new EventBus<number>();
  const out: string[] = [];
  const gc = rt.spawn(bus.garbageCollector(1 * VIRTUAL_BOOK_SECOND));
  const consumers = [rt.spawn(co(consumer, bus, out)), rt.spawn(co(consumer, bus, out))];
  rt.runUntil(1 * VIRTUAL_BOOK_SECOND);
  for (const v of [1, 2, 3]) bus.send(v);
  rt.runUntil(rt.now() + 1, () => consumers.every((c) => c.finished));
  out.push(fmtChamber(bus.chamberSnapshot()));
  rt.runUntil(rt.now() + 3 * VIRTUAL_BOOK_SECOND);
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
