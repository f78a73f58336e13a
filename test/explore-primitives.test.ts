/**
 * The explorer used on ourselves: every primitive with waiters, in small random
 * programs of 2–4 tasks (fast-check draws the program, seeded), each explored under
 * pct at depth 2 and 3 — 10 programs × 50 schedules × 2 depths = 1,000 schedules per
 * primitive in `npm test` (EXPLORE_SELF_SCALE=10 runs ten times the schedules).
 * Each program asserts its primitive's contract: no lost wake-up (the run must not
 * deadlock), FIFO where promised, no permit leak, exactly-once delivery.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ActorSystem,
  CLOSED,
  ChannelClosed,
  Mutex,
  Notify,
  Semaphore,
  TimeoutError,
  channel,
  co,
  explore,
  oneshot,
  sleep,
  timeout,
  watch,
  yieldNow,
  type Co,
  type ExploreOptions,
  type ExploreProgram,
} from "../src/index.js";

/** CPU-bound searches (and subprocesses): generous, so a busy shared machine cannot trip them. */
const SLOW = { timeout: 180_000 };

const SCALE = Number(process.env.EXPLORE_SELF_SCALE ?? 1);
const PROGRAMS = 10;
const SCHEDULES = 50 * SCALE;

/** Explore each drawn program under pct depth 2 and 3; a failure fails the property with its replay string. */
function selfTest<D>(
  arb: fc.Arbitrary<D>,
  build: (d: D) => ExploreProgram,
  seed: number,
  options: Pick<ExploreOptions, "expectedError"> = {},
): number {
  let total = 0;
  fc.assert(
    fc.property(arb, (d) => {
      for (const depth of [2, 3]) {
        const r = explore(build(d), { ...options, strategy: "pct", depth, seed, schedules: SCHEDULES, maxSteps: 2000 });
        total += r.schedules;
        if (r.failure !== null)
          throw new Error(`${r.failure.kind}: ${r.failure.message} (depth ${depth}, replay ${r.failure.replay})`);
      }
    }),
    { seed, numRuns: PROGRAMS },
  );
  return total;
}

function* pause(n: number): Co<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

/** What each task of a lock-like program does: rounds, work inside, and an optional give-up time. */
const lockTask = fc.record({
  rounds: fc.integer({ min: 1, max: 2 }),
  work: fc.integer({ min: 0, max: 2 }),
  sleepInside: fc.boolean(),
  giveUpAfter: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
});

/** FIFO where promised: among requests that were granted, grants come in request order. */
function expectFifo(requests: number[], grants: number[]): void {
  const granted = new Set(grants);
  const inOrder = requests.filter((r) => granted.has(r));
  if (inOrder.join(",") !== grants.join(","))
    throw new Error(`not FIFO: requested ${requests.join(",")}, granted ${grants.join(",")}`);
}

describe("explore on our own primitives (pct, depth 2 and 3)", SLOW, () => {
  it("Mutex: one holder at a time, FIFO hand-over, no lost wake-up, free at the end", () => {
    const n = selfTest(
      fc.array(lockTask, { minLength: 2, maxLength: 4 }),
      (tasks) => (rt, cx) => {
        const m = new Mutex(0);
        let inside = 0;
        let granted = 0;
        let seq = 0;
        const requests: number[] = [];
        const grants: number[] = [];
        cx.invariant(() => inside <= 1);
        const handles = tasks.map((t, i) =>
          rt.spawn(
            co(function* () {
              for (let r = 0; r < t.rounds; r++) {
                const id = seq++;
                requests.push(id);
                let guard;
                try {
                  guard = t.giveUpAfter === undefined ? yield* m.lock() : yield* timeout(m.lock(), t.giveUpAfter);
                } catch (e) {
                  if (!(e instanceof TimeoutError)) throw e;
                  continue;
                }
                grants.push(id);
                inside++;
                granted++;
                guard.value = guard.value + 1;
                if (t.sleepInside) yield* sleep(1);
                yield* pause(t.work);
                inside--;
                guard.release();
              }
            }),
            { name: `t${i}` },
          ),
        );
        return co(function* () {
          for (const h of handles) yield* h;
          expectFifo(requests, grants);
          const g = m.tryLock();
          if (g === null) throw new Error("the mutex is still held after every task ended");
          if (g.value !== granted) throw new Error(`value ${g.value}, but ${granted} increments were granted`);
        });
      },
      11,
    );
    expect(n).toBeGreaterThanOrEqual(1000);
  });

  it("Semaphore: never more permits out than exist, nobody overtakes the line, every permit back at the end", () => {
    // FIFO for a semaphore is about the line, not about which task resumes first: a
    // waiter that was handed its permits may resume after a fresh request that found
    // free permits and no line. So the checks are: an acquire never completes at once
    // while someone is in line; and when a waiter resumes, no earlier waiter is still
    // in line (the line holds at most the waiters that came after it).
    const arb = fc.record({
      permits: fc.integer({ min: 1, max: 3 }),
      tasks: fc.array(fc.record({ want: fc.integer({ min: 1, max: 3 }), task: lockTask }), {
        minLength: 2,
        maxLength: 4,
      }),
    });
    const n = selfTest(
      arb,
      ({ permits, tasks }) =>
        (rt, cx) => {
          const s = new Semaphore(permits);
          let out = 0;
          const waiting: boolean[] = [];
          cx.invariant(() => out <= permits);
          const handles = tasks.map(({ want: w, task: t }, i) =>
            rt.spawn(
              co(function* () {
                const want = Math.min(w, permits);
                for (let r = 0; r < t.rounds; r++) {
                  const id = waiting.length;
                  const lineBefore = s.waiting;
                  const asked = rt.timers.now();
                  waiting.push(true);
                  let permit;
                  try {
                    permit =
                      t.giveUpAfter === undefined
                        ? yield* s.acquire(want)
                        : yield* timeout(s.acquire(want), t.giveUpAfter);
                  } catch (e) {
                    if (!(e instanceof TimeoutError)) throw e;
                    waiting[id] = false;
                    continue;
                  }
                  waiting[id] = false;
                  if (rt.timers.now() === asked && lineBefore > 0)
                    throw new Error(`request ${id} overtook ${lineBefore} waiter(s) in line`);
                  const later = waiting.filter((w, j) => w && j > id).length;
                  if (s.waiting > later)
                    throw new Error(`request ${id} resumed while an earlier request is still in line`);
                  out += want;
                  if (t.sleepInside) yield* sleep(1);
                  yield* pause(t.work);
                  out -= want;
                  permit.release();
                }
              }),
              { name: `t${i}` },
            ),
          );
          return co(function* () {
            for (const h of handles) yield* h;
            if (s.available !== permits)
              throw new Error(`permit leak: ${s.available} of ${permits} available at the end`);
          });
        },
      12,
    );
    expect(n).toBeGreaterThanOrEqual(1000);
  });

  it(
    "mpsc (bounded): every completed send is received exactly once, in each " +
      "sender's order; a cancelled send delivers nothing; recv ends with " +
      "CLOSED",
    () => {
      const arb = fc.record({
        capacity: fc.integer({ min: 1, max: 2 }),
        senders: fc.array(
          fc.record({
            count: fc.integer({ min: 1, max: 3 }),
            giveUpAfter: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
            gap: fc.integer({ min: 0, max: 1 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        slowReader: fc.boolean(),
      });
      const n = selfTest(
        arb,
        ({ capacity, senders, slowReader }) =>
          (rt) => {
            const [tx, rx] = channel<string>(capacity);
            const sent: string[] = [];
            const received: string[] = [];
            senders.forEach((s, i) => {
              const mine = tx.clone();
              rt.spawn(
                co(function* () {
                  for (let k = 0; k < s.count; k++) {
                    const v = `${i}:${k}`;
                    try {
                      if (s.giveUpAfter === undefined) yield* mine.send(v);
                      else yield* timeout(mine.send(v), s.giveUpAfter);
                      sent.push(v);
                    } catch (e) {
                      if (!(e instanceof TimeoutError)) throw e;
                    }
                    yield* pause(s.gap);
                  }
                  mine.close();
                }),
                { name: `sender-${i}` },
              );
            });
            tx.close();
            return co(function* () {
              for (;;) {
                if (slowReader) yield* sleep(1);
                const v = yield* rx.recv();
                if (v === CLOSED) break;
                received.push(v);
              }
              if ([...received].sort().join() !== [...sent].sort().join())
                throw new Error(`sent ${sent.join(" ")} but received ${received.join(" ")}`);
              for (let i = 0; i < senders.length; i++) {
                const order = received.filter((v) => v.startsWith(`${i}:`)).map((v) => Number(v.split(":")[1]));
                if (order.some((k, j) => j > 0 && k < order[j - 1]!))
                  throw new Error(`sender ${i}'s values out of order: ${order.join(",")}`);
              }
            });
          },
        13,
      );
      expect(n).toBeGreaterThanOrEqual(1000);
    },
  );

  it(
    "Notify: as many notifyOne as waiters wakes every waiter that stays (no " +
      "lost notification), give-ups pass theirs on",
    () => {
      const arb = fc.record({
        waiters: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 3,
        }),
        gaps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
      });
      const n = selfTest(
        arb,
        ({ waiters, gaps }) =>
          (rt) => {
            const notify = new Notify();
            let woken = 0;
            const handles = waiters.map((giveUp, i) =>
              rt.spawn(
                co(function* () {
                  try {
                    if (giveUp === undefined) yield* notify.notified();
                    else yield* timeout(notify.notified(), giveUp);
                    woken++;
                  } catch (e) {
                    if (!(e instanceof TimeoutError)) throw e;
                  }
                }),
                { name: `waiter-${i}` },
              ),
            );
            rt.spawn(
              co(function* () {
                for (let k = 0; k < waiters.length; k++) {
                  yield* pause(gaps[k]!);
                  notify.notifyOne();
                }
              }),
              { name: "notifier" },
            );
            return co(function* () {
              for (const h of handles) yield* h;
              if (woken > waiters.length) throw new Error(`${woken} wake-ups from ${waiters.length} notifications`);
            });
          },
        14,
      );
      expect(n).toBeGreaterThanOrEqual(1000);
    },
  );

  it(
    "oneshot: every awaiter of one receiver sees the same outcome (value or " +
      "ChannelClosed); a give-up touches nobody else",
    () => {
      const arb = fc.record({
        awaiters: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 3,
        }),
        sends: fc.boolean(),
        delay: fc.integer({ min: 0, max: 3 }),
      });
      const n = selfTest(
        arb,
        ({ awaiters, sends, delay }) =>
          (rt) => {
            const [tx, rx] = oneshot<number>();
            const outcomes: string[] = [];
            const handles = awaiters.map((giveUp, i) =>
              rt.spawn(
                co(function* () {
                  try {
                    const v = giveUp === undefined ? yield* rx.recv() : yield* timeout(rx.recv(), giveUp);
                    outcomes.push(`value ${v}`);
                  } catch (e) {
                    if (e instanceof TimeoutError) return;
                    if (!(e instanceof ChannelClosed)) throw e;
                    outcomes.push("closed");
                  }
                }),
                { name: `awaiter-${i}` },
              ),
            );
            rt.spawn(
              co(function* () {
                yield* pause(delay);
                if (sends) tx.send(42);
                else tx.close();
              }),
              { name: "sender" },
            );
            return co(function* () {
              for (const h of handles) yield* h;
              const expected = sends ? "value 42" : "closed";
              if (outcomes.some((o) => o !== expected))
                throw new Error(`outcomes ${outcomes.join(", ")}, expected ${expected}`);
              if (outcomes.length < awaiters.filter((g) => g === undefined).length)
                throw new Error("an awaiter that never gave up got nothing");
            });
          },
        15,
      );
      expect(n).toBeGreaterThanOrEqual(1000);
    },
  );

  it("watch: each receiver sees increasing values and, after close, the last one — a send is never lost", () => {
    const arb = fc.record({
      receivers: fc.integer({ min: 1, max: 3 }),
      values: fc.integer({ min: 1, max: 3 }),
      gaps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
    });
    const n = selfTest(
      arb,
      ({ receivers, values, gaps }) =>
        (rt) => {
          const [tx, rx0] = watch(0);
          const handles = Array.from({ length: receivers }, (_, i) => {
            const rx = i === 0 ? rx0 : rx0.clone();
            return rt.spawn(
              co(function* () {
                const seen: number[] = [];
                for (;;) {
                  try {
                    yield* rx.changed();
                  } catch (e) {
                    if (e instanceof ChannelClosed) break;
                    throw e;
                  }
                  seen.push(rx.borrow());
                }
                if (seen.some((v, j) => j > 0 && v <= seen[j - 1]!))
                  throw new Error(`receiver ${i} saw ${seen.join(",")}`);
                if (rx.borrow() !== values)
                  throw new Error(`receiver ${i} ended at ${rx.borrow()}, the last value was ${values}`);
              }),
              { name: `rx-${i}` },
            );
          });
          rt.spawn(
            co(function* () {
              for (let v = 1; v <= values; v++) {
                yield* pause(gaps[v - 1]!);
                tx.send(v);
              }
              tx.close();
            }),
            { name: "sender" },
          );
          return co(function* () {
            for (const h of handles) yield* h;
          });
        },
      16,
    );
    expect(n).toBeGreaterThanOrEqual(1000);
  });

  // Before the JoinHandle kept a list of join wakers (issue 11 §1), a second awaiter
  // replaced the first, which then waited forever: the explorer found that deadlock,
  // shrunk to two decisions.
  it("JoinHandle: any number of tasks awaiting one handle each get its value (or its error)", () => {
    const arb = fc.record({
      awaiters: fc.integer({ min: 2, max: 3 }),
      work: fc.integer({ min: 0, max: 3 }),
      fails: fc.boolean(),
    });
    const n = selfTest(
      arb,
      ({ awaiters, work, fails }) =>
        (rt) => {
          const target = rt.spawn(
            co(function* () {
              yield* pause(work);
              if (fails) throw new Error("expected failure");
              return 7;
            }),
            { name: "target" },
          );
          const got: string[] = [];
          const handles = Array.from({ length: awaiters }, (_, i) =>
            rt.spawn(
              co(function* () {
                try {
                  got.push(`value ${yield* target}`);
                } catch (e) {
                  got.push(e instanceof Error && /expected failure/.test(e.message) ? "failed" : `other: ${String(e)}`);
                }
              }),
              { name: `awaiter-${i}` },
            ),
          );
          return co(function* () {
            for (const h of handles) yield* h;
            const expected = fails ? "failed" : "value 7";
            if (got.length !== awaiters || got.some((g) => g !== expected))
              throw new Error(`awaiters got ${got.join(", ")}`);
          });
        },
      17,
      { expectedError: (e) => e instanceof Error && e.message === "expected failure" },
    );
    expect(n).toBeGreaterThanOrEqual(1000);
  });

  // A send that gives up (a timeout) leaves the mailbox's waiter list and passes on a
  // wake-up it was handed, so the sender behind it is never stranded.
  it(
    "actor mailbox: every completed send to a bounded mailbox is handled " + "exactly once, and every ask is answered",
    () => {
      const arb = fc.record({
        capacity: fc.integer({ min: 1, max: 2 }),
        senders: fc.array(
          fc.record({
            count: fc.integer({ min: 1, max: 2 }),
            giveUpAfter: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
            asks: fc.boolean(),
          }),
          { minLength: 2, maxLength: 3 },
        ),
        slow: fc.boolean(),
      });
      const n = selfTest(
        arb,
        ({ capacity, senders, slow }) =>
          (rt) => {
            const system = new ActorSystem({ runtime: rt });
            const handled: string[] = [];
            const sent: string[] = [];
            const actor = system.spawn<string, string>(
              () => ({
                *handle(msg: string) {
                  if (slow) yield* sleep(1);
                  handled.push(msg);
                  return `ok ${msg}`;
                },
              }),
              { name: "actor", capacity },
            );
            const handles = senders.map((s, i) =>
              rt.spawn(
                co(function* () {
                  for (let k = 0; k < s.count; k++) {
                    const m = `${i}:${k}`;
                    try {
                      if (s.asks) {
                        const reply = yield* actor.ask(m, Infinity);
                        if (reply !== `ok ${m}`) throw new Error(`ask ${m} got ${reply}`);
                      } else if (s.giveUpAfter === undefined) yield* actor.send(m);
                      else yield* timeout(actor.send(m), s.giveUpAfter);
                      sent.push(m);
                    } catch (e) {
                      if (!(e instanceof TimeoutError)) throw e;
                    }
                  }
                }),
                { name: `sender-${i}` },
              ),
            );
            return co(function* () {
              for (const h of handles) yield* h;
              actor.stop();
              yield* actor.join();
              if ([...handled].sort().join() !== [...sent].sort().join())
                throw new Error(`sent ${sent.join(" ")}, handled ${handled.join(" ")}`);
            });
          },
        18,
      );
      expect(n).toBeGreaterThanOrEqual(1000);
    },
  );
});
