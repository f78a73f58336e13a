/**
 * Worker threads of the shared-memory experiment (shared-memory.ts). Every role
 * gets the same `SharedArrayBuffer` in workerData and posts one result when done:
 * the lines it printed, stamped with a clock all threads share, or a count.
 */
import { parentPort, workerData } from "node:worker_threads";
// A worker entry imports the narrow modules it needs, not the public index: a fresh
// thread would otherwise load (from sources: transpile) the whole library before it starts.
import { blockingSleep } from "../../runtime/blocking.js";
import { AtomicCondvar } from "../../runtime/sync/atomic-condvar.js";
import { AtomicMutex } from "../../runtime/sync/atomic-mutex.js";
import { CELL, type SharedJob, type StampedLine } from "./shared-memory-layout.js";

const job = workerData as SharedJob;
const cells = new Int32Array(job.sab);
const mutex = new AtomicMutex(cells, CELL.mutex);
const changed = new AtomicCondvar(cells, CELL.condvar);
const printed: StampedLine[] = [];
const say = (line: string) => printed.push({ at: performance.timeOrigin + performance.now(), line });

/**
 * The book's listener: sleeps on the condvar, prints each new value, stops on STOP.
 * It acknowledges each version in `seen` (the book's does not; its updater's 4 s
 * sleep makes a missed value unlikely — ours makes it impossible, on a busy machine too).
 */
function listener(): StampedLine[] {
  mutex.lock();
  for (;;) {
    // Re-check in a loop: a condvar may wake without news (see atomic-condvar.ts).
    changed.waitWhile(mutex, () => cells[CELL.version] === cells[CELL.seen] && cells[CELL.stop] === 0);
    if (cells[CELL.version] === cells[CELL.seen]) break; // STOP, and nothing new
    cells[CELL.seen] = cells[CELL.version]!;
    say(`Received value: ${cells[CELL.value] === 1}`);
    changed.notifyAll(); // the updater may be waiting for this acknowledgement
  }
  mutex.unlock();
  return printed;
}

/** The book's updater: four values, a notify after each, a (scaled) 4 s sleep between. */
function updater(): StampedLine[] {
  for (const value of [false, true, false, true]) {
    say(`Updating value to ${value}...`);
    mutex.withLock(() => {
      cells[CELL.value] = value ? 1 : 0;
      cells[CELL.version] = cells[CELL.version]! + 1;
      changed.notifyAll();
      changed.waitWhile(mutex, () => cells[CELL.seen] !== cells[CELL.version]);
    });
    blockingSleep(job.n);
  }
  mutex.withLock(() => {
    cells[CELL.stop] = 1;
    changed.notifyAll();
  });
  say("STOP has been updated");
  return printed;
}

/** Wait until all `parties` threads have arrived: thread start-up takes longer than the increments. */
function barrier(parties: number): void {
  Atomics.add(cells, CELL.arrived, 1);
  Atomics.notify(cells, CELL.arrived);
  for (let a = Atomics.load(cells, CELL.arrived); a < parties; a = Atomics.load(cells, CELL.arrived))
    Atomics.wait(cells, CELL.arrived, a);
}

function increments(): number {
  const n = job.n;
  barrier(job.parties ?? 1);
  const start = performance.now();
  if (job.role === "locked") {
    for (let i = 0; i < n; i++) {
      mutex.lock();
      cells[CELL.counter] = cells[CELL.counter]! + 1; // plain read-modify-write, made safe by the lock
      mutex.unlock();
    }
  } else if (job.role === "racy") {
    // Read, then write: each step atomic, the pair not — the other thread can write in between, and its update is lost.
    // (Plain `cells[i] = cells[i] + 1` would race too, but V8 may keep the value in a register for the whole loop.)
    for (let i = 0; i < n; i++) Atomics.store(cells, CELL.counter, Atomics.load(cells, CELL.counter) + 1);
  } else {
    for (let i = 0; i < n; i++) Atomics.add(cells, CELL.counter, 1); // one indivisible instruction, no lock needed
  }
  return performance.now() - start;
}

const roles = { listener, updater, locked: increments, racy: increments, atomic: increments };
parentPort!.postMessage(roles[job.role]());
