/** E9.5: retry with exponential backoff, on a virtual clock (the book's 15 s of retries take milliseconds). */
import { VirtualRuntime, retry, seededRandom } from "../../index.js";
import type { ExperimentResult, LabOptions } from "../types.js";
import { fail } from "./fail.js";

export async function retryExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const jitter = typeof opts.extra.jitter === "string" ? Number(opts.extra.jitter) : 0;
  const rt = new VirtualRuntime();
  const lines: string[] = [];
  const rows: (number | string)[][] = [];
  let last = 0;
  const h = rt.spawn(
    retry(
      () => {
        rows.push([rows.length + 1, rt.now(), rt.now() - last]);
        last = rt.now();
        return fail("Error");
      },
      {
        jitter,
        rng: seededRandom(opts.seed),
        onError: (e) => lines.push(`Error: ${(e as Error).message}`),
      },
    ),
  );
  try {
    rt.runToCompletion(h);
  } catch (e) {
    lines.push(`Outcome: Err("${(e as Error).message}")`);
  }
  return {
    blocks: [
      { kind: "text", title: "retry: 5 attempts, 1000 ms doubling (virtual)", lines },
      {
        kind: "table",
        title: "attempts (virtual)",
        columns: [
          { header: "attempt" },
          { header: "at (virtual)", unit: "ms", digits: 0 },
          { header: "waited (virtual)", unit: "ms", digits: 0 },
        ],
        rows,
      },
      {
        kind: "book",
        rows: [
          {
            label: "total waiting",
            book: "≈15 s (1+2+4+8)",
            ours: `${(rt.now() / 1000).toFixed(1)} s virtual${jitter > 0 ? ` (jitter ±${jitter * 100}%)` : ""}`,
          },
        ],
      },
    ],
  };
}
