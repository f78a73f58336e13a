/**
 * E5.10 testing the mutex coroutine: step by step, then under the executor.
 */
import { asFuture, joinAll, LiveRuntime, Mutex } from "../../index.js";
import { MutexCoroutine } from "./coroutines.js";

import type { ExperimentResult } from "../types.js";

/** Runs the book's sync test step by step; returns printed lines and the value sequence. */
export function mutexSteps(): { lines: string[]; values: number[] } {
  const mutex = new Mutex(0);
  const first = new MutexCoroutine(mutex, 2);
  const second = new MutexCoroutine(mutex, 2);
  const lines: string[] = [];
  const value = () => {
    const g = mutex.tryLock()!;
    const v = g.value;
    g.release();
    return v;
  };
  const held = mutex.tryLock()!;
  for (let round = 1; round <= 3; round++)
    lines.push(`round ${round} (test holds the lock): first ${first.resume().kind}, second ${second.resume().kind}`);
  const values = [held.value];
  lines.push(`value while held: ${held.value}`);
  held.release();
  for (const [name, co] of [
    ["first", first],
    ["second", second],
    ["first", first],
    ["second", second],
  ] as const) {
    const kind = co.resume().kind;
    const v = value();
    values.push(v);
    lines.push(`${name} → ${kind}, value ${v}`);
  }
  return { lines, values };
}

export async function mutexCoroutine(): Promise<ExperimentResult> {
  const sync = mutexSteps();
  const mutex = new Mutex(0);
  const rt = new LiveRuntime();
  await rt.blockOn(joinAll([asFuture(new MutexCoroutine(mutex, 2)), asFuture(new MutexCoroutine(mutex, 2))]));
  const g = mutex.tryLock()!;
  const asyncFinal = g.value;
  g.release();
  return {
    blocks: [
      { kind: "text", title: "synchronous test, step by step", lines: sync.lines },
      { kind: "text", title: "under the executor (two tasks via asFuture)", lines: [`final value: ${asyncFinal}`] },
      {
        kind: "book",
        rows: [
          { label: "value sequence", book: "0, 1, 2, 3, 4", ours: sync.values.join(", ") },
          { label: "async final", book: "4", ours: String(asyncFinal) },
        ],
      },
      {
        kind: "notice",
        lines: ["A coroutine is testable without any runtime: resume it by hand and check the state after every step."],
      },
    ],
  };
}
