/**
 * E5.5 / E5.6 three sleep coroutines: a round-robin executor, then the `asFuture`
 * adapter on our runtime — three sleeps overlap into one.
 */
import { asFuture, joinAll, LiveRuntime } from "../../index.js";
import { runRoundRobin, SleepCoroutine } from "./coroutines.js";

import type { ExperimentResult, LabOptions } from "../types.js";
import { bookMs } from "../book-time.js";

export async function sleepCoroutines(opts: LabOptions): Promise<ExperimentResult> {
  const second = bookMs(opts, 1);
  const now = () => performance.now();
  const passes: string[] = [];
  let t = now();
  const resumes = runRoundRobin(
    [0, 1, 2].map(() => new SleepCoroutine(second, now)),
    (n) => {
      if (passes.length < 3) passes.push(`Polling ${n} coroutines`);
    },
  );
  const tookRoundRobin = now() - t;
  // The same coroutines as futures through the adapter, on our executor.
  const rt = new LiveRuntime();
  t = now();
  await rt.blockOn(joinAll([0, 1, 2].map(() => asFuture(new SleepCoroutine(second, now)))));
  const tookAdapter = now() - t;
  return {
    blocks: [
      {
        kind: "text",
        title: "hand-written executor",
        lines: [...passes, "…", `Took ${tookRoundRobin.toFixed(1)} ms (${resumes.toLocaleString("en")} resumes)`],
      },
      {
        kind: "table",
        title: `three sleep coroutines of "1 s" = ${second} ms (time scale ${opts.timeScale})`,
        columns: [
          { header: "driven by" },
          { header: "took", unit: "ms", digits: 1 },
          { header: "÷ one sleep", unit: "×", digits: 2 },
        ],
        rows: [
          ["round-robin queue (the book's first executor)", tookRoundRobin, tookRoundRobin / second],
          [
            "asFuture adapter + joinAll on LiveRuntime (the book's Figure 5-2: a coroutine as an async adapter)",
            tookAdapter,
            tookAdapter / second,
          ],
        ],
      },
      {
        kind: "book",
        rows: [
          {
            label: "3 × 1 s SleepCoroutine",
            book: "about one second",
            ours: `${(tookRoundRobin / second).toFixed(2)} × one sleep`,
          },
        ],
      },
      { kind: "notice", lines: [sleepOverlapNotice(tookRoundRobin / second, resumes)] },
    ],
  };
}

/** The E5.5 line, from the round-robin run's time in single sleeps and its resume count. */
export function sleepOverlapNotice(sleeps: number, resumes: number): string {
  return sleeps < 1.5
    ? `The sleeps overlapped: three took ${sleeps.toFixed(2)} × one sleep's ` +
        `time, because each resume only checks the clock and yields — at the ` +
        `price of ${resumes.toLocaleString("en")} busy resumes.`
    : `Three sleeps took ${sleeps.toFixed(2)} × one sleep's time here, not ` +
        `about one: the machine was too busy to show the overlap ` +
        `(${resumes.toLocaleString("en")} resumes).`;
}
