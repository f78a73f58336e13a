/**
 * Type tests for the public API: what each combinator infers, checked by the compiler
 * (`npm run typecheck` compiles this file with tsconfig.test.json; a wrong type fails
 * the build). The same questions are asked of the *packed* package, from a consumer
 * project with ordinary settings, in test/consumer/types.ts (run by test/pack.test.ts).
 */
import { expectTypeOf } from "vitest";
import {
  ActorSystem,
  blockOn,
  co,
  join,
  joinAll,
  map,
  ready,
  select,
  sleep,
  spawn,
  timeout,
  tryJoin,
  tryJoinAll,
  yieldNow,
  fromPromise,
  oneshot,
  Mutex,
  type ActorExit,
  type ActorRef,
  type Co,
  type Future,
  type JoinHandle,
  type MutexGuard,
} from "../../src/index.js";

function* slowOne(): Co<number> {
  yield* sleep(1);
  return 1;
}
function* slowTwo(): Co<string> {
  yield* sleep(1);
  return "two";
}

// spawn: a coroutine, a leaf future, a co() future.
expectTypeOf(spawn(slowOne())).toEqualTypeOf<JoinHandle<number>>();
expectTypeOf(spawn(ready(42))).toEqualTypeOf<JoinHandle<number>>();
expectTypeOf(spawn(co(slowTwo))).toEqualTypeOf<JoinHandle<string>>();

// blockOn: a promise of the value.
expectTypeOf(blockOn(join(ready(1), ready("a")))).toEqualTypeOf<Promise<[number, string]>>();
expectTypeOf(blockOn(slowOne())).toEqualTypeOf<Promise<number>>();

// The TS18046 reproduction (issue 13): destructured join results inside co() are typed.
const main = co(function* () {
  const [x, y] = yield* join(spawn(slowOne()), spawn(slowTwo()));
  expectTypeOf(x).toEqualTypeOf<number>();
  expectTypeOf(y).toEqualTypeOf<string>();
  return { n: x + 1, s: y };
});
expectTypeOf(blockOn(main)).resolves.toEqualTypeOf<{ n: number; s: string }>();

// JoinHandle<T> awaited with yield*; tryJoin, the all-or-first-error join; the *All forms.
co(function* () {
  const handle = spawn(slowOne());
  const v = yield* handle;
  expectTypeOf(v).toEqualTypeOf<number>();
  const pair = yield* tryJoin(ready(true), spawn(slowTwo()));
  expectTypeOf(pair).toEqualTypeOf<[boolean, string]>();
  expectTypeOf(yield* joinAll([ready(1), ready(2)])).toEqualTypeOf<number[]>();
  expectTypeOf(yield* tryJoinAll([ready("a")])).toEqualTypeOf<string[]>();
  // select: { index, value } — which argument won, and its value, per argument.
  const first = yield* select(ready(1), ready("x"));
  expectTypeOf(first).toEqualTypeOf<{ index: 0; value: number } | { index: 1; value: string }>();
  if (first.index === 1) expectTypeOf(first.value).toEqualTypeOf<string>();
  // timeout keeps the inner type.
  expectTypeOf(yield* timeout(ready(3n), 10)).toEqualTypeOf<bigint>();
  expectTypeOf(yield* map(ready(2), (n) => `${n}`)).toEqualTypeOf<string>();
  expectTypeOf(yield* yieldNow()).toEqualTypeOf<void>();
  expectTypeOf(yield* fromPromise(Promise.resolve(new Date()))).toEqualTypeOf<Date>();
  const guard = yield* new Mutex(0).lock();
  expectTypeOf(guard).toEqualTypeOf<MutexGuard<number>>();
});

// oneshot: the receiver is a future of the sent type.
const [tx, rx] = oneshot<number>();
expectTypeOf(tx.send).parameter(0).toEqualTypeOf<number>();
expectTypeOf(rx).toMatchTypeOf<Future<number>>();

// Actors: ask replies typed by the actor's R; join() says how it ended.
const system = new ActorSystem();
const ref = system.spawn<{ add: number } | "total", number>(() => ({
  handle: (m) => (m === "total" ? 0 : m.add),
}));
expectTypeOf(ref).toEqualTypeOf<ActorRef<{ add: number } | "total", number>>();
expectTypeOf(ref.tell).parameter(0).toEqualTypeOf<{ add: number } | "total">();
expectTypeOf(ref.ask("total")).toMatchTypeOf<PromiseLike<number>>();
expectTypeOf(ref.ask("total")).toMatchTypeOf<Future<number>>();
co(function* () {
  const reply = yield* ref.ask("total");
  expectTypeOf(reply).toEqualTypeOf<number>();
});
expectTypeOf(ref.join()).toEqualTypeOf<JoinHandle<ActorExit>>();
