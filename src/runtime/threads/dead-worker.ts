/**
 * What a dead worker leaves behind, slot by slot, and how the submitter settles it
 * (thread-pool.ts, invariant 4). Runs on the submitting thread, after the worker's
 * `exit` and before its replacement starts, so nothing else consumes the dead worker's
 * inbox or pops its deques meanwhile — only thieves take from its deques' tops.
 *
 * What it may have held:
 * - a FINISHED slot it owns whose result was in its unsent batch: settled as finished,
 *   from what the slot kept (task-table.ts);
 * - a RUNNING slot it owns: failed with `WorkerDiedError`;
 * - QUEUED slots pinned to it: failed with `WorkerDiedError` (their ids are in its
 *   inbox, or were in its thread's memory);
 * - unpinned ids in its deques and inbox: left there, for thieves and the replacement;
 * - the id in its hand, taken out of a structure and not yet claimed (hand.ts): put
 *   back, or its slot freed — see `recoverHand`.
 */
import { EMPTY_HAND } from "./hand.js";
import { ResultLostError, WorkerDiedError, type PoolHandle } from "./pool-handle.js";
import type { PoolViews } from "./pool-memory.js";
import { RESULT_OK } from "./protocol.js";
import { CANCELLED, FINISHED, QUEUED, RUNNING } from "./task-table.js";

/** The parts of the pool the accounting works on. */
export interface PoolInside {
  readonly views: PoolViews;
  /** The live handle of each slot (null: free, or settled and waiting for its worker's release report). */
  readonly bySlot: (PoolHandle<unknown> | null)[];
  readonly freeSlots: number[];
  /** Settle slot's handle and free the slot. */
  finish(slot: number, state: "ok" | "failed", value: unknown): void;
  /** Settle a handle whose slot is dealt with already. */
  settle(handle: PoolHandle<unknown>, state: "failed", value: unknown): void;
}

/** Invariant 4 of thread-pool.ts: account for every slot worker `index` could have held. */
export function accountForDeadWorker(pool: PoolInside, index: number, code: number, cause: unknown): void {
  const { table, inboxes, hands } = pool.views;
  const stillQueued = new Set(inboxes[index]!.peek());
  for (let slot = 0; slot < pool.bySlot.length; slot++) {
    const h = pool.bySlot[slot];
    if (h === null || h === undefined) continue;
    const state = table.state(slot);
    if (state === FINISHED && table.owner(slot) === index) {
      // It finished; its result died with the thread's unsent batch. Report what the slot kept.
      const result = table.finishedResult(slot);
      if (result.stored) pool.finish(slot, result.code === RESULT_OK ? "ok" : "failed", result.value);
      else pool.finish(slot, "failed", new ResultLostError(index, result.code === RESULT_OK));
    } else if (state === RUNNING && table.owner(slot) === index) {
      pool.finish(slot, "failed", new WorkerDiedError(index, code, cause));
    } else if (state === QUEUED && h.worker === index && table.cancel(slot)) {
      // Pinned to the dead worker: no other thread may run it. If its id still waits in the inbox,
      // the replacement pops it and reports it released (the slot is freed then); if the id was
      // in the dead thread's memory or hand, nobody will ever report it, so the slot is free now.
      h.slot = -1;
      pool.bySlot[slot] = null;
      if (!stillQueued.has(slot)) {
        table.release(slot);
        pool.freeSlots.push(slot);
      }
      pool.settle(h, "failed", new WorkerDiedError(index, code, cause));
    }
  }
  // Emptied whatever happens: the replacement starts with an empty hand.
  const held = hands[index]!.take();
  if (held !== EMPTY_HAND) recoverHand(pool, index, held, stillQueued);
}

/**
 * The dead worker held `id` in its hand: it had taken it out of a structure (or was about
 * to) and had not claimed it. If the id is still in one of its structures, the replacement
 * finds it there. Otherwise its fate is unknown: the worker took it, or a thief did (a
 * steal that lost its CAS, a last element a thief won) — and the hand cannot say which.
 * So act as if it was lost; if it was not, the act leaves a spare copy, which is harmless
 * (hand.ts):
 * - QUEUED, unpinned, its handle live: send it to the dead worker's inbox again, for
 *   the replacement (a spare copy finds the slot taken, and is dropped);
 * - CANCELLED (its handle settled already): nobody may ever report it released, so free
 *   the slot now (a spare copy's release report no longer matches the slot, and is dropped).
 * Pinned ids were settled by the slot loop; RUNNING and FINISHED slots name their owner.
 */
function recoverHand(pool: PoolInside, index: number, id: number, stillQueued: Set<number>): void {
  const { table, inboxes, stealers } = pool.views;
  if (id < 0 || id >= pool.bySlot.length) return;
  if (stillQueued.has(id) || stealers[index]!.some((deque) => deque.contains(id))) return;
  const state = table.state(id);
  const h = pool.bySlot[id];
  if (state === QUEUED && h !== null && h !== undefined && (h.id | 0) === table.task(id) && h.worker < 0) {
    inboxes[index]!.send(id);
    pool.views.unpark(index);
  } else if (state === CANCELLED && (h === null || h === undefined)) {
    table.release(id);
    pool.freeSlots.push(id);
  }
}
