/**
 * The book's kitchen (E2.1, E2.2): making a coffee mug, coffee and toast as generator
 * futures. "Blocking" steps use `blockingSleep` (the book's `std::thread::sleep`: the
 * whole thread stops, so no other task runs); "async" steps use `sleep` (the task
 * returns PENDING and a timer wakes it, so other tasks run meanwhile).
 *
 * Invariant: every step is announced through `Kitchen.say` at the moment it starts or
 * ends, so the printout's order is the order the steps really ran in.
 */
import { blockingSleep, co, join, LiveRuntime, sleep, type Co } from "../../index.js";

import { bookClock } from "../book-time.js";
import type { LabOptions } from "../types.js";

export interface Kitchen {
  ms: (bookSeconds: number) => number;
  say: (line: string) => void;
}

export function* prepCoffeeMug(k: Kitchen, yieldFirst: boolean): Co<void> {
  // The book's fix: one early await lets the other futures start their timers.
  if (yieldFirst) yield* sleep(k.ms(0.1));
  k.say("Pouring milk...");
  blockingSleep(k.ms(3));
  k.say("Milk poured.");
  k.say("Putting instant coffee...");
  blockingSleep(k.ms(3));
  k.say("Instant coffee put.");
}

export function* makeCoffee(k: Kitchen): Co<void> {
  k.say("boiling kettle...");
  yield* sleep(k.ms(10));
  k.say("kettle boiled.");
  k.say("pouring boiled water...");
  blockingSleep(k.ms(3));
  k.say("boiled water poured.");
}

export function* makeToast(k: Kitchen): Co<void> {
  k.say("putting bread in toaster...");
  yield* sleep(k.ms(10));
  k.say("bread toasted.");
  k.say("buttering toasted bread...");
  blockingSleep(k.ms(5));
  k.say("toasted bread buttered.");
}

export function* breakfastSequential(k: Kitchen): Co<void> {
  yield* prepCoffeeMug(k, false);
  yield* makeCoffee(k);
  yield* makeToast(k);
}

export function* breakfastJoined(k: Kitchen, yieldFirst: boolean): Co<void> {
  yield* join(co(prepCoffeeMug, k, yieldFirst), co(makeCoffee, k), co(makeToast, k));
}

export async function runKitchen(opts: LabOptions, body: (k: Kitchen) => Co<void>): Promise<{ seconds: number; lines: string[] }> {
  const clock = bookClock(opts);
  const lines: string[] = [];
  const k: Kitchen = { ms: clock.ms, say: (line) => lines.push(`[${clock.bookSeconds().toFixed(1).padStart(5)} s] ${line}`) };
  await new LiveRuntime().blockOn(body(k));
  return { seconds: clock.bookSeconds(), lines };
}
