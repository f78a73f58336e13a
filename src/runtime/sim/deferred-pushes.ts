/**
 * Pushes made inside a poll wait here until the virtual moment they happened (see the
 * causality rule in sim-runtime.ts); the agenda holds only the slot number.
 *
 * Invariant: a slot is either free (on `free`, its task null) or holds exactly one
 * waiting push; `take` frees it. Slots are reused, so a long run with few pushes in
 * flight keeps these arrays small — and number arrays stay unboxed in V8.
 */
import type { AnyTask } from "../policy/policy.js";

export class DeferredPushes {
  private readonly task: (AnyTask | null)[] = [];
  readonly origin: number[] = [];
  readonly flags: number[] = [];
  private readonly free: number[] = [];

  put(task: AnyTask, origin: number, flags: number): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.task.length;
    this.task[slot] = task;
    this.origin[slot] = origin;
    this.flags[slot] = flags;
    return slot;
  }

  /** The task of `slot`; the slot is free again (its origin and flags stay readable until reused). */
  take(slot: number): AnyTask {
    const task = this.task[slot]!;
    this.task[slot] = null;
    this.free.push(slot);
    return task;
  }
}
