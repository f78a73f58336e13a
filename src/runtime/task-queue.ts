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
 * as young as the new task. Measured against the ring (CPU time per iteration, all
 * executor cases warmed in each process, medians of seven alternating runs, two
 * sets): spawn_many −9 to −12 %, ping_pong −3 to −6 %, the other cases within
 * noise. The price is one field per task (8 bytes).
 *
 * Why the two ends sit in a {@link QueueEnds} that each drain makes afresh
 * (`startBatch`), rather than in fields of the queue: the queue lives as long as
 * the runtime, so it is old, and every push (`tail = task`) and pop (`head = next`)
 * would store a young task into an old object — the write barrier's slow path
 * again, twice per task (`perf`: ~8 % of spawn_many's samples in
 * `RecordWriteSaveFP`, from the spawn loop and the drain). A `QueueEnds` made when
 * the drain starts is as young as the tasks the drain spawns and wakes, so those
 * stores take the barrier's fast path; only the store of the new `QueueEnds` into
 * the queue is slow, once per drain. Not one per refill: a chain of tasks that each
 * spawn the next empties and refills the queue at every task, and a new `QueueEnds`
 * each time cost chained_spawn 12 %. Pushes from outside any drain (timers, I/O) may
 * find an old `QueueEnds`; they cost what the queue's own fields did.
 *
 * Invariants:
 * 1. A task is in at most one queue at a time, once (task.ts: only IDLE → SCHEDULED
 *    pushes), so one link field per task is enough.
 * 2. `ends.head` is null exactly when the queue is empty. Otherwise `ends.head` …
 *    `ends.tail` are the queued tasks in push order, `length` of them; the link of
 *    `tail` is null, and so is the link of every task not in the queue — `pop`
 *    clears it, so a popped task keeps no other task alive.
 */
import type { RunQueue } from "./run-queue.js";
import type { Task } from "./task.js";

/** The two ends of the queue (see the module doc for why they are an object of their own). */
class QueueEnds {
  constructor(
    public head: Task<unknown> | null,
    public tail: Task<unknown> | null,
  ) {}
}

export class TaskQueue implements RunQueue<Task<unknown>> {
  private ends = new QueueEnds(null, null);
  private length = 0;

  get size(): number {
    return this.length;
  }

  /** A drain begins: move the ends into a new (young) object; see the module doc. */
  startBatch(): void {
    const old = this.ends;
    this.ends = new QueueEnds(old.head, old.tail);
  }

  push(task: Task<unknown>): void {
    const ends = this.ends;
    const tail = ends.tail;
    if (tail === null) ends.head = task;
    else tail.nextQueued = task;
    ends.tail = task;
    this.length++;
  }

  pop(): Task<unknown> | undefined {
    const ends = this.ends;
    const head = ends.head;
    if (head === null) return undefined;
    const next = head.nextQueued;
    ends.head = next;
    if (next === null) ends.tail = null;
    else head.nextQueued = null;
    this.length--;
    return head;
  }
}
