/**
 * `AtomicCell`: one 32-bit integer subject in a `SharedArrayBuffer`, read and written
 * only with `Atomics` — the book's `AtomicI16`/`AtomicBool` statics (E6.1).
 *
 * Invariant: every access goes through `Atomics`, so the same cell may be shared with a
 * worker thread (pass `cell.buffer` and `cell.index`) and observed there; no access is
 * torn and every read sees the latest write (sequentially consistent, like `SeqCst`).
 *
 * Observers of an `AtomicCell` cannot be told about a change — there is nobody to tell
 * them — so they must poll it: the book's busy-polling futures. See `WatchedCell` for
 * the design that keeps its observers' wakers.
 */

/** `compareExchange` result, shaped like Rust's `Result<i32, i32>` (E6.2). */
export type CompareExchange = { ok: true; previous: number } | { ok: false; actual: number };

export class AtomicCell {
  readonly view: Int32Array;

  /** A cell at `index` of `view` (a view on a SharedArrayBuffer), or a fresh one-slot buffer. */
  constructor(
    initial = 0,
    view?: Int32Array,
    readonly index = 0,
  ) {
    this.view = view ?? new Int32Array(new SharedArrayBuffer(4));
    if (!(this.view.buffer instanceof SharedArrayBuffer))
      throw new TypeError("AtomicCell needs a view on a SharedArrayBuffer");
    if (index < 0 || index >= this.view.length)
      throw new RangeError(`index ${index} outside a view of length ${this.view.length}`);
    Atomics.store(this.view, index, initial);
  }

  get buffer(): SharedArrayBuffer {
    return this.view.buffer as SharedArrayBuffer;
  }
  load(): number {
    return Atomics.load(this.view, this.index);
  }
  store(value: number): void {
    Atomics.store(this.view, this.index, value);
  }
  /** Add `delta`; returns the previous value (Rust's `fetch_add`). */
  add(delta: number): number {
    return Atomics.add(this.view, this.index, delta);
  }
  /** Subtract `delta`; returns the previous value (Rust's `fetch_sub`). */
  sub(delta: number): number {
    return Atomics.sub(this.view, this.index, delta);
  }
  /**
   * Store `next` only if the cell holds `expected`. `Atomics.compareExchange` returns the
   * old value either way; we turn that into Ok(previous) / Err(actual) as Rust does.
   */
  compareExchange(expected: number, next: number): CompareExchange {
    const old = Atomics.compareExchange(this.view, this.index, expected, next);
    return old === expected ? { ok: true, previous: old } : { ok: false, actual: old };
  }
}
