/**
 * `work-stealing`: Tokio's multi-threaded scheduler, in miniature. Priorities are
 * ignored (Tokio has none); what it optimises is locality and balance.
 *
 * Where a ready task goes (`push`):
 * 1. From outside any worker (main program, timer, external event) → the global queue.
 * 2. Woken or spawned by a worker's poll → that worker's LIFO slot; the slot's previous
 *    occupant moves to the back of the worker's local ring. The newest task runs next,
 *    while what it was sent is still hot.
 * 3. A task that woke itself (a yield) → the back of the local ring, never the LIFO
 *    slot, or it would run again at once and starve its neighbours.
 * 4. A full ring (`localQueueCapacity`) spills its older half plus the new task to the
 *    global queue in one go.
 *
 * What a worker takes (`pop`), each step only if the previous found nothing:
 * 1. Every `globalQueueInterval`-th tick: the global queue (fairness for injected work).
 * 2. The LIFO slot, at most `lifoPollCap` times in a row; past the cap the slot's task
 *    goes to the back of the ring and the count resets.
 * 3. The head of the local ring.
 * 4. A batch from the global queue: its fair share (size / workers + 1), capped at half
 *    a ring, so one worker does not hoard injected work.
 * 5. Steal: victims are visited starting from one the chooser picks (seeded; so thieves do not
 *    all hit worker 0); from the first with work, take *half* its ring — the victim
 *    keeps the other half, and one steal feeds the thief for a while (rejected: steal
 *    one — thieves would come back after every task and contend on the victim).
 *    A victim with an empty ring but a full LIFO slot gives up the slot. Tokio keeps
 *    the slot private because another thread would have to synchronise on it; the sim
 *    has no such cost, and it keeps invariant 2 of policy.ts: a worker parks only when
 *    no task anywhere is ready.
 */
import { RingQueue } from "../run-queue.js";
import { randomChooser, type Chooser } from "../rng.js";
import type { AnyTask, PolicyContext, PolicyName, SchedulingPolicy, StealListener } from "./policy.js";

export class WorkStealingPolicy implements SchedulingPolicy {
  readonly name: PolicyName = "work-stealing";
  steals = 0;
  onSteal: StealListener | null = null;
  private readonly global = new RingQueue<AnyTask>();
  private readonly locals: RingQueue<AnyTask>[];
  private readonly lifo: (AnyTask | null)[];
  private readonly lifoRun: Int32Array;
  private readonly ticks: Int32Array;
  private readonly workers: number;
  private readonly capacity: number;
  private readonly lifoCap: number;
  private readonly globalInterval: number;
  private readonly chooser: Chooser;
  private queued = 0;

  constructor(context: PolicyContext) {
    const { layout, config } = context;
    this.workers = layout.workers;
    this.capacity = config.localQueueCapacity;
    this.lifoCap = config.lifoPollCap;
    this.globalInterval = config.globalQueueInterval;
    if (!(this.capacity >= 2)) throw new RangeError(`localQueueCapacity must be >= 2, got ${this.capacity}`);
    if (!(this.globalInterval >= 1))
      throw new RangeError(`globalQueueInterval must be >= 1, got ${this.globalInterval}`);
    this.chooser = context.chooser ?? randomChooser(context.rng);
    this.locals = Array.from({ length: this.workers }, () => new RingQueue<AnyTask>(this.capacity));
    this.lifo = new Array<AnyTask | null>(this.workers).fill(null);
    this.lifoRun = new Int32Array(this.workers);
    this.ticks = new Int32Array(this.workers);
  }

  get size(): number {
    return this.queued;
  }

  push(task: AnyTask, origin: number, isYield: boolean): void {
    this.queued++;
    if (origin < 0) {
      this.global.push(task);
    } else if (isYield) {
      this.pushLocal(origin, task);
    } else {
      const previous = this.lifo[origin];
      this.lifo[origin] = task;
      if (previous !== null && previous !== undefined) this.pushLocal(origin, previous);
    }
  }

  pop(worker: number): AnyTask | undefined {
    const task = this.take(worker);
    if (task !== undefined) this.queued--;
    return task;
  }

  canServe(): boolean {
    return true;
  }

  private take(worker: number): AnyTask | undefined {
    const tick = ++this.ticks[worker]!;
    if (tick % this.globalInterval === 0 && this.global.size > 0) {
      this.lifoRun[worker] = 0;
      return this.global.pop();
    }
    const slot = this.lifo[worker];
    if (slot !== null && slot !== undefined) {
      this.lifo[worker] = null;
      if (this.lifoRun[worker]! < this.lifoCap) {
        this.lifoRun[worker]!++;
        return slot;
      }
      this.pushLocal(worker, slot);
    }
    this.lifoRun[worker] = 0;
    const local = this.locals[worker]!;
    const own = local.pop();
    if (own !== undefined) return own;
    if (this.global.size > 0) return this.takeGlobalBatch(worker);
    return this.stealFor(worker);
  }

  private pushLocal(worker: number, task: AnyTask): void {
    const local = this.locals[worker]!;
    if (local.size >= this.capacity) {
      const half = local.size >> 1;
      for (let i = 0; i < half; i++) this.global.push(local.pop()!);
      this.global.push(task);
      return;
    }
    local.push(task);
  }

  private takeGlobalBatch(worker: number): AnyTask | undefined {
    const global = this.global;
    const batch = Math.min(global.size, Math.floor(global.size / this.workers) + 1, this.capacity >> 1);
    const first = global.pop();
    const local = this.locals[worker]!;
    for (let i = 1; i < batch; i++) local.push(global.pop()!);
    return first;
  }

  private stealFor(thief: number): AnyTask | undefined {
    const n = this.workers;
    if (n === 1) return undefined;
    const start = this.chooser.choose("victim", n);
    for (let i = 0; i < n; i++) {
      const victim = (start + i) % n;
      if (victim === thief) continue;
      const ring = this.locals[victim]!;
      if (ring.size > 0) {
        const count = (ring.size + 1) >> 1;
        const first = ring.pop()!;
        const mine = this.locals[thief]!;
        for (let k = 1; k < count; k++) mine.push(ring.pop()!);
        this.steals++;
        this.onSteal?.(thief, victim, count);
        return first;
      }
      const slot = this.lifo[victim];
      if (slot !== null && slot !== undefined) {
        this.lifo[victim] = null;
        this.steals++;
        this.onSteal?.(thief, victim, 1);
        return slot;
      }
    }
    return undefined;
  }
}
