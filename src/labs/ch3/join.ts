/**
 * E3.7 join and try-join: results in argument order; the first error wins.
 */
import {
  BaseFuture,
  PENDING,
  Runtime,
  block,
  join,
  tryJoin,
  type Context,
  type Future,
  type Poll,
} from "../../index.js";
import type { Experiment } from "../types.js";
import { bookSecond, build, blockOnRt, timeline, bookSeconds, result, virtual } from "./harness.js";
import { Blocker } from "./book-futures.js";

/** One task's outcome, as the book's `try_join!` gives it: `Ok(value)` or the error it failed with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The book's `try_join!` (L2433-2485): every task is awaited and each yields its own
 * result — a failure does not stop the others. Wraps a future so that a throw from its
 * poll (a failed task's JoinHandle) becomes an `Err` value instead of ending the join.
 */
export class SettleFuture<T> extends BaseFuture<Settled<T>> {
  constructor(private readonly inner: Future<T>) {
    super();
  }
  poll(cx: Context): Poll<Settled<T>> {
    try {
      const v = this.inner.poll(cx);
      return v === PENDING ? PENDING : { ok: true, value: v as T };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

const show = (r: Settled<unknown>): string =>
  r.ok ? `Ok(${JSON.stringify(r.value)})` : `Err(${JSON.stringify(r.error)})`;

export const joinExperiment: Experiment = {
  usesDriver: true,
  recordsTrace: true,
  id: "join",
  book: "E3.7",
  title: "join and tryJoin: results in argument order",
  summary:
    "three tasks finishing out of order; tryJoin stops at the first error, " +
    "the book's try_join! gives one result per task",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const rt = build(new Runtime().withHighNum(2).withLowNum(1).withSeed(opts.seed).withTrace(), opts);
    const finished: { label: string; t: number }[] = [];
    const timed = (label: string, ms: number): Future<string> => {
      const inner = new Blocker(label, ms);
      return {
        poll: (cx) => {
          const v = inner.poll(cx);
          if (v !== PENDING) finished.push({ label, t: rt.clockNow() });
          return v;
        },
      };
    };
    const a = rt.spawn(timed("a (3 s)", 3 * SECOND), { name: "a" });
    const b = rt.spawn(timed("b (1 s)", SECOND), { name: "b" });
    const c = rt.spawn(timed("c (2 s)", 2 * SECOND), { name: "c" });
    const joined = await blockOnRt(rt, join(a, b, c));
    const failing: Future<string> = {
      poll: () => {
        block(SECOND);
        throw new Error("y failed");
      },
    };
    const x = rt.spawn(new Blocker("x (3 s)", 3 * SECOND), { name: "x" });
    const y = rt.spawn(failing, { name: "y" });
    let tryJoinOutcome: string;
    try {
      tryJoinOutcome = JSON.stringify(await blockOnRt(rt, tryJoin(x, y)));
    } catch (error) {
      tryJoinOutcome = `error: ${error instanceof Error ? error.message : String(error)}`;
    }
    // The book's try_join!: the same two tasks again, one result per task.
    const x2 = rt.spawn(new Blocker("x (3 s)", 3 * SECOND), { name: "x again" });
    const y2 = rt.spawn(failing, { name: "y again" });
    const settled = await blockOnRt(rt, join(new SettleFuture(x2), new SettleFuture(y2)));
    return result(
      [
        {
          kind: "text",
          title: `results${virtual(opts)}`,
          lines: [
            `completion order: ${finished
              .sort((p, q) => p.t - q.t)
              .map((f) => `${f.label} at ${bookSeconds(f.t, SECOND).toFixed(1)} s`)
              .join(", ")}`,
            `join(a, b, c) → ${JSON.stringify(joined)}`,
            `tryJoin(x, y) → ${tryJoinOutcome}   (ours: the first error; the other ` +
              `handle is let go and its task runs on, as tokio drops it)`,
            `join(settle(x), settle(y)) → [${settled.map(show).join(", ")}]   (the ` +
              `book's try_join!: one result per task)`,
          ],
        },
        timeline(rt, "three tasks on three loops, then x and the failing y"),
        {
          kind: "notice",
          lines: [
            "join returns values in argument order, whatever order the tasks finished in.",
            settledNotice(settled),
          ],
        },
      ],
      rt,
    );
  },
};

/** The E3.7 line about the two try-joins, from what each returned. */
export function settledNotice(settled: readonly Settled<unknown>[]): string {
  const ok = settled.filter((r) => r.ok).length;
  return (
    `The book's try_join! gives a Vec<Result>: here ${ok} Ok and ` +
    `${settled.length - ok} Err, every task awaited to its end. ` +
    ("Our tryJoin is tokio's try_join!: it returns the first error and drops " +
      "the rest — a plain future is cancelled, a task behind a JoinHandle " +
      "runs on.")
  );
}
