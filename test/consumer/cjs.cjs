// CommonJS consumer of the packed package: `require` resolves the "require" condition.
const { blockOn, co, join, ready, sleep } = require("async-lab");
const { TimerHeap } = require("async-lab/internals");

blockOn(
  co(function* () {
    yield* sleep(5);
    return yield* join(ready(2), ready("cjs"));
  }),
).then((out) => console.log(JSON.stringify(out), typeof TimerHeap));
