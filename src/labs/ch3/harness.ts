/**
 * What every chapter-3 experiment shares: the runtime (sim or live loops, written once
 * for both), the book's second in the driver's milliseconds, a printout stamped with the
 * runtime's clock, the trace's timeline, and the report columns.
 *
 * Invariant: lines printed by futures and the runtime's own trace events merge in the
 * order they happened — by clock time, then by their place among the trace's events.
 */
import {
  Runtime,
  LiveLoopsRuntime,
  SimRuntime,
  type Future,
  type SchedulerReport,
  type TraceEvent,
} from "../../index.js";
import type { Block, ExperimentResult, LabOptions, TimelineBlock } from "../types.js";
import { Blocker } from "./book-futures.js";
import { bookMs } from "../book-time.js";

/** Either driver; experiments are written once for both. */
export type Rt = SimRuntime | LiveLoopsRuntime;

/**
 * The book's 1 s in the driver's ms: virtual time runs book scale (1000 ms), real
 * time is scaled by `--time-scale` so a chapter stays short.
 */
export function bookSecond(opts: LabOptions): number {
  return opts.driver === "sim" ? 1000 : bookMs(opts, 1);
}

export function build(builder: Runtime, opts: LabOptions): Rt {
  return opts.driver === "sim" ? builder.sim() : builder.live();
}

export async function runOn(rt: Rt, untilMs?: number): Promise<SchedulerReport> {
  return rt instanceof SimRuntime ? rt.run(untilMs) : rt.run(untilMs);
}

export async function blockOnRt<T>(rt: Rt, work: Future<T>): Promise<T> {
  return rt instanceof SimRuntime ? rt.blockOn(work) : rt.blockOn(work);
}
const MAX_TIMELINE_SPANS = 400;

// --- printing in virtual time ---

/**
 * Lines stamped with the runtime's clock and with their place among the trace's
 * events, so prints from futures and the runtime's own lines (from the trace) merge in
 * the order they happened.
 */
export class Printout {
  readonly lines: { t: number; order: number; text: string }[] = [];
  runtime: Rt | null = null;
  constructor(readonly second: number) {}
  print(text: string): void {
    const rt = this.runtime!;
    this.lines.push({ t: rt.clockNow(), order: rt.trace!.events.length - 0.5, text });
  }
  /** Times in the book's seconds. */
  render(): string[] {
    return [...this.lines]
      .sort((a, b) => a.t - b.t || a.order - b.order)
      .map((l) => `[${(l.t / this.second).toFixed(3).padStart(7)} s] ${l.text}`);
  }
}

// --- helpers ---

export function timeline(rt: Rt, title: string): TimelineBlock {
  const data = rt.trace!.timeline();
  // The sim's clock is virtual; say so on every picture drawn from it (and never under live).
  const shown = rt instanceof SimRuntime && !/\(virtual/.test(title) ? `${title} (virtual time)` : title;
  return {
    kind: "timeline",
    title: shown,
    unit: "ms",
    workers: data.workers,
    spans: data.spans.slice(0, MAX_TIMELINE_SPANS),
  };
}

/** Driver ms → the book's seconds. */
export function bookSeconds(ms: number, second: number): number {
  return ms / second;
}

/** Tasks waiting in queues right after each event, replayed from the trace. */
export function queueCountAfter(events: readonly TraceEvent[], index: number): number {
  let n = 0;
  for (let i = 0; i <= index; i++) {
    const k = events[i]!.kind;
    if (k === "spawn" || k === "wake") n++;
    else if (k === "poll-start" || k === "skip") n--;
  }
  return n;
}

const LIVE_NOTICE =
  "Driver live: the loops are logical loops taking turns on one thread, " +
  "so a blocking poll stalls all of them and more loops do not shorten " +
  "the run — overlapping blocking work takes real threads. Which loop " +
  "runs what, and in which order, is as in the sim.";

export function result(blocks: Block[], rt: Rt): ExperimentResult {
  if (rt instanceof LiveLoopsRuntime) blocks.push({ kind: "notice", lines: [LIVE_NOTICE] });
  return { blocks, trace: rt.trace!.toChromeTrace() };
}

export function reportRow(label: string, r: SchedulerReport, second: number): (string | number)[] {
  return [label, bookSeconds(r.makespanMs, second), r.utilisation, r.steals, r.polls];
}

/** " (virtual)" under the sim driver, where every time shown is virtual; nothing under live. */
export function virtual(opts: LabOptions): string {
  return opts.driver === "sim" ? " (virtual)" : "";
}

export function reportColumns(opts: LabOptions) {
  return [
    { header: "run" },
    { header: `makespan (book s)${virtual(opts)}`, unit: "s", digits: 1, best: "min" as const },
    { header: "utilisation", unit: "%", digits: 0, best: "max" as const },
    { header: "steals" },
    { header: "polls" },
  ];
}

/** E3.3's load: six tasks that each block their loop for 1 s, three times. */
export function sixBlockers(rt: Rt, SECOND: number, priority?: string): void {
  for (let i = 0; i < 6; i++)
    rt.spawn(new Blocker(`t${i}`, SECOND, 3), { name: `${i}-task`, ...(priority === undefined ? {} : { priority }) });
}
