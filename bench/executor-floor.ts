/**
 * The floor: the smallest executor that can run the `executor` suite's workloads
 * with generator tasks — the physical limit for generator tasks on this machine.
 *
 * A task is a bare generator in a ring buffer. Running it is one resume through the
 * %GeneratorPrototype% builtin (the trick the real driver also uses, so the two
 * differ only in what the real one adds). What is missing on purpose, because each
 * is something a usable runtime must pay for:
 *   - no join handle, no output slot: a task's result is dropped;
 *   - no waker objects: a task that yields goes straight back on the ring, and a
 *     task that waits for "the others are done" is re-queued by a counter;
 *   - no states: a task is never woken twice, never cancelled, never fails;
 *   - no time slice, no budget, no stats, no trace.
 * So `async-lab ÷ floor` says how much of the machine the runtime's bookkeeping
 * costs; `async-lab ÷ native` says how it compares with what users would write.
 *
 * Invariant: the ring holds each runnable generator once; only `run` pops, and
 * pushes happen from `spawn` and from `run` itself (one thread, no wakes).
 */
const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype) as Generator<unknown, unknown, unknown>;
const genNext = GeneratorPrototype.next;

type FloorTask = Generator<unknown, unknown, unknown>;

/** What a floor task yields to say "re-queue me only when `released` is called". */
export const PARK: unique symbol = Symbol("park");

export class FloorExecutor {
  private ring: (FloorTask | undefined)[] = new Array(1024);
  private mask = 1023;
  private head = 0;
  private tail = 0;
  private parked: FloorTask | null = null;

  spawn(task: FloorTask): void {
    if (this.tail - this.head === this.ring.length) this.grow();
    this.ring[this.tail++ & this.mask] = task;
  }

  /** Put the parked task back on the ring (the floor's stand-in for a waker). */
  release(): void {
    const task = this.parked;
    this.parked = null;
    if (task !== null) this.spawn(task);
  }

  /** Run until the ring is empty. */
  run(): void {
    while (this.head !== this.tail) {
      const slot = this.head++ & this.mask;
      const task = this.ring[slot]!;
      this.ring[slot] = undefined;
      const step = genNext.call(task) as IteratorResult<unknown>;
      if (step.done === true) continue;
      if (step.value === PARK) this.parked = task;
      else this.spawn(task);
    }
  }

  private grow(): void {
    const old = this.ring;
    const size = old.length * 2;
    const next = new Array<FloorTask | undefined>(size);
    for (let i = this.head; i < this.tail; i++) next[i & (size - 1)] = old[i & this.mask];
    this.ring = next;
    this.mask = size - 1;
  }
}

const floor = new FloorExecutor();

interface Countdown {
  remaining: number;
}

// spawn_many: the root spawns n tasks that finish at once; the last one releases the root.
function* floorCountDown(c: Countdown): Generator<unknown, void, unknown> {
  if (--c.remaining === 0) floor.release();
}
function* floorSpawnManyRoot(n: number): Generator<unknown, void, unknown> {
  const c: Countdown = { remaining: n };
  for (let i = 0; i < n; i++) floor.spawn(floorCountDown(c));
  yield PARK;
}
export function floorSpawnMany(n: number): void {
  floor.spawn(floorSpawnManyRoot(n));
  floor.run();
}

// yield_many: `tasks` generators each yield `yields` times; the root waits for all.
function* floorYielder(yields: number, c: Countdown): Generator<unknown, void, unknown> {
  for (let i = 0; i < yields; i++) yield undefined;
  if (--c.remaining === 0) floor.release();
}
function* floorYieldManyRoot(tasks: number, yields: number): Generator<unknown, void, unknown> {
  const c: Countdown = { remaining: tasks };
  for (let i = 0; i < tasks; i++) floor.spawn(floorYielder(yields, c));
  yield PARK;
}
export function floorYieldMany(tasks: number, yields: number): void {
  floor.spawn(floorYieldManyRoot(tasks, yields));
  floor.run();
}

// chained_spawn: each task spawns the next; the last releases the root.
function* floorChainLink(left: number): Generator<unknown, void, unknown> {
  if (left === 0) floor.release();
  else floor.spawn(floorChainLink(left - 1));
}
function* floorChainRoot(n: number): Generator<unknown, void, unknown> {
  floor.spawn(floorChainLink(n));
  yield PARK;
}
export function floorChainedSpawn(n: number): void {
  floor.spawn(floorChainRoot(n));
  floor.run();
}
