/**
 * E6.3: input by callbacks. With `--interactive` on a TTY the heater reads raw keys and
 * draws on process.stdout (an interactive screen cannot be returned as data); without a
 * TTY the scripted keys are replayed.
 */
import { VirtualRuntime } from "../../index.js";
import { startHeater } from "./heater.js";
import { VIRTUAL_BOOK_SECOND } from "../book-time.js";
import type { ExperimentResult, LabOptions } from "../types.js";

/** The scripted keys replayed without a TTY: two +, one -, one +, then q. */
export const SCRIPTED_KEYS = ["+", "+", "-", "+", "q"];

export async function callbacks(opts: LabOptions): Promise<ExperimentResult> {
  const lines: string[] = [];
  const performOperationWithCallback = (cb: (n: number) => void) => cb(42);
  performOperationWithCallback((n) => lines.push(`The result is: ${n}`));
  // Replay the keys as callbacks into a running simulated heater, 60 s apart.
  const rt = new VirtualRuntime({ pollCostMs: 0 });
  const run = startHeater(rt, "waker", { seed: opts.seed });
  let input = "";
  const rows: (string | number)[][] = [];
  const onKey = (key: string): boolean => {
    input += key;
    if (key === "+") run.subjects.desired.add(10);
    if (key === "-") run.subjects.desired.sub(10);
    lines.push(`Input: ${input}`);
    return key !== "q";
  };
  for (const key of SCRIPTED_KEYS) {
    rt.runUntil(rt.now() + 60 * VIRTUAL_BOOK_SECOND);
    const alive = onKey(key);
    rows.push([
      rt.now() / 1000,
      key,
      run.subjects.desired.load() / 100,
      run.subjects.temp.load() / 100,
      run.subjects.heatOn.load() === 1 ? "on" : "off",
    ]);
    if (!alive) break;
  }
  run.stop();
  return {
    blocks: [
      { kind: "text", title: "callbacks (E6.3)", lines },
      {
        kind: "table",
        title: "scripted keys into the heater (to type them yourself: lab ch6 heater --interactive, in a terminal)",
        columns: [
          { header: "t", unit: "s" },
          { header: "key" },
          { header: "desired", unit: "°C", digits: 2 },
          { header: "temp", unit: "°C", digits: 2 },
          { header: "heater" },
        ],
        rows,
      },
    ],
  };
}
