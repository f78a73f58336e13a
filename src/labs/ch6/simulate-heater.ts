/**
 * Run the heater on a {@link VirtualRuntime}: virtual time, deterministic, seconds of
 * the book's minutes. A poll costs `pollCostMs` of virtual time — without a price,
 * the busy design's self-waking futures would stop the clock forever.
 */
import { VirtualRuntime } from "../../index.js";
import { startHeater, type HeaterParams, type HeaterTrace, type ObserverDesign } from "./heater.js";

/** Virtual cost of one poll in the heater simulation: 1 ms keeps busy observers at ~333 polls/s each. */
export const SIM_POLL_COST_MS = 1;

export interface SimulatedHeater {
  trace: HeaterTrace;
  /** Total polls over the run. */
  polls: number;
  durationMs: number;
}

export function simulateHeater(
  design: ObserverDesign,
  durationMs: number,
  params: Partial<HeaterParams> = {},
  pollCostMs = SIM_POLL_COST_MS,
): SimulatedHeater {
  const rt = new VirtualRuntime({ pollCostMs });
  const run = startHeater(rt, design, params);
  rt.runUntil(durationMs);
  run.stop();
  return { trace: run.trace, polls: rt.polls, durationMs };
}
