/**
 * Compiled against the PACKED package, in a consumer project with ordinary settings
 * (strict, module/moduleResolution nodenext, target es2022 and its default lib,
 * @types/node) — see test/pack.test.ts. No vitest here: production dependencies only,
 * so the checks are plain type-level equalities that fail compilation when wrong.
 */
import {
  ActorSystem,
  blockOn,
  co,
  join,
  ready,
  select,
  sleep,
  spawn,
  timeout,
  tryJoin,
  type Co,
  type JoinHandle,
} from "async-lab";
import { TimerHeap } from "async-lab/internals";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

function* slowOne(): Co<number> {
  yield* sleep(1);
  return 1;
}
function* slowTwo(): Co<string> {
  yield* sleep(1);
  return "two";
}

// The reproduction: TS18046 (`x` is unknown) without esnext.disposable in lib.
const main = co(function* () {
  const [x, y] = yield* join(spawn(slowOne()), spawn(slowTwo()));
  assertType<Equal<typeof x, number>>();
  assertType<Equal<typeof y, string>>();
  const handle: JoinHandle<number> = spawn(ready(42));
  const v = yield* handle;
  assertType<Equal<typeof v, number>>();
  const both = yield* tryJoin(ready(true), ready(1n));
  assertType<Equal<typeof both, [boolean, bigint]>>();
  const first = yield* select(sleep(5), ready("now"));
  assertType<Equal<typeof first, { index: 0; value: void } | { index: 1; value: string }>>();
  const t = yield* timeout(ready(3), 10);
  assertType<Equal<typeof t, number>>();
  return { n: x + 1 };
});
void blockOn(main).then((r) => r.n.toFixed(0));
assertType<Equal<Awaited<ReturnType<typeof blockOn<{ n: number }>>>, { n: number }>>();

const system = new ActorSystem();
const ref = system.spawn<"get", number>(() => ({ handle: () => 7 }));
void ref.ask("get").then((reply) => {
  assertType<Equal<typeof reply, number>>();
});
co(function* () {
  const reply = yield* ref.ask("get");
  assertType<Equal<typeof reply, number>>();
});
void TimerHeap;
