/**
 * `lab ch9` — design patterns: an isolated module with synchronous entry points (E9.1), waterfall (E9.2), decorator
 * (E9.3), state machine (E9.4),
 * retry with backoff (E9.5), circuit breaker (E9.6). Timed runs use a virtual clock
 * (`VirtualRuntime`): the book's 15 s of retries and the breaker sweep take
 * milliseconds and are the same on every run. E9.1 is the exception: its point is a
 * real thread blocking while a real runtime (in a worker) progresses, so it runs in
 * real time, scaled by --time-scale.
 */
import type { Chapter } from "../types.js";
import { isolatedExperiment } from "./isolated.js";
import { waterfallExperiment } from "./waterfall.js";
import { decoratorExperiment } from "./decorator.js";
import { stateMachineExperiment } from "./state-machine-lab.js";
import { retryExperiment } from "./retry-lab.js";
import { breakerExperiment } from "./breaker.js";

export { inFlightNotice } from "./isolated.js";
export { stateFutureNotice } from "./state-machine-lab.js";

export const ch9: Chapter = {
  id: "ch9",
  title: "Design patterns",
  options: [
    {
      flags: "--feature <name>",
      description: "E9.3: `logging` wraps the future in the logging decorator (the book's Cargo feature)",
    },
    { flags: "--jitter <fraction>", description: "E9.5: ± fraction of random jitter on each backoff wait (default 0)" },
  ],
  experiments: [
    {
      id: "isolated",
      book: "E9.1",
      title: "Isolated module with synchronous entry points",
      summary: "send_add/get_add over a private runtime in a worker; the caller blocks with Atomics.wait",
      run: isolatedExperiment,
    },
    {
      id: "waterfall",
      book: "E9.2",
      title: "Waterfall and branching",
      summary: "chain steps with `?`-style early exit; branch on a value",
      run: waterfallExperiment,
    },
    {
      id: "decorator",
      book: "E9.3",
      title: "Decorator: a logging future",
      summary: "wrap a future to log each poll: logging on beside the book's line, and off",
      run: decoratorExperiment,
    },
    {
      id: "state-machine",
      book: "E9.4",
      title: "On/off state machine",
      summary: "the book's transitions and printout; a StateFuture polling the On/Off futures, always Pending",
      run: stateMachineExperiment,
    },
    {
      id: "retry",
      book: "E9.5",
      title: "Retry with exponential backoff",
      summary: "5 attempts, 1000 ms doubling, optional jitter, virtual clock",
      run: retryExperiment,
    },
    {
      id: "breaker",
      book: "E9.6",
      title: "Circuit breaker",
      summary: "opens on the 3rd error; half-open, timed close; 0–90 % failure sweep",
      run: breakerExperiment,
    },
  ],
};
