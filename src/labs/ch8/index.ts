/**
 * Chapter 8, "The Actor Model", on `src/actors`. Experiments in the book's order:
 * E8.1 basic actor, E8.2 responding actor, E8.3 actors vs mutexes, E8.4 router +
 * key-value store, E8.5 state recovery (writer actor), E8.6 heartbeat supervisor.
 * The key-value system of E8.4–E8.6 lives in ./ch8/ (one actor per file).
 */
import { actorsVsMutexes } from "./actors-vs-mutex.js";
import { basicActor } from "./basic-actor.js";
import { heartbeatSupervision } from "./heartbeat-lab.js";
import { stateRecovery } from "./recovery-lab.js";
import { remoteStore } from "./remote-lab.js";
import { respondingActor } from "./responding-actor.js";
import { threadsLab } from "./threads-lab.js";
import { routerPattern } from "./router-lab.js";
import type { Chapter } from "../types.js";

export const ch8: Chapter = {
  id: "ch8",
  title: "The Actor Model",
  options: [
    { flags: "--increments <n>", description: "tasks in the one-thread actors-vs-mutexes run (default 200,000)" },
    {
      flags: "--cross-increments <n>",
      description: "increments in the cross-thread actors-vs-mutexes run (default 20,000)",
    },
    {
      flags: "--writes <n>",
      description: "timed writes per store in the state-recovery run (default 1,000; a twentieth with fsync)",
    },
    {
      flags: "--requests <n>",
      description: "round trips per request kind in the router run's --timings (default 20,000)",
    },
    {
      flags: "--timings",
      description: "router: also time each request kind through the router vs straight to the key-value actor",
    },
  ],
  experiments: [
    {
      id: "basic",
      book: "E8.1",
      title: "Basic actor",
      summary: "state += value, one message at a time",
      run: basicActor,
    },
    {
      id: "respond",
      book: "E8.2",
      title: "Responding actor",
      summary: "ask with a one-shot reply: running totals",
      run: respondingActor,
    },
    {
      id: "vs-mutex",
      book: "E8.3",
      title: "Actors vs mutexes",
      summary: "spawn all, then await all: actor vs async mutex vs mutex + spawn; and across threads",
      run: actorsVsMutexes,
    },
    {
      id: "router",
      book: "E8.4",
      title: "Router pattern + key-value store",
      summary: "a global router forwards get / set / delete to a key-value actor",
      run: routerPattern,
    },
    {
      id: "recovery",
      book: "E8.5",
      title: "State recovery: a writer actor",
      summary: "persist every change, reload on start: the book's JSON rewrite vs an append-only log",
      run: stateRecovery,
    },
    {
      id: "remote",
      book: "E8.4+",
      title: "The key-value store across processes",
      summary:
        "router here, key-value + writer in a child process over a TCP peer; " +
        "SIGKILL, fail fast, restart, reload from the log",
      run: remoteStore,
    },
    {
      id: "threads",
      book: "E8.4+",
      title: "The key-value actor beside a CPU-heavy neighbour, on threads",
      summary: "get latency with the neighbour on the main thread vs on the thread backend",
      run: threadsLab,
    },
    {
      id: "heartbeat",
      book: "E8.6",
      usesDriver: true,
      title: "Heartbeat supervision",
      summary: "silent actors are reset by a heartbeat supervisor; requests queue in the router meanwhile",
      run: heartbeatSupervision,
    },
  ],
};
