/**
 * E5.9 coroutines handed to a worker thread. A JS generator is a suspended stack frame
 * that structured clone cannot copy, so the state (seed + resumes so far) is posted and
 * `rand-worker.ts` rebuilds an equivalent generator on the other side.
 */
import { startModuleWorker, siblingModule, seededRandom } from "../../index.js";
import { randCoroutine } from "./rand-coroutine.js";
import { bookMs } from "../book-time.js";
import type { ExperimentResult, LabOptions } from "../types.js";

export async function toWorker(opts: LabOptions): Promise<ExperimentResult> {
  const lines: string[] = [];
  const gen = randCoroutine(seededRandom(opts.seed));
  try {
    structuredClone(gen);
    lines.push("structuredClone(generator) worked (unexpected)");
  } catch (error) {
    lines.push(`postMessage(generator) → ${(error as Error).name}: ${(error as Error).message}`);
  }
  const worker = startModuleWorker(siblingModule(import.meta.url, "rand-worker"), undefined);
  const rows: (string | number | boolean)[][] = [];
  try {
    for (const id of [1, 2]) {
      const seed = opts.seed * 100 + id;
      const local = randCoroutine(seededRandom(seed));
      const resumedHere = 2;
      for (let i = 0; i < resumedHere; i++) local.next();
      const expected = local.next().value;
      const reply = await new Promise<{ id: number; value: number }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.postMessage({ id, seed, resumed: resumedHere });
      });
      lines.push(`Coroutine yielded: ${reply.value}`);
      rows.push([id, resumedHere, reply.value, expected, reply.value === expected]);
      await new Promise((r) => setTimeout(r, bookMs(opts, 1)));
    }
  } finally {
    await worker.terminate();
  }
  return {
    blocks: [
      { kind: "text", title: "worker thread", lines },
      {
        kind: "table",
        title: "state sent, coroutine rebuilt in the worker, resumed once",
        columns: [
          { header: "coroutine" },
          { header: "resumes before sending" },
          { header: "worker's value" },
          { header: "main's next value" },
          { header: "same" },
        ],
        rows,
      },
      {
        kind: "notice",
        lines: [
          "Rust moves a coroutine (a state machine struct) to another thread; a " +
            "JS generator is a suspended stack frame that structured clone cannot " +
            "copy.",
          "So the state is sent (seed + resumes so far) and the worker rebuilds " +
            "an equivalent generator — same next value as the original would give.",
        ],
      },
    ],
  };
}
