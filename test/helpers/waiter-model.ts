/**
 * Shared machinery for the model-based tests of the primitives built on the waiter
 * list (oneshot, watch, mutex, mpsc, broadcast, semaphore, notify).
 *
 * A test runs a *controller* coroutine on a real runtime — the live driver or the
 * sim driver (2 workers, seeded) — that applies a random list of operations to the
 * primitive and to a plain model side by side. Waiting is done by *parties*: one
 * spawned task each, awaiting one future of the primitive through a {@link Probe}
 * (which lets the controller wake the task spuriously, so the same waiter is polled
 * again). Cancelling a party cancels its task, which cancels the future it awaits.
 *
 * Ops marked "no settle" run back to back inside one poll of the controller, so no
 * other task runs between them: that is how a waiter gets cancelled after a wake-up
 * reached it but before it was polled — the case that loses wake-ups. After a
 * settle every task that was woken has run, and the test compares the primitive
 * with the model.
 */
import {
  BaseFuture,
  co,
  LiveRuntime,
  SimRuntime,
  sleep,
  spawn,
  yieldNow,
  type Co,
  type Context,
  type Future,
  type JoinHandle,
  type Poll,
  type Waker,
} from "../../src/index.js";

export type DriverName = "live" | "sim";
export const DRIVERS: readonly DriverName[] = ["live", "sim"];
/** Seeded runs per primitive and driver. */
export const RUNS = 200;

/** Wraps a future; remembers the last waker so a test can wake the task spuriously. */
export class Probe<T> extends BaseFuture<T> {
  waker: Waker | null = null;
  polls = 0;
  constructor(readonly inner: Future<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    this.polls++;
    this.waker = cx.waker;
    return this.inner.poll(cx);
  }
  override cancel(): void {
    this.inner.cancel?.();
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** One waiting task. */
export interface Party<T> {
  readonly id: number;
  readonly probe: Probe<T>;
  readonly handle: JoinHandle<void>;
  outcome: Outcome<T> | null;
  cancelled: boolean;
}

/**
 * Spawn a task (on the current runtime) that awaits `inner` and records the
 * outcome; `log` gets the party's id when it settles, so tests can check order.
 */
export function party<T>(id: number, inner: Future<T>, log: number[]): Party<T> {
  const probe = new Probe(inner);
  const p = { id, probe, outcome: null, cancelled: false } as Party<T> & { handle: JoinHandle<void> };
  (p as { handle: JoinHandle<void> }).handle = spawn(
    co(function* (): Co<void> {
      try {
        const value = yield* probe;
        p.outcome = { ok: true, value };
      } catch (error) {
        p.outcome = { ok: false, error };
      }
      log.push(id);
    }),
  );
  return p;
}

/** Cancel a party's task (a no-op once it finished). */
export function cancelParty(p: Party<unknown>): void {
  if (p.outcome === null) p.cancelled = true;
  p.handle.cancel();
}

/** Wake a party's task although nothing happened: its future is polled again. */
export function spuriousWake(p: Party<unknown>): void {
  p.probe.waker?.wake();
}

/**
 * Run `body` as the controller on a fresh runtime; `settle()` returns after every
 * task woken so far has run (live: a few turns of the FIFO queue; sim: 1 ms of
 * virtual time, which holds a thousand 1 µs polls).
 */
export async function onDriver(
  driver: DriverName,
  seed: number,
  body: (settle: () => Co<void>) => Co<void>,
): Promise<void> {
  if (driver === "live") {
    const settle = function* (): Co<void> {
      for (let i = 0; i < 4; i++) yield* yieldNow();
    };
    await new LiveRuntime().blockOn(co(body(settle)));
  } else {
    const settle = function* (): Co<void> {
      yield* sleep(1);
    };
    const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }], seed });
    rt.blockOn(co(body(settle)));
  }
}
