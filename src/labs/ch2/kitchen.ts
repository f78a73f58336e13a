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

/** Which of the three futures a step belongs to (a row of the E2.1 timeline). */
export type Dish = "mug" | "coffee" | "toast";

/** A step as it ran: which future, blocking the thread or waiting on a timer, from/to in book seconds. */
export interface Step {
  dish: Dish;
  kind: "blocking" | "waiting";
  from: number;
  to: number;
}

export interface Kitchen {
  ms: (bookSeconds: number) => number;
  say: (line: string) => void;
  /** Record a step that ran from `from` (book seconds) until now. */
  step: (dish: Dish, kind: Step["kind"], from: number) => void;
  now: () => number;
}

/** `std::thread::sleep` for `seconds` book seconds: the whole thread stops. */
function block(k: Kitchen, dish: Dish, seconds: number): void {
  const from = k.now();
  blockingSleep(k.ms(seconds));
  k.step(dish, "blocking", from);
}

/** `tokio::time::sleep(..).await`: the future returns PENDING and a timer wakes it. */
function* wait(k: Kitchen, dish: Dish, seconds: number): Co<void> {
  const from = k.now();
  yield* sleep(k.ms(seconds));
  k.step(dish, "waiting", from);
}

export function* prepCoffeeMug(k: Kitchen, yieldFirst: boolean): Co<void> {
  // The book's fix: one early await lets the other futures start their timers.
  if (yieldFirst) yield* wait(k, "mug", 0.1);
  k.say("Pouring milk...");
  block(k, "mug", 3);
  k.say("Milk poured.");
  k.say("Putting instant coffee...");
  block(k, "mug", 3);
  k.say("Instant coffee put.");
}

export function* makeCoffee(k: Kitchen): Co<void> {
  k.say("boiling kettle...");
  yield* wait(k, "coffee", 10);
  k.say("kettle boiled.");
  k.say("pouring boiled water...");
  block(k, "coffee", 3);
  k.say("boiled water poured.");
}

export function* makeToast(k: Kitchen): Co<void> {
  k.say("putting bread in toaster...");
  yield* wait(k, "toast", 10);
  k.say("bread toasted.");
  k.say("buttering toasted bread...");
  block(k, "toast", 5);
  k.say("toasted bread buttered.");
}

export function* breakfastSequential(k: Kitchen): Co<void> {
  yield* prepCoffeeMug(k, false);
  yield* makeCoffee(k);
  yield* makeToast(k);
}

/** The book's `join!(mug, coffee, toast)`: our join polls its futures in argument order. */
export function* breakfastJoined(k: Kitchen, yieldFirst: boolean): Co<void> {
  yield* join(co(prepCoffeeMug, k, yieldFirst), co(makeCoffee, k), co(makeToast, k));
}

/** A kitchen on a fresh clock; `quiet` drops the printout (many people cooking at once). */
export function newKitchen(
  opts: LabOptions,
  quiet = false,
): { k: Kitchen; lines: string[]; steps: Step[]; clock: ReturnType<typeof bookClock> } {
  const clock = bookClock(opts);
  const lines: string[] = [];
  const steps: Step[] = [];
  const k: Kitchen = {
    ms: clock.ms,
    now: clock.bookSeconds,
    say: quiet ? () => {} : (line) => lines.push(`[${clock.bookSeconds().toFixed(1).padStart(5)} s] ${line}`),
    step: (dish, kind, from) => void steps.push({ dish, kind, from, to: clock.bookSeconds() }),
  };
  return { k, lines, steps, clock };
}

export interface KitchenRun {
  seconds: number;
  lines: string[];
  steps: Step[];
}

export async function runKitchen(opts: LabOptions, body: (k: Kitchen) => Co<void>): Promise<KitchenRun> {
  const { k, lines, steps, clock } = newKitchen(opts);
  await new LiveRuntime().blockOn(body(k));
  return { seconds: clock.bookSeconds(), lines, steps };
}
