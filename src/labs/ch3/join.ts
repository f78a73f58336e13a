/**
 * E3.7 join and try-join: results in argument order; the first error wins.
 */
import { PENDING, Runtime, block, join, tryJoin, type Future } from "../../index.js";
import type { Experiment } from "../types.js";
import { bookSecond, build, blockOnRt, timeline, bookSeconds, result } from "./harness.js";
import { Blocker } from "./book-futures.js";

export const joinExperiment: Experiment = {
  id: "join",
  book: "E3.7",
  title: "join and tryJoin: results in argument order",
  summary: "three tasks finishing out of order; tryJoin with one failure",
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
    const failing: Future<string> = { poll: () => { block(SECOND); throw new Error("y failed"); } };
    const x = rt.spawn(new Blocker("x (3 s)", 3 * SECOND), { name: "x" });
    const y = rt.spawn(failing, { name: "y" });
    let tryJoinOutcome: string;
    try {
      tryJoinOutcome = JSON.stringify(await blockOnRt(rt, tryJoin(x, y)));
    } catch (error) {
      tryJoinOutcome = `error: ${error instanceof Error ? error.message : String(error)}`;
    }
    return result(
      [
        { kind: "text", title: "results", lines: [`completion order: ${finished.sort((p, q) => p.t - q.t).map((f) => `${f.label} at ${bookSeconds(f.t, SECOND).toFixed(1)} s`).join(", ")}`, `join(a, b, c) → ${JSON.stringify(joined)}`, `tryJoin(x, y) → ${tryJoinOutcome}`] },
        timeline(rt, "three tasks on three loops, then x and the failing y"),
        {
          kind: "notice",
          lines: [
            "join returns values in argument order, whatever order the tasks finished in.",
            "The book's try_join! returns a Vec<Result>; our tryJoin stops at the first error and cancels the rest (its JoinHandles' futures).",
          ],
        },
      ],
      rt,
    );
  },
};
