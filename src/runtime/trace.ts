/**
 * Task traces: what happened to every task, on which worker, when — recorded by any
 * multi-queue runtime (sim or live) when built with tracing on, and rendered two ways:
 * Chrome trace-event JSON (Perfetto, chrome://tracing) and per-worker timeline spans
 * (the book's Figure 3-1, made live, drawn by the CLI).
 *
 * Invariant: events are appended in the order the runtime did things, and the export
 * is a pure function of that list — so a deterministic run (sim, fixed seed) gives
 * byte-identical JSON. Times are milliseconds of the runtime's clock.
 *
 * Recording is off unless asked for: one object per event is fine for a chapter's
 * few hundred tasks and wrong for a million-task comparison.
 */

export type TraceKind = "spawn" | "wake" | "poll-start" | "poll-end" | "skip" | "steal" | "end" | "idle";

export interface TraceEvent {
  t: number;
  kind: TraceKind;
  /** Worker index, or -1 for "outside any worker". */
  worker: number;
  /** Task id (0 when not about one task). */
  task: number;
  /** Queue class of the task; for `steal`, the victim (worker or queue, per policy). */
  queue: number;
  /** `poll-end`: 1 if the task completed in that poll. `steal`: tasks moved. */
  n: number;
}

/** One chrome://tracing event. */
export interface ChromeTraceEvent {
  name: string;
  ph: "X" | "i" | "M";
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  s?: "t" | "p" | "g";
  cat?: string;
  args?: Record<string, unknown>;
}

export interface TimelineData {
  unit: "ms";
  workers: string[];
  spans: { worker: number; from: number; to: number; label: string }[];
}

export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  /** Display names of tasks, for labels. */
  readonly taskNames = new Map<number, string>();

  constructor(readonly workerNames: readonly string[]) {}

  record(t: number, kind: TraceKind, worker: number, task: number, queue: number, n: number): void {
    this.events.push({ t, kind, worker, task, queue, n });
  }

  private label(task: number): string {
    return this.taskNames.get(task) ?? `#${task}`;
  }

  /** Poll spans per worker (`poll-start` paired with the worker's next `poll-end`). */
  timeline(): TimelineData {
    const open = new Map<number, TraceEvent>();
    const spans: TimelineData["spans"] = [];
    for (const e of this.events) {
      if (e.kind === "poll-start") open.set(e.worker, e);
      else if (e.kind === "poll-end") {
        const start = open.get(e.worker);
        if (start === undefined) continue;
        open.delete(e.worker);
        spans.push({ worker: e.worker, from: start.t, to: e.t, label: this.label(e.task) });
      }
    }
    return { unit: "ms", workers: [...this.workerNames], spans };
  }

  /** `{ traceEvents }` in the Chrome trace-event format; `ts`/`dur` in µs. */
  toChromeTrace(): { traceEvents: ChromeTraceEvent[]; displayTimeUnit: "ms" } {
    const pid = 1;
    const outside = this.workerNames.length; // the row for events outside any worker
    const us = (ms: number): number => Math.round(ms * 1000 * 1000) / 1000;
    const tid = (worker: number): number => (worker < 0 ? outside : worker);
    const out: ChromeTraceEvent[] = [
      { name: "process_name", ph: "M", ts: 0, pid, tid: 0, args: { name: "async-lab runtime" } },
    ];
    this.workerNames.forEach((name, i) =>
      out.push({ name: "thread_name", ph: "M", ts: 0, pid, tid: i, args: { name } }),
    );
    out.push({ name: "thread_name", ph: "M", ts: 0, pid, tid: outside, args: { name: "outside workers" } });
    const open = new Map<number, TraceEvent>();
    for (const e of this.events) {
      switch (e.kind) {
        case "poll-start":
          open.set(e.worker, e);
          break;
        case "poll-end": {
          const start = open.get(e.worker);
          if (start === undefined) break;
          open.delete(e.worker);
          out.push({
            name: this.label(e.task),
            ph: "X",
            cat: "poll",
            ts: us(start.t),
            dur: us(e.t - start.t),
            pid,
            tid: tid(e.worker),
            args: { task: e.task, queue: start.queue, completed: e.n === 1 },
          });
          break;
        }
        case "steal":
          out.push({
            name: "steal",
            ph: "i",
            s: "t",
            cat: "steal",
            ts: us(e.t),
            pid,
            tid: tid(e.worker),
            args: { from: e.queue, tasks: e.n },
          });
          break;
        default:
          out.push({
            name: `${e.kind} ${this.label(e.task)}`.trimEnd(),
            ph: "i",
            s: "t",
            cat: e.kind,
            ts: us(e.t),
            pid,
            tid: tid(e.worker),
            args: { task: e.task, queue: e.queue },
          });
      }
    }
    return { traceEvents: out, displayTimeUnit: "ms" };
  }
}
