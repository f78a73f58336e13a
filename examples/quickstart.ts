/**
 * The README's library quick start, compiled and run by `npm test`
 * (test/examples.test.ts): futures and coroutines, then an actor.
 *
 * Run it: npx tsx examples/quickstart.ts
 */
import { ActorSystem, blockOn, burn, co, join, select, sleep, spawn, timeout, TimeoutError, type Co } from "async-lab";

// A coroutine is a generator: `yield*` awaits any future and is typed.
function* brew(name: string, ms: number): Co<string> {
  yield* sleep(ms);
  return `${name} ready after ${ms} ms`;
}

const main = co(function* () {
  // spawn: runs concurrently; the JoinHandle is itself a future.
  const tea = spawn(brew("tea", 30));
  const toast = spawn(brew("toast", 20));
  // join: all of them, results in argument order, typed [string, string].
  const [a, b] = yield* join(tea, toast);

  // select: the first to finish; the others are cancelled (their `finally` blocks run).
  // It returns { index, value }: which argument won, and its value.
  const first = yield* select(sleep(50), spawn(brew("coffee", 10)));
  const winner = first.index === 1 ? first.value : "the timer";

  // timeout: the inner future, or a TimeoutError after `ms`.
  let late = "";
  try {
    yield* timeout(sleep(1_000), 10);
  } catch (error) {
    if (error instanceof TimeoutError) late = "timed out, as asked";
  }

  // burn(ms) is a plain call, not a future: it declares CPU work. Under the sim driver it
  // adds virtual time; here (no sim) it really computes for that long.
  burn(1);
  return { lines: [a, b, winner, late] };
});

const { lines } = await blockOn(main);
for (const line of lines) console.log(line);

// An actor owns its state; messages are handled one at a time.
type Msg = { add: number } | "total" | "boom";
const system = new ActorSystem({ supervision: { directive: "restart", maxRestarts: 3 } });
const counter = system.spawn<Msg, number>(() => {
  let total = 0; // a restart makes a fresh actor from this factory: state starts again at 0
  return {
    handle(msg) {
      if (msg === "boom") throw new Error("boom");
      if (msg === "total") return total;
      total += msg.add;
      return total;
    },
  };
});
counter.tell({ add: 2 }); // fire and forget
counter.tell({ add: 3 });
const total: number = await counter.ask("total"); // request and reply, typed by the actor
console.log(`total ${total}`);
counter.tell("boom"); // the handler throws: supervision restarts the actor
console.log(`after restart ${await counter.ask("total")}`);
counter.stop(); // finish what is queued, then end
const exit = await counter.join();
console.log(`ended: ${exit.kind}`);
