/**
 * `lab bench bus`: deliver events to 1, 10 and 100 subscribers that consume them —
 * our `EventBus` vs Node's `EventEmitter`, RxJS `Subject` and mitt, same process.
 *
 * One iteration = a batch of BATCH events sent, each consumed by every subscriber
 * (consumers add the event to a sum, so no delivery can be optimised away). For the
 * bus that is send ×BATCH then every subscriber drains its backlog — the bus decouples
 * sender and consumer, the others call consumers inside `emit`/`next`. opsPerSec is
 * reported in *events sent per second* (iterations × BATCH); `deliveries` = × subscribers.
 * After tinybench's timed samples, each contender also pushes exactly 1,000,000 events
 * (MILLION / BATCH iterations) once; `msPerMillion` is that wall time.
 */
import { EventEmitter } from "node:events";
import type { Emitter } from "mitt";
import { loadPeer } from "./peers.js";
import { EventBus } from "../src/reactive/event-bus.js";
import { measureCase } from "./harness.js";
import type { BenchOptions, BenchRow, BenchSuite } from "./types.js";

/** Events per iteration: large enough that tinybench's per-iteration overhead is noise. */
const BATCH = 1000;
const FANOUTS = [1, 10, 100];

const MILLION = 1_000_000;

let sink = 0;

function timeMillion(fn: () => void): number {
  const start = performance.now();
  for (let i = 0; i < MILLION / BATCH; i++) fn();
  return performance.now() - start;
}

function busContender(n: number): () => void {
  const bus = new EventBus<number>();
  const handles = Array.from({ length: n }, () => bus.subscribe());
  return () => {
    for (let i = 0; i < BATCH; i++) bus.send(i);
    for (const h of handles) {
      let s = 0;
      for (let e = h.poll(); e !== undefined; e = h.poll()) s += e;
      sink += s;
    }
  };
}

function emitterContender(n: number): () => void {
  const ee = new EventEmitter();
  ee.setMaxListeners(n + 1);
  for (let k = 0; k < n; k++) ee.on("e", (e: number) => (sink += e));
  return () => {
    for (let i = 0; i < BATCH; i++) ee.emit("e", i);
  };
}

function rxContender(rxjs: typeof import("rxjs"), n: number): () => void {
  const subject = new rxjs.Subject<number>();
  for (let k = 0; k < n; k++) subject.subscribe((e) => (sink += e));
  return () => {
    for (let i = 0; i < BATCH; i++) subject.next(i);
  };
}

// mitt ships CommonJS with an ESM-style `default` type; under NodeNext the callable is `.default` (or the module itself
// at run time).
type Mitt = <E extends Record<string, unknown>>() => Emitter<E>;
const mittOf = (mittModule: unknown): Mitt => ((mittModule as { default?: unknown }).default ?? mittModule) as Mitt;

function mittContender(mitt: Mitt, n: number): () => void {
  const m = mitt<{ e: number }>();
  for (let k = 0; k < n; k++) m.on("e", (e: number) => (sink += e));
  return () => {
    for (let i = 0; i < BATCH; i++) m.emit("e", i);
  };
}

export const busSuite: BenchSuite = {
  id: "bus",
  summary: "event bus fan-out to 1/10/100 consuming subscribers vs EventEmitter, RxJS Subject, mitt",
  cases: FANOUTS.map((n) => `fanout-${n}`),
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const rxjs = await loadPeer("rxjs", () => import("rxjs"), options.warn);
    const mittModule = await loadPeer("mitt", () => import("mitt"), options.warn);
    for (const n of FANOUTS) {
      const name = `fanout-${n}`;
      if (options.cases.length > 0 && !options.cases.includes(name)) continue;
      const contenders = [
        { subject: "async-lab", fn: busContender(n) },
        { subject: "native", fn: emitterContender(n) },
        ...(rxjs ? [{ subject: "rxjs", fn: rxContender(rxjs, n) }] : []),
        ...(mittModule ? [{ subject: "mitt", fn: mittContender(mittOf(mittModule), n) }] : []),
      ];
      const measured = await measureCase(name, contenders, options);
      for (const [i, r] of measured.entries()) {
        const eventsPerSec = r.opsPerSec! * BATCH;
        const msPerMillion = timeMillion(contenders[i]!.fn);
        rows.push({ ...r, opsPerSec: eventsPerSec, deliveriesPerSec: eventsPerSec * n, msPerMillion });
      }
    }
    if (sink === 42) options.log(""); // keep `sink` observable
    return rows;
  },
};
