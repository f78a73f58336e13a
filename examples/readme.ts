// The README's "The library in one page", verbatim (test/examples.test.ts checks it is).
import { ActorSystem, blockOn, burn, co, join, select, sleep, spawn, timeout, type Co } from "async-lab";

function* brew(name: string, ms: number): Co<string> {
  yield* sleep(ms);                        // `yield*` awaits any future, typed
  return `${name} ready after ${ms} ms`;
}

const main = co(function* () {
  const [a, b] = yield* join(spawn(brew("tea", 30)), spawn(brew("toast", 20))); // [string, string]
  const first = yield* select(sleep(50), spawn(brew("coffee", 10)));
  // select returns { index, value }: which argument finished first, and its value;
  // the others are cancelled (their `finally` blocks run).
  yield* timeout(sleep(5), 100);           // the inner value, or a TimeoutError
  burn(1);                                 // a plain call, not a future: declares 1 ms of CPU work
  return [a, b, first.index === 1 ? first.value : "the timer"];
});
console.log(await blockOn(main));

// An actor owns its state and handles one message at a time.
type Msg = { add: number } | "total" | "boom";
const system = new ActorSystem({ supervision: { directive: "restart", maxRestarts: 3 } });
const counter = system.spawn<Msg, number>(() => {
  let total = 0;
  return {
    handle(msg) {
      if (msg === "boom") throw new Error("boom"); // supervision restarts it (fresh state)
      if (msg === "total") return total;
      return (total += msg.add);
    },
  };
});
counter.tell({ add: 2 });                  // fire and forget
const total = await counter.ask("total");  // request/reply, typed number (also `yield*`-able)
counter.stop();                            // finish what is queued, then end
const exit = await counter.join();         // { kind: "completed", killed: false }
console.log(total, exit.kind);             // 2 completed
