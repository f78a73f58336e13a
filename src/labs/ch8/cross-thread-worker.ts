/**
 * The worker side of E8.3's cross-thread runs. Three roles, chosen by workerData:
 *
 *   mutex   increments a counter in shared memory `n` times, each under an
 *           AtomicMutex (the book's `Arc<Mutex<i32>>` across threads); counts how
 *           many locks found it taken (contended);
 *   owner   the actor: owns the count, answers each message on each port with the
 *           new total (the book's oneshot reply), until every port says "done";
 *   client  sends `n` increments to the owner, awaiting each reply (send + await).
 *
 * Invariant: each role posts exactly one result ({ ms, contended } or { ms, count })
 * and then ends; every thread (the owner included) starts behind a barrier in shared memory, so
 * the threads' increments really overlap.
 */
import { parentPort, workerData } from "node:worker_threads";
// A worker entry imports the narrow module it needs, not the public index: a fresh
// thread would otherwise load (from sources: transpile) the whole library before it starts.
import { AtomicMutex } from "../../runtime/sync/atomic-mutex.js";
import { CROSS, type CrossJob } from "./cross-thread-layout.js";

/** Wait until all `parties` threads have arrived, so they start incrementing together. */
function barrier(cells: Int32Array, parties: number): void {
  Atomics.add(cells, CROSS.arrived, 1);
  while (Atomics.load(cells, CROSS.arrived) < parties)
    Atomics.wait(cells, CROSS.arrived, Atomics.load(cells, CROSS.arrived), 1);
}

const job = workerData as CrossJob;

if (job.role === "mutex") {
  const cells = new Int32Array(job.sab);
  const mutex = new AtomicMutex(cells, CROSS.mutex);
  barrier(cells, job.parties);
  let contended = 0;
  const t0 = performance.now();
  for (let i = 0; i < job.n; i++) {
    if (!mutex.tryLock()) {
      contended++;
      mutex.lock();
    }
    cells[CROSS.counter] = cells[CROSS.counter]! + 1; // plain read-modify-write: only the lock makes it safe
    mutex.unlock();
  }
  parentPort!.postMessage({ ms: performance.now() - t0, contended });
} else if (job.role === "owner") {
  // Started and loaded before any client's clock starts: the barrier includes the owner.
  barrier(new Int32Array(job.sab), job.parties);
  let count = 0;
  let open = job.ports.length;
  for (const port of job.ports) {
    port.on("message", (m: number | "done") => {
      if (m === "done") {
        port.close();
        if (--open === 0) parentPort!.postMessage({ ms: 0, count });
        return;
      }
      count += m;
      port.postMessage(count);
    });
  }
} else {
  const cells = new Int32Array(job.sab);
  const port = job.port;
  barrier(cells, job.parties);
  const t0 = performance.now();
  let i = 0;
  // send + await the reply, one increment at a time (the book's actor client).
  port.on("message", () => {
    if (++i < job.n) port.postMessage(1);
    else {
      port.postMessage("done");
      port.close();
      parentPort!.postMessage({ ms: performance.now() - t0, count: i });
    }
  });
  port.postMessage(1);
}
