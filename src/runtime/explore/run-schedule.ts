/**
 * One schedule: a fresh sim runtime, the program, a chooser — and a verdict.
 *
 * What counts as a failure, checked in this order of discovery:
 * - `throw`: a task ended with an error (assertions included), or the program, a
 *   timer callback or an `at` callback threw;
 * - `invariant`: a user invariant, checked after every poll, returned false or threw;
 * - `step-bound`: more than `maxSteps` polls (a livelock, or a program too big);
 * - `deadlock`: the run ended — nothing runnable, no timer pending, no event queued —
 *   while tasks remain. In the sim that is exact, not a timeout guess: the agenda is
 *   empty, so nothing can ever wake them.
 * The run stops at the first failure (an observer throw ends `run`; the runtime is
 * thrown away), so what the timeline shows ends where things went wrong.
 *
 * Every poll costs one virtual millisecond unless it declares more, so with one worker
 * the clock counts steps and the timeline reads as an interleaving.
 */
import { isGenerator, type Co } from "../../futures/generator-future.js";
import { noopWaker, type Future } from "../../futures/poll.js";
import { SimRuntime } from "../sim/sim-runtime.js";
import { JoinError, type JoinHandle } from "../task.js";
import type { TraceEvent } from "../trace.js";
import type { RecordingChooser } from "./decisions.js";

export type FailureKind = "throw" | "invariant" | "step-bound" | "deadlock";

export interface Failure {
  kind: FailureKind;
  message: string;
}

/** What a program gets besides the runtime: a place to register invariants for this run. */
export interface ExploreContext {
  /** Checked after every poll: return false (or throw) to fail the schedule. */
  invariant(check: () => boolean | void): void;
}

/**
 * A program under exploration: spawns its tasks on `rt` (use `rt.spawn`, not the
 * ambient `spawn`, if the program is loaded from another copy of the library) and may
 * return a future or generator, which runs as the task `main`. It must build all of
 * its state inside the call — every schedule runs it afresh.
 */
export type ExploreProgram = (rt: SimRuntime, cx: ExploreContext) => unknown;

export interface RunOptions {
  workers: number;
  maxSteps: number;
  invariant?: (() => boolean | void) | undefined;
  /** A task that fails with an error this accepts is not a failure (the program handles it). */
  expectedError?: ((error: unknown) => boolean) | undefined;
  trace: boolean;
}

export interface ScheduleOutcome {
  failure: Failure | null;
  steps: number;
  /** The trace (when asked for): what the timeline and the interleaving are drawn from. */
  events: readonly TraceEvent[];
  taskNames: ReadonlyMap<number, string>;
}

const STOP = Symbol("stop this schedule");

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
}

export function runSchedule(program: ExploreProgram, chooser: RecordingChooser, options: RunOptions): ScheduleOutcome {
  let failure: Failure | null = null;
  let steps = 0;
  const invariants: (() => boolean | void)[] = options.invariant === undefined ? [] : [options.invariant];
  const check = (): void => {
    for (const inv of invariants) {
      let ok: boolean | void;
      try {
        ok = inv();
      } catch (error) {
        failure = { kind: "invariant", message: `invariant threw: ${describe(error)}` };
        throw STOP;
      }
      if (ok === false) {
        failure = { kind: "invariant", message: "invariant returned false" };
        throw STOP;
      }
    }
  };
  const rt: SimRuntime = new SimRuntime({
    queues: [{ name: "main", workers: options.workers }],
    anyReady: true,
    chooser,
    trace: options.trace,
    config: { simDefaultPollCostMs: 1 },
    onDetachedError: () => {},
    observer: {
      taskEnded(task: JoinHandle<unknown>) {
        if (failure !== null) return;
        try {
          task.poll({ waker: noopWaker });
        } catch (error) {
          if (error instanceof JoinError && error.kind === "failed" && options.expectedError?.(error.cause) !== true) {
            const name = (task as { name?: string }).name ?? `#${task.id}`;
            failure = { kind: "throw", message: `task ${name} threw: ${describe(error.cause)}` };
          }
        }
      },
      afterPoll() {
        steps++;
        if (failure !== null) throw STOP;
        check();
        if (steps >= options.maxSteps) {
          failure = { kind: "step-bound", message: `still running after ${options.maxSteps} steps (livelock?)` };
          throw STOP;
        }
      },
    },
  });
  try {
    const main = program(rt, { invariant: (c) => void invariants.push(c) });
    if (
      isGenerator(main) ||
      (typeof main === "object" && main !== null && typeof (main as Future<unknown>).poll === "function")
    ) {
      rt.spawn(main as Future<unknown> | Co<unknown>, { name: "main" });
    }
    rt.run();
  } catch (error) {
    if (error !== STOP && failure === null)
      failure = { kind: "throw", message: `the program threw: ${describe(error)}` };
  }
  if (failure === null) {
    const live = rt.report().live;
    if (live > 0)
      failure = {
        kind: "deadlock",
        message: `${live} task(s) wait, nothing is runnable and no timer is pending${stuck(rt)}`,
      };
  }
  return { failure, steps, events: rt.trace?.events ?? [], taskNames: rt.trace?.taskNames ?? new Map() };
}

/** Names of the tasks that never ended, from the trace (empty without one). */
function stuck(rt: SimRuntime): string {
  const trace = rt.trace;
  if (trace === null) return "";
  const alive = new Set<number>();
  for (const e of trace.events) {
    if (e.kind === "spawn") alive.add(e.task);
    else if (e.kind === "end") alive.delete(e.task);
  }
  return alive.size === 0 ? "" : ` (${[...alive].map((id) => trace.taskNames.get(id) ?? `#${id}`).join(", ")})`;
}
