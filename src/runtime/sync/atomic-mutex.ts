/**
 * `AtomicMutex`: a lock in one `Int32Array` cell of a `SharedArrayBuffer`, usable
 * from any thread that holds the buffer — the book's `std::sync::Mutex` for
 * `worker_threads`. (The futures-level `Mutex` in src/futures is a different thing:
 * it parks *tasks*; this one parks *threads*.)
 *
 * The cell's states (Drepper, "Futexes Are Tricky", mutex 2):
 *   UNLOCKED  0 — nobody holds it;
 *   LOCKED    1 — held, and no thread is asleep on it;
 *   CONTENDED 2 — held, and some thread may be asleep on it.
 *
 * Invariant: a thread sleeps (`Atomics.wait`) only while the cell reads CONTENDED,
 * and whoever unlocks a CONTENDED cell notifies one sleeper. So an unlock can never
 * miss a sleeper, and an uncontended lock/unlock pair is two atomic ops with no
 * `notify` system call. Rejected: a plain 0/1 flag with a notify on every unlock
 * (correct, but every unlock pays for a wake-up nobody may be waiting for).
 *
 * The lock is not re-entrant and does not know its owner (JavaScript threads have
 * no cheap identity to store in it); `unlock` of an unlocked mutex throws.
 * `Atomics.wait` is allowed on Node's main thread, so `lock` works there too —
 * and blocks it, as `Mutex::lock` blocks a Rust thread.
 */
const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

export class AtomicMutex {
  /** A mutex in a fresh one-cell `SharedArrayBuffer`. */
  static allocate(): AtomicMutex {
    return new AtomicMutex(new Int32Array(new SharedArrayBuffer(4)), 0);
  }

  /**
   * A view of the mutex at `cells[index]`. Every thread builds its own view over the
   * same buffer (send the `SharedArrayBuffer` and the index in `workerData`); the
   * cell must start at 0, which a fresh buffer does.
   */
  constructor(
    readonly cells: Int32Array,
    readonly index = 0,
  ) {
    if (!(cells.buffer instanceof SharedArrayBuffer))
      throw new TypeError("AtomicMutex needs an Int32Array over a SharedArrayBuffer");
    if (!Number.isInteger(index) || index < 0 || index >= cells.length)
      throw new RangeError(`mutex index ${index} is outside the ${cells.length}-cell array`);
  }

  /** Take the lock if it is free; never blocks. */
  tryLock(): boolean {
    return Atomics.compareExchange(this.cells, this.index, UNLOCKED, LOCKED) === UNLOCKED;
  }

  /** Take the lock, sleeping (no CPU) while another thread holds it. */
  lock(): void {
    let seen = Atomics.compareExchange(this.cells, this.index, UNLOCKED, LOCKED);
    if (seen === UNLOCKED) return;
    // Slow path: announce that we may sleep (mark CONTENDED), then sleep while it stays CONTENDED.
    // Retaking it as CONTENDED (not LOCKED) is deliberate: we cannot know whether others still sleep.
    do {
      if (seen === CONTENDED || Atomics.compareExchange(this.cells, this.index, LOCKED, CONTENDED) !== UNLOCKED) {
        Atomics.wait(this.cells, this.index, CONTENDED);
      }
      seen = Atomics.compareExchange(this.cells, this.index, UNLOCKED, CONTENDED);
    } while (seen !== UNLOCKED);
  }

  /** Release the lock; wakes one sleeper if there may be one. */
  unlock(): void {
    const before = Atomics.sub(this.cells, this.index, 1);
    if (before === LOCKED) return;
    if (before === UNLOCKED) {
      Atomics.store(this.cells, this.index, UNLOCKED); // undo the sub: it was already free
      throw new Error("AtomicMutex.unlock: the mutex is not locked");
    }
    Atomics.store(this.cells, this.index, UNLOCKED);
    Atomics.notify(this.cells, this.index, 1);
  }

  /** Run `critical` holding the lock; the lock is released even if it throws. */
  withLock<T>(critical: () => T): T {
    this.lock();
    try {
      return critical();
    } finally {
      this.unlock();
    }
  }

  /** Whether some thread holds it now (a snapshot, for diagnostics and tests). */
  get locked(): boolean {
    return Atomics.load(this.cells, this.index) !== UNLOCKED;
  }
}
