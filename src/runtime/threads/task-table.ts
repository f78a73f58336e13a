/**
 * The task table: one slot per task in flight, in shared memory, indexed by the
 * task id that travels through inboxes and deques. A deque moves 4-byte ids; what
 * to run lives here, readable by whichever worker ends up running it (the thief
 * included) — so no payload ever follows a task around by `postMessage`.
 *
 * A slot holds: its state, the owner (worker index) once claimed, the function
 * (an index into the shared {@link FunctionRegistry}), the priority, and the argument —
 * a number inline (the common case, no serialisation; an int32 in a word of its own), or up to
 * {@link PAYLOAD_BYTES} bytes of `v8.serialize` output (any structured-clonable value).
 *
 * Slot state machine (the `STATE` word; transitions only by the named side):
 *   FREE ──submitter──▶ QUEUED ──worker CAS──▶ RUNNING ──worker──▶ FINISHED ──(result posted)──▶ freed by submitter
 *                         └──submitter CAS──▶ CANCELLED ──worker pops it, reports──▶ freed by submitter
 * The STATE word also names a worker: the owner of a RUNNING or FINISHED slot, the
 * worker a QUEUED slot is pinned to. So the claim is one CAS that makes the slot
 * RUNNING *and* names its owner — with a separate owner store after it, a worker killed
 * between the two would leave a slot RUNNING with nobody to blame, and the submitter
 * could not tell it from a live worker between its two steps. And a pinned slot can be
 * claimed only by its worker: the CAS expects the pinned word.
 * FINISHED exists for the day a worker dies with results it had not sent yet: the
 * submitter then tells a finished task from one that was still running, and for a
 * primitive result (number, boolean, undefined, null — the common case, stored inline
 * at no cost) it still has the value (`finishedResult`).
 * Invariant: a slot is reused only after the worker that last held its id reported
 * it (result or release), so an id in a deque normally names the task it was pushed for
 * (no ABA). QUEUED → RUNNING and QUEUED → CANCELLED race on one CAS: a task either
 * runs or is cancelled, never both.
 * After a worker death an id may exist twice (hand.ts): the spare copy can then meet
 * its slot in any state, reused included. That is harmless by the same CAS — a copy
 * that finds the slot QUEUED runs whatever task is there now, once, and the other copy
 * finds it taken — with one exception the submitter guards: two copies of a cancelled
 * task's id report two releases, and only the one matching the slot's current task,
 * while the slot is CANCELLED, frees it (thread-pool.ts).
 */
import { serialize, deserialize } from "node:v8";
import { RESULT_OK } from "./protocol.js";

export const FREE = 0;
export const QUEUED = 1;
export const RUNNING = 2;
export const CANCELLED = 3;
export const FINISHED = 4;

/** What `finish` stored: nothing usable (an object, or an error), or a primitive value. */
export const STORED_NONE = 0;
export const STORED_VALUE = 1;

/** The state (low {@link WORKER_SHIFT} bits) and a worker index + 1 above them (0: none); see the module doc. */
const STATE = 0;
const FN = 1;
const PRIORITY = 2;
const ARG_KIND = 3;
const ARG_LEN = 4;
/** Which task the slot holds now (the pool's handle id): tells a late abort message for a reused slot from a current
 * one. */
const TASK = 5;
/** FINISHED only: the result code (high bits) and how the value is stored (low bits). */
const RESULT = 6;
/** A power of two (one word spare). */
const WORDS_PER_SLOT = 8;

const WORKER_SHIFT = 3;
const STATE_MASK = (1 << WORKER_SHIFT) - 1;
/** The STATE word of a slot in `state` that names worker `worker` (-1: none). */
const stateWord = (state: number, worker: number): number => state | ((worker + 1) << WORKER_SHIFT);

/** `claim`'s answer for a QUEUED slot pinned to another worker: never this worker's to run (a spare copy). */
export const PINNED_ELSEWHERE = -1;

const ARG_NONE = 0;
const ARG_NUMBER = 1;
const ARG_SERIALIZED = 2;
const ARG_INT = 3;

/**
 * Bytes of serialized argument a slot holds. 256 covers a small record or a short
 * array; bigger data belongs in a module the task imports, not in every message.
 */
export const PAYLOAD_BYTES = 256;

export interface TaskTableMemory {
  words: SharedArrayBuffer;
  numbers: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  capacity: number;
}

export function allocateTaskTable(capacity: number): TaskTableMemory {
  return {
    words: new SharedArrayBuffer(capacity * WORDS_PER_SLOT * 4),
    numbers: new SharedArrayBuffer(capacity * 8),
    bytes: new SharedArrayBuffer(capacity * PAYLOAD_BYTES),
    capacity,
  };
}

export class TaskTable {
  readonly capacity: number;
  private readonly words: Int32Array;
  private readonly numbers: Float64Array;
  private readonly bytes: Uint8Array;

  constructor(memory: TaskTableMemory) {
    this.capacity = memory.capacity;
    this.words = new Int32Array(memory.words);
    this.numbers = new Float64Array(memory.numbers);
    this.bytes = new Uint8Array(memory.bytes);
  }

  /**
   * Submitter: fill a FREE slot for task `task` and mark it QUEUED (the last store publishes it),
   * pinned to worker `pinnedTo` unless it is -1.
   */
  fill(id: number, task: number, fn: number, priority: number, arg: unknown, pinnedTo = -1): void {
    const base = id * WORDS_PER_SLOT;
    const w = this.words;
    if (arg === undefined) {
      w[base + ARG_KIND] = ARG_NONE;
    } else if (typeof arg === "number" && (arg | 0) === arg && !Object.is(arg, -0)) {
      // An int32 travels in an Int32 word and comes back a small integer. Read back from the
      // Float64 slot it would be a heap double, and code like `fib(n)` would be optimised for
      // doubles on the worker (measured: 2× slower than the same call with an integer).
      w[base + ARG_KIND] = ARG_INT;
      w[base + ARG_LEN] = arg;
    } else if (typeof arg === "number") {
      w[base + ARG_KIND] = ARG_NUMBER;
      this.numbers[id] = arg;
    } else {
      const data = serialize(arg);
      if (data.length > PAYLOAD_BYTES) {
        throw new RangeError(
          `task argument is ${data.length} bytes serialized; a pool task carries ` +
            `at most ${PAYLOAD_BYTES} (pass a smaller value, or load big data ` +
            `inside the task module)`,
        );
      }
      this.bytes.set(data, id * PAYLOAD_BYTES);
      w[base + ARG_KIND] = ARG_SERIALIZED;
      w[base + ARG_LEN] = data.length;
    }
    w[base + FN] = fn;
    w[base + PRIORITY] = priority;
    w[base + TASK] = task;
    Atomics.store(w, base + STATE, stateWord(QUEUED, pinnedTo));
  }

  /**
   * Worker: QUEUED → RUNNING by `worker`, in one CAS. Returns the state seen: QUEUED means
   * we won; {@link PINNED_ELSEWHERE} a slot pinned to another worker (left alone).
   */
  claim(id: number, worker: number): number {
    const at = id * WORDS_PER_SLOT + STATE;
    const running = stateWord(RUNNING, worker);
    let seen = Atomics.compareExchange(this.words, at, QUEUED, running);
    if (seen === QUEUED) return QUEUED;
    if (seen === stateWord(QUEUED, worker)) {
      // Pinned here. (A cancel may come between the two CASes: then the second sees CANCELLED.)
      seen = Atomics.compareExchange(this.words, at, seen, running);
      if (seen === stateWord(QUEUED, worker)) return QUEUED;
    }
    return (seen & STATE_MASK) === QUEUED ? PINNED_ELSEWHERE : seen & STATE_MASK;
  }

  /**
   * Worker: RUNNING → FINISHED with result `code`. A primitive value is kept in the slot
   * (the argument's words are free by now); anything else travels only in the batch.
   */
  finish(id: number, code: number, value: unknown): void {
    const base = id * WORDS_PER_SLOT;
    const w = this.words;
    let stored = STORED_NONE;
    if (code === RESULT_OK) {
      if (typeof value === "number") {
        this.numbers[id] = value;
        w[base + ARG_KIND] = ARG_NUMBER;
        stored = STORED_VALUE;
      } else if (value === undefined || value === null || typeof value === "boolean") {
        w[base + ARG_KIND] = ARG_NONE;
        w[base + ARG_LEN] = value === undefined ? 0 : value === null ? 1 : value ? 3 : 2;
        stored = STORED_VALUE;
      }
    }
    w[base + RESULT] = (code << 4) | stored;
    // Keep the owner: the submitter of a dead worker looks for the FINISHED slots it owned.
    Atomics.store(w, base + STATE, (w[base + STATE]! & ~STATE_MASK) | FINISHED);
  }

  /** Submitter, for a FINISHED slot whose result message never came: its code and value, if stored. */
  finishedResult(id: number): { code: number; stored: boolean; value: unknown } {
    const base = id * WORDS_PER_SLOT;
    const w = this.words;
    const r = w[base + RESULT]!;
    if ((r & 15) !== STORED_VALUE) return { code: r >> 4, stored: false, value: undefined };
    const value =
      w[base + ARG_KIND] === ARG_NUMBER ? this.numbers[id] : [undefined, null, false, true][w[base + ARG_LEN]!];
    return { code: r >> 4, stored: true, value };
  }

  /** Submitter: QUEUED (pinned or not) → CANCELLED. True if the task will now never run. */
  cancel(id: number): boolean {
    const at = id * WORDS_PER_SLOT + STATE;
    const seen = Atomics.load(this.words, at);
    if ((seen & STATE_MASK) !== QUEUED) return false;
    // Only a claim can change a QUEUED word meanwhile; then this CAS fails, as it should.
    return Atomics.compareExchange(this.words, at, seen, CANCELLED) === seen;
  }

  /** Submitter, after the worker reported the slot: back to FREE. */
  release(id: number): void {
    Atomics.store(this.words, id * WORDS_PER_SLOT + STATE, FREE);
  }

  state(id: number): number {
    return Atomics.load(this.words, id * WORDS_PER_SLOT + STATE) & STATE_MASK;
  }
  /** The worker running (RUNNING) or that ran (FINISHED) the slot's task; -1 in other states. */
  owner(id: number): number {
    const word = Atomics.load(this.words, id * WORDS_PER_SLOT + STATE);
    const state = word & STATE_MASK;
    return state === RUNNING || state === FINISHED ? (word >> WORKER_SHIFT) - 1 : -1;
  }
  /** The task (pool handle id) the slot was last filled for. */
  task(id: number): number {
    return this.words[id * WORDS_PER_SLOT + TASK]!;
  }
  fn(id: number): number {
    return this.words[id * WORDS_PER_SLOT + FN]!;
  }
  priority(id: number): number {
    return this.words[id * WORDS_PER_SLOT + PRIORITY]!;
  }

  /** The argument, decoded (a fresh copy for serialized values). */
  arg(id: number): unknown {
    const base = id * WORDS_PER_SLOT;
    switch (this.words[base + ARG_KIND]) {
      case ARG_INT:
        return this.words[base + ARG_LEN];
      case ARG_NUMBER:
        return this.numbers[id];
      case ARG_SERIALIZED: {
        const start = id * PAYLOAD_BYTES;
        // deserialize needs an unshared copy.
        return deserialize(Buffer.from(this.bytes.slice(start, start + this.words[base + ARG_LEN]!)));
      }
      default:
        return undefined;
    }
  }
}
