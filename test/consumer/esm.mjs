// ESM consumer of the packed package: the user API and the internals subpath.
import { blockOn, co, join, ready, sleep } from "async-lab";
import { TimerHeap } from "async-lab/internals";

const out = await blockOn(
  co(function* () {
    yield* sleep(5);
    return yield* join(ready(1), ready("esm"));
  }),
);
console.log(JSON.stringify(out), typeof TimerHeap);
