/**
 * The book's heater (E6.1) as three observer futures over three subjects —
 * temperature, desired temperature, heater on — in two designs (heater-observers.ts):
 * the book's busy-polling one and a waker-driven one. Both run the same control logic,
 * so the same inputs give the same temperature series; only the number of polls (and
 * CPU) differs — which is the lesson. This file starts a heater and summarises a run.
 */
import { seededRandom, type JoinHandle, type Spawner } from "../../index.js";
import {
  BOOK_HEATER,
  HeaterSubjects,
  newTrace,
  Controller,
  type HeaterParams,
  type HeaterTrace,
  type ObserverDesign,
} from "./heater-model.js";
export { BOOK_HEATER, HeaterSubjects, type HeaterParams, type HeaterTrace, type ObserverDesign };
import { BusyDisplay, BusyHeater, BusyHeatLoss, WakerDisplay, WakerHeater, WakerHeatLoss } from "./heater-observers.js";

/** A running heater system: its subjects, its record, and a way to stop it. */
export interface HeaterRun {
  subjects: HeaterSubjects;
  trace: HeaterTrace;
  tasks: JoinHandle<never>[];
  /** Cancel the three observer tasks (their timers are released). */
  stop(): void;
}

/** Spawn the display, heater and heat-loss observers on `runtime`. */
export function startHeater(runtime: Spawner, design: ObserverDesign, params: Partial<HeaterParams> = {}): HeaterRun {
  const p: HeaterParams = { ...BOOK_HEATER, ...params };
  const subjects = new HeaterSubjects(p.startTemp, p.desired);
  const trace = newTrace();
  const rng = seededRandom(p.seed);
  const ctl = new Controller(subjects, p.reactionDelayMs, trace);
  const futures =
    design === "busy"
      ? [
          new BusyDisplay(subjects, ctl, trace),
          new BusyHeater(subjects, p, trace),
          new BusyHeatLoss(subjects, p, rng, trace),
        ]
      : [
          new WakerDisplay(subjects, ctl, trace),
          new WakerHeater(subjects, p, trace),
          new WakerHeatLoss(subjects, p, rng, trace),
        ];
  const tasks = futures.map((f, i) => runtime.spawn<never>(f, { name: ["display", "heater", "heat-loss"][i]! }));
  return {
    subjects,
    trace,
    tasks,
    stop() {
      for (const t of tasks) t.cancel();
    },
  };
}

/** The figures the lab reports about one run. Temperatures in °C, times in ms. */
export interface HeaterSummary {
  /** First time the temperature reached the desired value (NaN if never). */
  timeToTargetMs: number;
  /** Lowest and highest temperature after first reaching the target. */
  bandLow: number;
  bandHigh: number;
  /** Half the peak-to-peak swing after reaching the target. */
  amplitude: number;
  switches: number;
}

export function summarizeHeater(trace: HeaterTrace): HeaterSummary {
  let reached = -1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [t, temp, desired] of trace.samples) {
    if (reached < 0 && temp >= desired) reached = t;
    if (reached >= 0) {
      lo = Math.min(lo, temp);
      hi = Math.max(hi, temp);
    }
  }
  return {
    timeToTargetMs: reached < 0 ? Number.NaN : reached,
    bandLow: reached < 0 ? Number.NaN : lo / 100,
    bandHigh: reached < 0 ? Number.NaN : hi / 100,
    amplitude: reached < 0 ? Number.NaN : (hi - lo) / 200,
    switches: trace.switches.length,
  };
}
