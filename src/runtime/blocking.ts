/**
 * `blockingSleep(ms)`: freeze the calling thread, as the book's
 * `std::thread::sleep` freezes a Tokio worker. Nothing else on this thread — no
 * task, no timer, no socket — runs meanwhile; that is the lesson it teaches.
 *
 * `Atomics.wait` on a private `SharedArrayBuffer` is a real sleep (no CPU burnt),
 * unlike a busy loop. It is allowed on Node's main thread (browsers forbid it).
 */
const cell = new Int32Array(new SharedArrayBuffer(4));

export function blockingSleep(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
}

/** Burn CPU for `ms` (a stand-in for real computation; unlike `blockingSleep` it uses a core). */
export function busyWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}
