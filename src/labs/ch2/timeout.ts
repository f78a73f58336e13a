/**
 * E2.5 timeout: a race between a slow future and a timer; the loser is cancelled.
 */
import { co, LiveRuntime, sleep, timeout, TimeoutError, type Co } from "../../index.js";

import { bookClock } from "../book-time.js";
import type { Experiment } from "../types.js";

function* slowTask(ms: number): Co<string> {
  yield* sleep(ms);
  return "Slow Task Completed";
}

export const timeoutExperiment: Experiment = {
  id: "timeout",
  book: "E2.5",
  title: "Timeout around a slow task",
  summary: "a 10 s task raced against a 3 s timer; the loser is cancelled",
  async run(opts) {
    const clock = bookClock(opts);
    let outcome: string;
    try {
      outcome = await new LiveRuntime().blockOn(timeout(co(slowTask, clock.ms(10)), clock.ms(3)));
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      outcome = "Task timed out";
    }
    const took = clock.bookSeconds();
    return {
      blocks: [
        {
          kind: "book",
          rows: [
            { label: "outcome", book: "Task timed out", ours: outcome },
            {
              label: "time until the outcome",
              book: "3 s",
              ours: `${took.toFixed(2)} book-seconds (${clock.ms(took).toFixed(1)} ms)`,
            },
          ],
        },
        {
          kind: "notice",
          lines: [
            "The slow task is cancelled, not left running: its timer is unregistered and the process can exit at once.",
          ],
        },
      ],
    };
  },
};
