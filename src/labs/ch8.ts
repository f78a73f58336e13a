/**
 * Chapter 8, "The Actor Model", on `src/actors`. Experiments in the book's order:
 * E8.1 basic actor, E8.2 responding actor, E8.3 actors vs mutexes, E8.4 router +
 * key-value store, E8.5 state recovery (writer actor), E8.6 heartbeat supervisor.
 * The key-value system of E8.4–E8.6 lives in ./ch8/ (one actor per file).
 */
import { ActorSystem, Mutex, blockOn, spawn, type Co, type JoinHandle } from "../index.js";
import { heartbeatSupervision } from "./ch8/heartbeat-lab.js";
import { stateRecovery } from "./ch8/recovery-lab.js";
import { routerPattern } from "./ch8/router-lab.js";
import { UsageError, type Chapter, type ExperimentResult, type LabOptions } from "./types.js";

async function basicActor(): Promise<ExperimentResult> {
  const lines: string[] = [];
  const system = new ActorSystem();
  let state = 0;
  const ref = system.spawn<number>(() => ({
    handle(value: number) {
      state += value;
      lines.push(`Received: ${value}`, `State: ${state}`);
    },
  }));
  for (let i = 0; i < 10; i++) ref.tell(i);
  ref.stop(); // the book's main does not wait; we drain what was sent, then stop
  await ref.join();
  return {
    blocks: [
      { kind: "text", title: "printout (book E8.1: Received / State for 0..9)", lines },
      { kind: "table", columns: [{ header: "messages" }, { header: "final state" }], rows: [[10, state]] },
    ],
  };
}

async function respondingActor(): Promise<ExperimentResult> {
  const system = new ActorSystem();
  const ref = system.spawn<number, number>(() => {
    let state = 0;
    return { handle: (value: number) => (state += value) };
  });
  const replies: number[] = [];
  for (let i = 0; i < 10; i++) replies.push(await ref.ask(i)); // ask = send + await the one-shot reply
  ref.stop();
  await ref.join();
  return {
    blocks: [
      { kind: "text", title: "printout", lines: replies.map((r) => `Response: ${r}`) },
      { kind: "book", rows: [{ label: "responses", book: "0,1,3,6,10,15,21,28,36,45", ours: replies.join(",") }] },
    ],
  };
}

function* viaActor(ref: { ask(m: number): unknown }, n: number): Co<void> {
  for (let i = 0; i < n; i++) yield ref.ask(1) as never;
}
function* incrementLocked(mutex: Mutex<number>): Co<void> {
  const guard = (yield mutex.lock()) as { value: number; release(): void };
  guard.value = guard.value + 1;
  guard.release();
}
function* viaMutex(mutex: Mutex<number>, n: number, extraTask: boolean): Co<void> {
  for (let i = 0; i < n; i++) {
    if (extraTask) yield spawn(incrementLocked(mutex)) as JoinHandle<void>;
    else yield* incrementLocked(mutex);
  }
}

async function actorsVsMutexes(opts: LabOptions): Promise<ExperimentResult> {
  const n = Number(opts.extra.increments ?? 1_000_000);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--increments must be a positive integer, got ${opts.extra.increments}`);
  const system = new ActorSystem();
  let count = 0;
  const ref = system.spawn<number, number>(() => ({ handle: (v: number) => (count += v) }));
  const time = async (f: () => Promise<void>) => { const t0 = performance.now(); await f(); return performance.now() - t0; };
  const actorMs = await time(() => blockOn(viaActor(ref, n)));
  ref.stop();
  const m1 = new Mutex(0);
  const mutexMs = await time(() => blockOn(viaMutex(m1, n, false)));
  const m2 = new Mutex(0);
  const spawnMs = await time(() => blockOn(viaMutex(m2, n, true)));
  if (count !== n || m1.tryLock()?.value !== n || m2.tryLock()?.value !== n) throw new Error("increment count mismatch");
  return {
    blocks: [
      {
        kind: "table",
        title: `${n.toLocaleString("en-US")} increments`,
        columns: [{ header: "approach" }, { header: "time", unit: "ms", digits: 1, best: "min" }, { header: "vs actor", unit: "×", digits: 2 }],
        rows: [
          ["actor (ask → reply)", actorMs, 1],
          ["async mutex", mutexMs, mutexMs / actorMs],
          ["async mutex + spawned task per call", spawnMs, spawnMs / actorMs],
        ],
      },
      {
        kind: "book",
        title: "book: 100 M tasks on an M2 (actor 101 s, mutex 120 s, mutex + spawn 174 s)",
        rows: [
          { label: "mutex / actor", book: "1.19×", ours: `${(mutexMs / actorMs).toFixed(2)}×` },
          { label: "mutex + spawn / actor", book: "1.72×", ours: `${(spawnMs / actorMs).toFixed(2)}×` },
        ],
      },
      { kind: "notice", lines: ["On one JS thread an uncontended async mutex is cheap; the actor pays a message + reply per increment, while the extra spawned task per call pays a task."] },
    ],
  };
}

export const ch8: Chapter = {
  id: "ch8",
  title: "The Actor Model",
  options: [
    { flags: "--increments <n>", description: "increments in the actors-vs-mutexes run (default 1,000,000)" },
    { flags: "--writes <n>", description: "timed writes per store in the state-recovery run (default 1,000; a twentieth with fsync)" },
    { flags: "--requests <n>", description: "round trips per request kind in the router run (default 20,000)" },
  ],
  experiments: [
    { id: "basic", book: "E8.1", title: "Basic actor", summary: "state += value, one message at a time", run: basicActor },
    { id: "respond", book: "E8.2", title: "Responding actor", summary: "ask with a one-shot reply: running totals", run: respondingActor },
    { id: "vs-mutex", book: "E8.3", title: "Actors vs mutexes", summary: "the same increments via an actor, an async mutex, a mutex + spawn", run: actorsVsMutexes },
    { id: "router", book: "E8.4", title: "Router pattern + key-value store", summary: "a global router forwards get / set / delete to a key-value actor", run: routerPattern },
    { id: "recovery", book: "E8.5", title: "State recovery: a writer actor", summary: "persist every change, reload on start: the book's JSON rewrite vs an append-only log", run: stateRecovery },
    { id: "heartbeat", book: "E8.6", usesDriver: true, title: "Heartbeat supervision", summary: "silent actors are reset by a heartbeat supervisor; requests queue in the router meanwhile", run: heartbeatSupervision },
  ],
};
