/**
 * Pool task functions for `lab ch1` (a pool task is a module URL + export name:
 * closures cannot cross threads). Each returns the index of the worker that ran it,
 * so the lab can show how the ten tasks were spread.
 */
import type { TaskContext } from "../../index.js";
import { runTask, type CpuWork, type TaskKind } from "./work.js";

export interface TenTasksArg {
  kind: TaskKind;
  taskMs: number;
  work: CpuWork;
}

export function task(arg: TenTasksArg, ctx: TaskContext): number {
  runTask(arg.kind, arg.taskMs, arg.work);
  return ctx.worker;
}

/** A no-op that makes a worker import this module before timing starts. */
export function ready(_: unknown, ctx: TaskContext): number {
  return ctx.worker;
}
