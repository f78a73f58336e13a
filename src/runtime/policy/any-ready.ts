/**
 * `AnyReadyPolicy`: every ready task is a candidate for every worker, and the chooser
 * picks which one runs next. It is the policy of schedule exploration (`lab explore`):
 * the other policies fix the order of ready tasks by their rules, so a search over
 * their schedules could never reach an interleaving their rules forbid — and a bug
 * that only such an interleaving shows is exactly what exploration looks for.
 *
 * Candidate order (what the chooser's index means): option 0 is the task this worker
 * polled last, if it woke itself during that poll (a yield: it could simply have gone
 * on); the rest follow in the order they became ready. A task woken by someone else
 * (a timer, another task) queues like everyone else — it had stopped. So "always 0" runs each task as far
 * as it can go before the next one starts — the run a programmer pictures — and every
 * non-zero decision is a preemption or a reordering. That keeps shrunk schedules
 * short: a bug needs exactly as many non-zero decisions as switches it depends on.
 *
 * Not in `POLICY_NAMES`: a strategy comparison of "whatever the chooser says" would
 * measure the chooser, not a policy. The sim builds it when asked for `anyReady`.
 */
import { randomChooser, type Chooser } from "../rng.js";
import type { AnyTask, PolicyContext, SchedulingPolicy, StealListener } from "./policy.js";

export class AnyReadyPolicy implements SchedulingPolicy {
  readonly name = "any-ready" as const;
  readonly steals = 0;
  onSteal: StealListener | null = null;
  private readonly ready: AnyTask[] = [];
  private readonly last: (AnyTask | null)[];
  private readonly chooser: Chooser;
  private ids: number[] = [];
  /** Per worker: the task it polled last re-queued itself (a yield). */
  private readonly yielded: Uint8Array;

  constructor(context: PolicyContext) {
    this.chooser = context.chooser ?? randomChooser(context.rng);
    this.last = new Array<AnyTask | null>(context.layout.workers).fill(null);
    this.yielded = new Uint8Array(context.layout.workers);
  }

  get size(): number {
    return this.ready.length;
  }

  push(task: AnyTask, origin: number, isYield: boolean): void {
    this.ready.push(task);
    if (isYield && origin >= 0 && this.last[origin] === task) this.yielded[origin] = 1;
  }

  pop(worker: number): AnyTask | undefined {
    const ready = this.ready;
    // Cancelled tasks are not choices: drop them here rather than let a decision
    // land on a task the driver would skip. (The one exception to invariant 1 of
    // policy.ts — a cancelled task is dropped, not handed back — and harmless: the
    // driver would only have skipped it.)
    for (let i = ready.length - 1; i >= 0; i--) if (!ready[i]!.isScheduled) ready.splice(i, 1);
    if (ready.length === 0) return undefined;
    const previous = this.last[worker];
    const at = previous === null || previous === undefined || this.yielded[worker] === 0 ? -1 : ready.indexOf(previous);
    if (at > 0) {
      ready.splice(at, 1);
      ready.unshift(previous!);
    }
    let k = 0;
    if (ready.length > 1) {
      const ids = this.ids;
      ids.length = 0;
      for (const t of ready) ids.push(t.id);
      k = this.chooser.choose("task", ready.length, ids, at >= 0);
    }
    const task = ready.splice(k, 1)[0]!;
    this.last[worker] = task;
    this.yielded[worker] = 0;
    return task;
  }

  canServe(): boolean {
    return true;
  }
}
