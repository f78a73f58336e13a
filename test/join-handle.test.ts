/**
 * JoinHandle under composition: many awaiters (tasks and promises), awaiters that
 * give up (cancelled, lost a select), and a task that settles, fails or is aborted —
 * checked against a plain model on the live runtime and on the sim driver.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BaseFuture,
  co,
  join,
  map,
  JoinError,
  LiveRuntime,
  PENDING,
  select,
  SimRuntime,
  sleep,
  tryJoin,
  timeout,
  type Co,
  type Context,
  type JoinHandle,
  type Poll,
  type Waker,
} from "../src/index.js";
import { abandon } from "../src/futures/abandon.js";
import type { Task } from "../src/runtime/task.js";
import { settle } from "./helpers/fake-timers.js";

/** A future the test opens by hand. */
class Gate<T> extends BaseFuture<T> {
  private outcome: { ok: T } | { err: unknown } | null = null;
  private waker: Waker | null = null;
  open(value: T): void {
    this.outcome = { ok: value };
    this.waker?.wake();
  }
  fail(error: unknown): void {
    this.outcome = { err: error };
    this.waker?.wake();
  }
  poll(cx: Context): Poll<T> {
    const o = this.outcome;
    if (o === null) {
      this.waker = cx.waker;
      return PENDING;
    }
    if ("ok" in o) return o.ok;
    throw o.err;
  }
  override cancel(): void {
    this.waker = null;
  }
}

type Outcome = string;
function describeError(e: unknown): Outcome {
  if (e instanceof JoinError) return e.kind === "cancelled" ? "cancelled" : `failed:${(e.cause as Error).message}`;
  return `error:${String(e)}`;
}

interface Driver {
  rt: LiveRuntime | SimRuntime;
  step(): Promise<void>;
}
const drivers: Record<string, () => Driver> = {
  live: () => ({ rt: new LiveRuntime(), step: () => settle(3) }),
  sim: () => {
    const rt = new SimRuntime();
    return {
      rt,
      step: async () => {
        rt.run();
        await settle(1); // promise awaiters settle in microtasks
        rt.run();
      },
    };
  },
};

type Kind = "task" | "select" | "nested" | "promise" | "twice";
type Command =
  | { t: "add"; kind: Kind }
  | { t: "cancel"; i: number }
  | { t: "giveUp"; i: number }
  | { t: "settle"; how: "value" | "fail" | "abort" };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    t: fc.constant("add" as const),
    kind: fc.constantFrom<Kind>("task", "select", "nested", "promise", "twice"),
  }),
  fc.record({ t: fc.constant("cancel" as const), i: fc.nat(30) }),
  fc.record({ t: fc.constant("giveUp" as const), i: fc.nat(30) }),
  fc.record({
    t: fc.constant("settle" as const),
    how: fc.constantFrom<"value" | "fail" | "abort">("value", "fail", "abort"),
  }),
);

interface Awaiter {
  kind: Kind;
  got: Outcome | null;
  handle: JoinHandle<void> | null;
  gate: Gate<string> | null;
  /** Model: what it must end with, null while it must still wait. */
  want: Outcome | null;
  /** Model: does it hold a waker on the target now? */
  registered: boolean;
  gaveUp: boolean;
}

async function runModel(make: () => Driver, commands: Command[]): Promise<void> {
  const { rt, step } = make();
  const gate = new Gate<string>();
  let cleanups = 0;
  const target = rt.spawn(
    co(function* (): Co<string> {
      try {
        return yield* gate;
      } finally {
        cleanups++;
      }
    }),
  ) as Task<string>;
  let settled: Outcome | null = null;
  const awaiters: Awaiter[] = [];
  await step(); // the target starts: its finally is armed

  const add = (kind: Kind): void => {
    const a: Awaiter = {
      kind,
      got: null,
      handle: null,
      gate: null,
      want: settled,
      registered: settled === null,
      gaveUp: false,
    };
    awaiters.push(a);
    const record = (o: Outcome): void => {
      if (a.got === null) a.got = o;
    };
    if (kind === "promise") {
      target.then(
        (v) => record(`ok:${v}`),
        (e) => record(describeError(e)),
      );
      return;
    }
    if (kind === "select" || kind === "twice") a.gate = new Gate<string>();
    a.handle = rt.spawn(
      co(function* (): Co<void> {
        try {
          if (kind === "task") record(`ok:${yield* target}`);
          else if (kind === "nested")
            record(
              `ok:${yield* co(function* () {
                return yield* target;
              })}`,
            );
          else if (kind === "select") {
            const r = yield* select(target, a.gate!);
            record(r.index === 0 ? `ok:${r.value}` : "gave-up");
          } else {
            // Two futures of one task await the same handle; one of them may give up.
            const [first] = yield* join(
              co(function* () {
                return yield* target;
              }),
              select(target, a.gate!),
            );
            record(`ok:${first}`);
          }
        } catch (e) {
          record(describeError(e));
        } finally {
          record("awaiter-cancelled");
        }
      }),
    );
  };

  for (const c of commands) {
    if (c.t === "add") add(c.kind);
    else if (c.t === "cancel" && awaiters.length > 0) {
      const a = awaiters[c.i % awaiters.length]!;
      if (a.handle !== null && a.want === null) {
        a.handle.cancel();
        a.want = "awaiter-cancelled";
        a.registered = false;
      }
    } else if (c.t === "giveUp" && awaiters.length > 0) {
      const a = awaiters[c.i % awaiters.length]!;
      if (a.gate !== null && a.want === null && !a.gaveUp) {
        a.gaveUp = true;
        a.gate.open("x");
        if (a.kind === "select") {
          a.want = "gave-up";
          a.registered = false;
        }
      }
    } else if (c.t === "settle" && settled === null) {
      if (c.how === "value") gate.open("v");
      else if (c.how === "fail") gate.fail(new Error("boom"));
      else expect(target.cancel()).toBe(true);
      settled = c.how === "value" ? "ok:v" : c.how === "fail" ? "failed:boom" : "cancelled";
      for (const a of awaiters) {
        if (a.want === null) a.want = settled;
        a.registered = false;
      }
    }
    await step();
    for (const [i, a] of awaiters.entries()) {
      expect(a.got, `awaiter ${i} (${a.kind}) after ${JSON.stringify(c)}`).toBe(a.want);
    }
    // Exactly the awaiters still waiting hold a place: none left behind, none doubled by re-polls.
    expect(target.awaiters).toBe(awaiters.filter((a) => a.registered).length);
    // Giving up never stops the task: it ends only when the model settles it.
    expect(target.finished).toBe(settled !== null);
  }
  if (settled !== null) expect(cleanups).toBe(1);
}

describe("JoinHandle: any number of awaiters", () => {
  for (const name of Object.keys(drivers)) {
    it(`${name}: matches a model under random awaiters / cancels / give-ups / settles (seeded, 250 runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 24 }), (commands) => runModel(drivers[name]!, commands)),
        { numRuns: 250, seed: 20261130 },
      );
    });
  }

  it(
    "two tasks and two promises awaiting one handle all get the value " + "(before: only the last poller was woken)",
    async () => {
      const rt = new LiveRuntime();
      const h = rt.spawn(map(sleep(5), () => 42));
      const a = rt.spawn(
        co(function* () {
          return yield* h;
        }),
      );
      const b = rt.spawn(
        co(function* () {
          return yield* h;
        }),
      );
      const p1 = h.toPromise();
      const p2 = h.then((v) => v + 1);
      expect(await Promise.all([a, b, p1, p2])).toEqual([42, 42, 42, 43]);
      // Asking again after the end: the same outcome.
      expect(await h).toBe(42);
      expect(
        await rt.blockOn(
          co(function* () {
            return yield* h;
          }),
        ),
      ).toBe(42);
    },
  );

  it(
    "a select that loses to a sleep leaves the handle; the task runs on for " +
      "a later awaiter (before: the loser's cancel aborted it)",
    async () => {
      const rt = new LiveRuntime();
      const gate = new Gate<string>();
      const h = rt.spawn(gate) as Task<string>;
      const r = await rt.blockOn(select(h, sleep(1)));
      expect(r.index).toBe(1);
      expect(h.finished).toBe(false);
      expect(h.awaiters).toBe(0);
      gate.open("late");
      expect(await h).toBe("late");
    },
  );

  it("tryJoin and timeout over handles abandon them, never abort them", async () => {
    const rt = new LiveRuntime();
    const slow = new Gate<string>();
    const x = rt.spawn(slow) as Task<string>;
    const y = rt.spawn(
      co(function* (): Co<string> {
        throw new Error("y failed");
      }),
    );
    await expect(rt.blockOn(tryJoin(x, y))).rejects.toThrow("y failed");
    await expect(rt.blockOn(timeout(x, 1))).rejects.toMatchObject({ name: "TimeoutError" });
    expect(x.finished).toBe(false);
    slow.open("x done");
    expect(await x).toBe("x done");
  });

  it("cancelling a task that awaits a handle does not cancel the awaited task", async () => {
    const rt = new LiveRuntime();
    const gate = new Gate<string>();
    const child = rt.spawn(gate) as Task<string>;
    const parent = rt.spawn(
      co(function* () {
        return yield* child;
      }),
    );
    await settle();
    expect(child.awaiters).toBe(1);
    parent.cancel();
    await settle();
    expect(child.awaiters).toBe(0);
    expect(child.finished).toBe(false);
    gate.open("still here");
    expect(await child).toBe("still here");
  });

  it(
    "re-polling never grows the awaiter list: 100 polls with one waker, and " +
      "a task that loses 50 selects in a row, each hold one place at most",
    async () => {
      const rt = new LiveRuntime();
      const gate = new Gate<string>();
      const h = rt.spawn(gate) as Task<string>;
      const waker = { wake() {} };
      for (let i = 0; i < 100; i++) expect(h.poll({ waker })).toBe(PENDING);
      expect(h.awaiters).toBe(1);
      const seen: number[] = [];
      const looper = rt.spawn(
        co(function* () {
          for (let i = 0; i < 50; i++) {
            const r = yield* select(h, sleep(0));
            expect(r.index).toBe(1);
            seen.push(h.awaiters);
          }
        }),
      );
      await looper;
      expect(Math.max(...seen)).toBe(1); // only the hand-polled waker is left between rounds
      expect(h.awaiters).toBe(1);
      gate.open("done");
      expect(await h).toBe("done");
      expect(h.awaiters).toBe(0);
    },
  );

  it(
    "awaiters are woken oldest first, once each, the first (kept in the " +
      "task's own field) as well as those on the list; one that gave up is " +
      "not woken",
    async () => {
      const rt = new LiveRuntime();
      const gate = new Gate<string>();
      const h = rt.spawn(gate) as Task<string>;
      const woken: string[] = [];
      const waker = (name: string): Waker => ({ wake: () => woken.push(name) });
      const [a, b, c, d] = [waker("a"), waker("b"), waker("c"), waker("d")];
      expect(h.poll({ waker: a })).toBe(PENDING); // one awaiter: kept in the task's field
      expect(h.poll({ waker: a })).toBe(PENDING);
      expect(h.awaiters).toBe(1);
      expect(h.poll({ waker: b })).toBe(PENDING); // the second and later ones: the list
      expect(h.poll({ waker: a })).toBe(PENDING); // polling again adds nothing
      expect(h.poll({ waker: c })).toBe(PENDING);
      expect(h.poll({ waker: d })).toBe(PENDING);
      expect(h.awaiters).toBe(4);
      abandon(h, c); // c gives up: it is woken once (to re-register if it still cares), then left out
      expect(woken).toEqual(["c"]);
      expect(h.awaiters).toBe(3);
      gate.open("v");
      await settle();
      expect(h.finished).toBe(true);
      expect(woken).toEqual(["c", "a", "b", "d"]);
      expect(h.awaiters).toBe(0);
      expect(h.poll({ waker: a })).toBe("v");
    },
  );
});
