/**
 * The live driver's run queue: a FIFO linked through the tasks themselves
 * (`Task.nextQueued`), as tokio's injection queue links its task headers.
 *
 * Why not the ring buffer (run-queue.ts) the other drivers use: the ring is one
 * array that lives as long as the runtime, so it is soon in V8's old generation,
 * while nearly every task pushed on it was just spawned and is young. Each push
 * then stores a young object into a new slot of an old one, which takes the write
 * barrier's slow path and records one more old-to-new slot for the next scavenge
 * to visit — `perf` showed that path at ~8 % of the CPU time of the `spawn_many`
 * bench. Linked through the tasks, a push writes into the previous tail — usually
 * as young as the new task, no slot to record — and into the queue's own `tail`
 * field: still an old object, but the same slot every time. Measured against the
 * ring (CPU time per iteration, all executor cases warmed in each process, medians
 * of seven alternating runs, two sets): spawn_many −9 to −12 %, ping_pong −3 to
 * −6 %, the other cases within noise. The price is one field per task (8 bytes).
 *
 * Invariants:
 * 1. A task is in at most one queue at a time, once (task.ts: only IDLE → SCHEDULED
 *    pushes), so one link field per task is enough.
 * 2. `head` … `tail` are the queued tasks in push order, `length` of them; the link
 *    of `tail` is null, and so is the link of every task not in the queue — `pop`
 *    clears it, so a popped task keeps no other task alive.
 */
import type { RunQueue } from "./run-queue.js";
import type { Task } from "./task.js";

export class TaskQueue implements RunQueue<Task<unknown>> {
  private head: Task<unknown> | null = null;
  private tail: Task<unknown> | null = null;
  private length = 0;

  get size(): number {
    return this.length;
  }

  push(task: Task<unknown>): void {
    const tail = this.tail;
    if (tail === null) this.head = task;
    else tail.nextQueued = task;
    this.tail = task;
    this.length++;
  }

  pop(): Task<unknown> | undefined {
    const head = this.head;
    if (head === null) return undefined;
    const next = head.nextQueued;
    this.head = next;
    if (next === null) this.tail = null;
    else head.nextQueued = null;
    this.length--;
    return head;
  }
}
