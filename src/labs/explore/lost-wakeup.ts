/**
 * Bug 3: a lost wake-up. The waker contract says: a future that returns PENDING has
 * arranged to be woken. `CheckThenRegister` checks its condition, then (one await
 * later — it stands for anything that suspends between the two) registers its waker.
 * If the producer sets the flag in that gap, it finds no waker to wake; the consumer
 * registers afterwards and sleeps forever: a deadlock, with the flag set.
 * `RegisterThenCheck` registers first and checks after, so a set that comes at any
 * moment either sees the waker or is seen by the check.
 */
import {
  BaseFuture,
  PENDING,
  co,
  yieldNow,
  type Context,
  type ExploreProgram,
  type Poll,
  type Waker,
} from "../../index.js";
import type { BugCase } from "./bug-case.js";

class Flag {
  set = false;
  waker: Waker | null = null;
  raise(): void {
    this.set = true;
    const w = this.waker;
    this.waker = null;
    w?.wake();
  }
}

class CheckThenRegister extends BaseFuture<void> {
  private step = 0;
  constructor(private readonly flag: Flag) {
    super();
  }
  poll(cx: Context): Poll<void> {
    if (this.flag.set && this.step !== 1) return undefined;
    if (this.step === 0) {
      // Checked: not set. Suspend once before registering (the gap).
      this.step = 1;
      cx.waker.wake();
      return PENDING;
    }
    this.step = 2;
    this.flag.waker = cx.waker; // registers without checking again
    return PENDING;
  }
}

class RegisterThenCheck extends BaseFuture<void> {
  private step = 0;
  constructor(private readonly flag: Flag) {
    super();
  }
  poll(cx: Context): Poll<void> {
    if (this.step === 0) {
      this.step = 1;
      cx.waker.wake();
      return PENDING;
    }
    this.flag.waker = cx.waker; // register first …
    if (this.flag.set) return undefined; // … then check: a raise before this line is seen here
    return PENDING;
  }
}

function program(wait: (flag: Flag) => BaseFuture<void>): ExploreProgram {
  return (rt) => {
    const flag = new Flag();
    rt.spawn(
      co(function* () {
        yield* wait(flag);
      }),
      { name: "consumer" },
    );
    rt.spawn(
      co(function* () {
        yield* yieldNow();
        flag.raise();
      }),
      { name: "producer" },
    );
  };
}

export const lostWakeup: BugCase = {
  id: "lost-wakeup",
  title: "a lost wake-up: check, then register the waker",
  summary:
    "a future checks its condition and registers its waker one await later: " +
    "a raise in between is lost (fixed: register, then check)",
  depth: 2,
  buggy: program((flag) => new CheckThenRegister(flag)),
  fixed: program((flag) => new RegisterThenCheck(flag)),
  notice: [
    "The failure is a deadlock, not a throw: the run ends with the consumer " +
      "waiting, nothing runnable and no timer pending — in the sim that is " +
      "exact.",
    "This is the order every waiter in this library keeps (waiter-list.ts): register, then check.",
  ],
};
