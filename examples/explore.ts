/**
 * The README's "Exploring schedules" snippet: a lost update across an await, found by
 * the pct strategy, shrunk, and replayed — compiled and run by `npm test`.
 */
import { co, explore, replay, yieldNow, type ExploreProgram } from "async-lab";

const program: ExploreProgram = (rt, cx) => {   // build everything inside: every schedule runs it afresh
  let counter = 0;
  const inc = () => co(function* () { const v = counter; yield* yieldNow(); counter = v + 1; });
  const a = rt.spawn(inc(), { name: "a" }), b = rt.spawn(inc(), { name: "b" });
  cx.invariant(() => counter <= 2);              // checked after every poll
  return co(function* () { yield* a; yield* b; if (counter !== 2) throw new Error(`counter ${counter}`); });
};
const result = explore(program, { strategy: "pct", depth: 2, schedules: 1000, seed: 1 });
console.log(`failure: ${result.failure?.message}`);
console.log(`replay: ${result.failure?.replay}`);
const first = replay(program, "0.1");
const second = replay(program, "0.1");
console.log(`replay fails the same way: ${first.failure?.message}`);
console.log(`twice, the same interleaving: ${first.interleaving.join("\n") === second.interleaving.join("\n")}`);
