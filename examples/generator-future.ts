/**
 * The example atop src/futures/generator-future.ts, compiled and run by `npm test`.
 */
import { blockOn, co, map, select, sleep } from "async-lab";

const task = co(function* () {
  const a = yield* map(sleep(10), () => 1); // any future awaits with yield*
  try {
    yield* sleep(1_000);
  } finally {
    console.log("cancelled → finally runs");
  }
  return a;
});

// Race it against a short sleep: the task loses, is cancelled, and its finally runs.
const outcome = await blockOn(select(task, sleep(20)));
console.log(`winner: ${outcome.index === 0 ? "task" : "the 20 ms sleep"}`);
