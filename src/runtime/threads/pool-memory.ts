/**
 * All the shared memory one pool uses, allocated by the pool and handed to each
 * worker in `workerData`; both sides build the same views over it.
 *
 * Per worker: a `high` and a `low` deque (the book's two priority queues, per
 * worker), an inbox, a hand (the id it is moving, hand.ts), a parking word, and four
 * statistics counters. Deque and inbox rings have twice the task table's size: ids
 * are bounded by the table, plus at most one spare copy per worker death. The parking word
 * is the futex of the park/unpark protocol (see worker-loop.ts):
 *   RUNNING_STATE → PARKED (worker, before its last look for work)
 *   PARKED → NOTIFIED (anyone who made work, by CAS, then `Atomics.notify`)
 *   NOTIFIED/PARKED → RUNNING_STATE (worker, on waking)
 */
import { dequeWords, LocalDeque, Stealer } from "./chase-lev-deque.js";
import { Inbox, inboxWords } from "./inbox.js";
import { allocateRegistry, FunctionRegistry, type RegistryMemory } from "./function-registry.js";
import { allocateTaskTable, TaskTable, type TaskTableMemory } from "./task-table.js";
import { EMPTY_HAND, Hand } from "./hand.js";

export const RUNNING_STATE = 0;
export const PARKED = 1;
export const NOTIFIED = 2;

/** Statistics words per worker, in this order. */
export const STAT_TASKS = 0;
export const STAT_STEALS = 1;
export const STAT_PARKS = 2;
/**
 * Ids a worker popped whose slot was not its to run (not QUEUED or CANCELLED, or pinned to
 * another worker): spare copies, which a worker death may leave (hand.ts) — so non-zero
 * only after a kill; otherwise a deque bug.
 */
export const STAT_DUPLICATES = 3;
const STATS_PER_WORKER = 4;

export const HIGH = 0;
export const LOW = 1;

export interface PoolMemory {
  workers: number;
  capacity: number;
  deques: SharedArrayBuffer[]; // [worker * 2 + priority]
  inboxes: SharedArrayBuffer[];
  parking: SharedArrayBuffer;
  hands: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  table: TaskTableMemory;
  registry: RegistryMemory;
}

/** Ids a deque or inbox ring holds for a table of `capacity` slots: room for a spare copy of each. */
const ringSize = (capacity: number): number => capacity * 2;

export function allocatePoolMemory(workers: number, capacity: number): PoolMemory {
  const deques: SharedArrayBuffer[] = [];
  const inboxes: SharedArrayBuffer[] = [];
  const ring = ringSize(capacity);
  for (let i = 0; i < workers; i++) {
    deques.push(new SharedArrayBuffer(dequeWords(ring) * 4), new SharedArrayBuffer(dequeWords(ring) * 4));
    inboxes.push(new SharedArrayBuffer(inboxWords(ring) * 4));
  }
  // Hands, like parking words, one per 64 bytes: each is stored to twice per task by its own worker.
  const hands = new SharedArrayBuffer(workers * 64);
  new Int32Array(hands).fill(EMPTY_HAND);
  return {
    workers,
    capacity,
    deques,
    inboxes,
    // One parking word per 64 bytes: parking words are written on every park/unpark.
    parking: new SharedArrayBuffer(workers * 64),
    hands,
    stats: new SharedArrayBuffer(workers * STATS_PER_WORKER * 4),
    table: allocateTaskTable(capacity),
    registry: allocateRegistry(),
  };
}

/** The views every thread builds over one `PoolMemory`. */
export class PoolViews {
  readonly table: TaskTable;
  readonly registry: FunctionRegistry;
  readonly inboxes: Inbox[];
  readonly stealers: Stealer[][]; // [worker][priority]
  readonly parking: Int32Array;
  readonly stats: Int32Array;
  /** Worker i's hand: written by worker i only (through its deques and inbox); read by the submitter once i died. */
  readonly hands: Hand[];
  private readonly ring: number;

  constructor(readonly memory: PoolMemory) {
    this.table = new TaskTable(memory.table);
    this.registry = new FunctionRegistry(memory.registry);
    this.ring = ringSize(memory.capacity);
    const handWords = new Int32Array(memory.hands);
    this.hands = Array.from({ length: memory.workers }, (_, i) => new Hand(handWords, i * 16));
    this.inboxes = memory.inboxes.map((b, i) => new Inbox(new Int32Array(b), this.ring, this.hands[i]!));
    this.stealers = [];
    for (let i = 0; i < memory.workers; i++) {
      this.stealers.push([0, 1].map((p) => new Stealer(new Int32Array(memory.deques[i * 2 + p]!), this.ring)));
    }
    this.parking = new Int32Array(memory.parking);
    this.stats = new Int32Array(memory.stats);
  }

  /** The owner's face of worker `i`'s deque of `priority` — for worker `i` only. */
  localDeque(i: number, priority: number): LocalDeque {
    return new LocalDeque(new Int32Array(this.memory.deques[i * 2 + priority]!), this.ring, this.hands[i]!);
  }

  parkWord(i: number): number {
    return i * 16;
  }

  stat(worker: number, which: number): number {
    return Atomics.load(this.stats, worker * STATS_PER_WORKER + which);
  }

  bump(worker: number, which: number, by = 1): void {
    Atomics.add(this.stats, worker * STATS_PER_WORKER + which, by);
  }

  /** Wake worker `i` if it is parked (one CAS when it is not: no syscall). */
  unpark(i: number): boolean {
    const word = this.parkWord(i);
    if (Atomics.compareExchange(this.parking, word, PARKED, NOTIFIED) !== PARKED) return false;
    Atomics.notify(this.parking, word, 1);
    return true;
  }

  isParked(i: number): boolean {
    return Atomics.load(this.parking, this.parkWord(i)) === PARKED;
  }
}
