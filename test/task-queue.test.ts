/**
 * The live runtime's intrusive run queue (src/runtime/task-queue.ts): FIFO order,
 * its size, and no link left behind in a task that left it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LiveRuntime, ready } from "../src/index.js";
import { TaskQueue } from "../src/runtime/task-queue.js";
import type { Task } from "../src/runtime/task.js";

/** Tasks of a runtime that never drains (they are only handles to link). */
function tasks(n: number): Task<unknown>[] {
  const rt = new LiveRuntime({ queue: { push() {}, pop: () => undefined, size: 0 } });
  return Array.from({ length: n }, () => rt.spawn(ready(1)) as unknown as Task<unknown>);
}

describe("TaskQueue", () => {
  it("pops in push order, interleaved with pushes, and counts what it holds", () => {
    const [a, b, c, d] = tasks(4) as [Task<unknown>, Task<unknown>, Task<unknown>, Task<unknown>];
    const q = new TaskQueue();
    expect(q.pop()).toBeUndefined();
    q.push(a);
    q.push(b);
    expect(q.size).toBe(2);
    expect(q.pop()).toBe(a);
    q.push(c);
    expect(q.pop()).toBe(b);
    expect(q.pop()).toBe(c);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
    // Emptied, then used again: the tail was reset with the head.
    q.push(d);
    q.push(a);
    expect(q.pop()).toBe(d);
    expect(q.pop()).toBe(a);
    expect(q.pop()).toBeUndefined();
  });

  it("a popped task keeps no link (it would keep the rest of the queue alive)", () => {
    const all = tasks(3);
    const q = new TaskQueue();
    for (const t of all) q.push(t);
    for (const t of all) {
      expect(q.pop()).toBe(t);
      expect(t.nextQueued).toBeNull();
    }
  });

  it("is the live runtime's default queue: 1,000 tasks spawned at once run in spawn order", async () => {
    const rt = new LiveRuntime();
    const order: number[] = [];
    const handles = Array.from({ length: 1_000 }, (_, i) =>
      rt.spawn({
        poll: () => {
          order.push(i);
          return i;
        },
      }),
    );
    expect(await Promise.all(handles)).toEqual(order);
    expect(order).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it("matches an array model under any pushes, pops and batch starts (emptied and refilled many times)", () => {
    const pool = tasks(64);
    fc.assert(
      fc.property(fc.array(fc.constantFrom("push", "pop", "startBatch"), { maxLength: 200 }), (ops) => {
        const q = new TaskQueue();
        const model: Task<unknown>[] = [];
        for (const op of ops) {
          if (op === "startBatch") {
            q.startBatch();
          } else if (op === "push" && model.length < pool.length) {
            // A task is in at most one queue once: push only tasks not queued now.
            const t = pool.find((p) => !model.includes(p))!;
            q.push(t);
            model.push(t);
          } else {
            const popped = q.pop();
            expect(popped).toBe(model.shift());
            if (popped !== undefined) expect(popped.nextQueued).toBeNull();
          }
          expect(q.size).toBe(model.length);
        }
        while (model.length > 0) expect(q.pop()).toBe(model.shift());
        expect(q.pop()).toBeUndefined();
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });
});
