/**
 * `lab bench actors`: the actor hot paths against peers in the same process.
 *
 * Cases (one iteration = a batch; opsPerSec is reported per message / actor):
 * - tell: BATCH tells into one actor, then one ask to wait until all are handled.
 * - ask: ASK_BATCH sequential request/reply round trips from a task.
 * - spawn: SPAWN_COUNT actors started and stopped; plus a memory row (heap bytes per idle actor).
 * - fan-out: BATCH tells round-robin over FAN_OUT actors, then one ask to each.
 * Peers: nact (dispatch/query), xstate (createActor/send, synchronous), and a
 * plain native-promise queue (a counter whose messages are awaited microtasks) —
 * in every case they can express (ask: no xstate request/reply; spawn: no native actor).
 * Remote and thread rows (tcp-/unix-/thread- tell and ask, beside their raw-frame
 * floor as `native`): actors-remote.ts.
 */
import { loadPeer } from "./peers.js";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorRef } from "../src/actors/actor.js";
import { blockOn } from "../src/runtime/spawn.js";
import type { Co } from "../src/futures/generator-future.js";
import { remoteRows } from "./actors-remote.js";
import { measureCase, settledHeap } from "./harness.js";
import type { BenchRow, BenchSuite } from "./types.js";

const BATCH = 10_000;
let nactNames = 0;
const ASK_BATCH = 1_000;
const SPAWN_COUNT = 100_000;
const FAN_OUT = 100;

type Msg = number | "get";
const counter = () => {
  let sum = 0;
  return { handle: (m: Msg) => (m === "get" ? sum : ((sum += m), 0)) };
};

/** The xstate peer: a counter machine (context n, event inc). */
const counterMachineOf = ({ createMachine, assign }: typeof import("xstate")) =>
  createMachine({ context: { n: 0 }, on: { inc: { actions: assign({ n: ({ context }) => context.n + 1 }) } } });

/** The contenders whose peer loaded (`null`: not installed, its rows are skipped). */
const present = <C>(...cs: (C | null | undefined)[]): C[] => cs.filter((c): c is C => c != null);

function perMessage(rows: BenchRow[], perIteration: number): BenchRow[] {
  return rows.map((r) => ({ ...r, opsPerSec: (r.opsPerSec ?? 0) * perIteration, batch: perIteration }));
}

function* askLoop(ref: ActorRef<Msg, number>): Co<number> {
  let last = 0;
  for (let i = 0; i < ASK_BATCH; i++) last = (yield ref.ask(1)) as number;
  return last;
}

export const actorsSuite: BenchSuite = {
  id: "actors",
  summary:
    "actor tell/ask throughput, spawning 100k actors (+ heap per idle actor), fan-out; vs nact, xstate, promise queue",
  cases: [
    "tell",
    "ask",
    "spawn",
    "fan-out",
    "tcp-tell",
    "tcp-ask",
    "unix-tell",
    "unix-ask",
    "thread-tell",
    "thread-ask",
  ],
  async run(options) {
    const want = (c: string) => options.cases.length === 0 || options.cases.includes(c);
    const rows: BenchRow[] = [];
    const system = new ActorSystem();
    const nact = await loadPeer("nact", () => import("nact"), options.warn);
    const xstate = await loadPeer("xstate", () => import("xstate"), options.warn);
    const nactSystem = nact?.start() as ReturnType<typeof import("nact").start>; // used only where `nact` loaded
    const counterMachine = xstate && counterMachineOf(xstate);
    if (want("tell")) {
      const ours = system.spawn<Msg, number>(counter);
      const theirs = nact?.spawnStateless(nactSystem, (m: { n: number; reply?: { sender: unknown } }, ctx: any) => {
        if (m.reply) nact.dispatch(ctx.sender, 0);
      }) as import("nact").Ref<{ n: number; reply?: { sender: unknown } }>;
      let xsum = 0;
      const x = xstate?.createActor(counterMachine!).start();
      let chain = Promise.resolve();
      rows.push(
        ...perMessage(
          await measureCase(
            "tell",
            present(
              {
                subject: "async-lab",
                fn: async () => {
                  for (let i = 0; i < BATCH; i++) ours.tell(1);
                  await ours.ask("get");
                },
              },
              nact && {
                subject: "nact",
                fn: async () => {
                  for (let i = 0; i < BATCH; i++) nact.dispatch(theirs, { n: 1 });
                  await nact.query(theirs, (sender: unknown) => ({ n: 0, reply: { sender } }), 5000);
                },
              },
              x && {
                subject: "xstate",
                fn: () => {
                  for (let i = 0; i < BATCH; i++) x.send({ type: "inc" });
                },
              },
              {
                subject: "native",
                fn: async () => {
                  for (let i = 0; i < BATCH; i++) chain = chain.then(() => void xsum++);
                  await chain;
                },
              },
            ),
            options,
          ),
          BATCH,
        ),
      );
      ours.kill();
      x?.stop();
    }
    if (want("ask")) {
      const ours = system.spawn<Msg, number>(counter);
      const theirs = nact?.spawnStateless(nactSystem, (_m: unknown, ctx: any) =>
        nact.dispatch(ctx.sender, 1),
      ) as import("nact").Ref<unknown>;
      rows.push(
        ...perMessage(
          await measureCase(
            "ask",
            present(
              { subject: "async-lab", fn: () => blockOn(askLoop(ours)) },
              nact && {
                subject: "nact",
                fn: async () => {
                  for (let i = 0; i < ASK_BATCH; i++) await nact.query(theirs, (sender: unknown) => sender, 5000);
                },
              },
              {
                subject: "native",
                fn: async () => {
                  let s = 0;
                  for (let i = 0; i < ASK_BATCH; i++) s += await Promise.resolve(1);
                  return s;
                },
              },
            ),
            options,
          ),
          ASK_BATCH,
        ),
      );
      ours.kill();
    }
    if (want("spawn")) {
      const spawnMany = (): ActorRef<Msg, number>[] => {
        const refs: ActorRef<Msg, number>[] = new Array(SPAWN_COUNT);
        for (let i = 0; i < SPAWN_COUNT; i++) refs[i] = system.spawn<Msg, number>(counter);
        return refs;
      };
      // Memory first: the peers' spawn runs below leave garbage that would skew the heap delta.
      const before = settledHeap();
      const refs = spawnMany();
      await refs[SPAWN_COUNT - 1]!.ask("get"); // every actor has started and is idle
      const after = settledHeap();
      rows.push({ case: "spawn-memory", subject: "async-lab", bytesPerTask: (after - before) / SPAWN_COUNT });
      options.log(`  spawn-memory · async-lab: ${((after - before) / SPAWN_COUNT).toFixed(0)} B per idle actor`);
      for (const r of refs) r.kill();
      await refs[SPAWN_COUNT - 1]!.join();
      rows.push(
        ...perMessage(
          await measureCase(
            "spawn",
            present(
              {
                subject: "async-lab",
                fn: async () => {
                  const refs = spawnMany();
                  await refs[SPAWN_COUNT - 1]!.ask("get");
                  for (const r of refs) r.kill();
                  await refs[SPAWN_COUNT - 1]!.join();
                },
              },
              nact && {
                subject: "nact",
                fn: async () => {
                  // Named: nact's anonymous names are random ints, which collide among 100k actors.
                  const refs = Array.from({ length: SPAWN_COUNT }, () =>
                    nact.spawnStateless(
                      nactSystem,
                      (m: { sender: any }) => nact.dispatch(m.sender, 0),
                      `s${nactNames++}`,
                    ),
                  );
                  // the last one runs
                  await nact.query(refs[SPAWN_COUNT - 1]!, (sender: unknown) => ({ sender }), 5000);
                  for (const r of refs) nact.stop(r);
                },
              },
              xstate && {
                subject: "xstate",
                fn: () => {
                  // start() runs it synchronously
                  const refs = Array.from({ length: SPAWN_COUNT }, () => xstate.createActor(counterMachine!).start());
                  for (const r of refs) r.stop();
                },
              },
            ),
            { ...options, time: Math.min(options.time, 1000) },
          ),
          SPAWN_COUNT,
        ),
      );
    }
    if (want("fan-out")) {
      const ours = Array.from({ length: FAN_OUT }, () => system.spawn<Msg, number>(counter));
      const nactFan = !nact
        ? []
        : Array.from({ length: FAN_OUT }, () =>
            nact.spawnStateless(nactSystem, (m: { n: number; reply?: { sender: unknown } }, ctx: any) => {
              if (m.reply) nact.dispatch(ctx.sender, 0);
            }),
          );
      const xFan = !xstate ? [] : Array.from({ length: FAN_OUT }, () => xstate.createActor(counterMachine!).start());
      const chains = Array.from({ length: FAN_OUT }, () => Promise.resolve());
      const fanSums = new Array<number>(FAN_OUT).fill(0);
      rows.push(
        ...perMessage(
          await measureCase(
            "fan-out",
            present(
              {
                subject: "async-lab",
                fn: async () => {
                  for (let i = 0; i < BATCH; i++) ours[i % FAN_OUT]!.tell(1);
                  await Promise.all(ours.map((r) => r.ask("get")));
                },
              },
              nact && {
                subject: "nact",
                fn: async () => {
                  for (let i = 0; i < BATCH; i++) nact.dispatch(nactFan[i % FAN_OUT]!, { n: 1 });
                  await Promise.all(
                    nactFan.map((r) => nact.query(r, (sender: unknown) => ({ n: 0, reply: { sender } }), 5000)),
                  );
                },
              },
              xstate && {
                subject: "xstate",
                fn: () => {
                  for (let i = 0; i < BATCH; i++) xFan[i % FAN_OUT]!.send({ type: "inc" });
                },
              },
              {
                subject: "native",
                fn: async () => {
                  for (let i = 0; i < BATCH; i++) {
                    const k = i % FAN_OUT;
                    chains[k] = chains[k]!.then(() => void fanSums[k]!++);
                  }
                  await Promise.all(chains);
                },
              },
            ),
            options,
          ),
          BATCH,
        ),
      );
      for (const r of ours) r.kill();
      for (const r of xFan) r.stop();
    }
    if (nactSystem) nact?.stop(nactSystem);
    rows.push(...(await remoteRows(options, want)));
    return rows;
  },
};
