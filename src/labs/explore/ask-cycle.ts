/**
 * Bug 4: an ask cycle between two actors. An actor handles one message at a time, so
 * an actor awaiting an `ask` answers nobody until the reply comes. `a` handles
 * "start" by asking `b`; `b` handles "start" by asking `a`. If both are inside their
 * "start" handlers at once, each waits for the other: a deadlock — and one that only
 * shows when the two clients' requests overlap.
 *
 * The explorer's deadlock check is the detector here: the run ends with actors
 * waiting, nothing runnable and no timer pending. (The actor library has no `ask`
 * deadlock error of its own yet; when it does, this program shows it as a throw.)
 * The fix keeps asks in one direction: `b` tells `a` instead of asking it.
 */
import { ActorSystem, co, sleep, type ActorRef, type ExploreProgram } from "../../index.js";
import type { BugCase } from "./bug-case.js";

type Msg = "start" | "inner";

function program(bAsksBack: boolean): ExploreProgram {
  return (rt) => {
    const system = new ActorSystem({ runtime: rt });
    // The refs are filled in before any handler runs (spawning only queues the actors).
    const refs: { a?: ActorRef<Msg, string>; b?: ActorRef<Msg, string> } = {};
    refs.a = system.spawn<Msg, string>(
      () => ({
        *handle(msg: Msg) {
          if (msg === "inner") return "a-inner";
          return `a+${yield* refs.b!.ask("inner", Infinity)}`;
        },
      }),
      { name: "a" },
    );
    refs.b = system.spawn<Msg, string>(
      () => ({
        *handle(msg: Msg) {
          if (msg === "inner") return "b-inner";
          if (!bAsksBack) {
            refs.a!.tell("inner");
            return "b+told";
          }
          return `b+${yield* refs.a!.ask("inner", Infinity)}`;
        },
      }),
      { name: "b" },
    );
    const first = rt.spawn(
      co(function* () {
        return yield* refs.a!.ask("start", Infinity);
      }),
      { name: "client-1" },
    );
    const second = rt.spawn(
      co(function* () {
        yield* sleep(1);
        return yield* refs.b!.ask("start", Infinity);
      }),
      { name: "client-2" },
    );
    return co(function* () {
      const replies = [yield* first, yield* second];
      if (replies[0] !== "a+b-inner") throw new Error(`client-1 got ${replies[0]}`);
      refs.a!.stop();
      refs.b!.stop();
      yield* refs.a!.join();
      yield* refs.b!.join();
    });
  };
}

export const askCycle: BugCase = {
  id: "ask-cycle",
  title: "an ask cycle between two actors",
  summary: "a asks b while b asks a: both wait forever when the requests overlap (fixed: asks go one way, b tells a)",
  depth: 2,
  buggy: program(true),
  fixed: program(false),
  notice: [
    "Deadlock, found exactly: the run ends with tasks waiting, nothing runnable and no timer pending.",
    "Without preemption the first request is answered before the second is asked; the deadlock needs them to overlap.",
  ],
};
