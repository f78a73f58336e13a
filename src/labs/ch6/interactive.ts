/**
 * `lab ch6 heater --interactive`: the heater on the live runtime, drawn in the terminal.
 * The only place an experiment writes to process.stdout (see ch6.ts): a live screen
 * driven by keys cannot be returned as data. Keys arrive as callbacks (E6.3) from
 * raw-mode stdin: `+`/`-` move the desired temperature by 0.10 °C and redraw at once;
 * `q` (or Ctrl-C) stops the observers and restores the terminal.
 */
import { LiveRuntime } from "../../index.js";
import type { LabOptions } from "../types.js";
import { startHeater } from "./heater.js";
import { bookMs } from "../book-time.js";

/** How often the screen is redrawn without a key, in ms (the display observer's changes are picked up by this). */
const REDRAW_MS = 50;

export function runInteractiveHeater(opts: LabOptions): Promise<void> {
  const rt = new LiveRuntime();
  const run = startHeater(rt, "waker", { seed: opts.seed, heatStepMs: bookMs(opts, 3), lossEveryMs: bookMs(opts, 3) });
  const out = process.stdout;
  let input = "";
  const draw = (): void => {
    const s = run.subjects;
    out.write(
      `\x1b[2J\x1b[HTemperature: ${(s.temp.load() / 100).toFixed(2)}\nDesired ` +
        `Temp: ${(s.desired.load() / 100).toFixed(2)}\nHeater On: ` +
        `${s.heatOn.load() === 1}\nInput: ${input}\n(+/- desired, q quits)\n`,
    );
  };
  return new Promise<void>((resolve) => {
    const stdin = process.stdin;
    const timer = setInterval(draw, REDRAW_MS);
    const finish = (): void => {
      clearInterval(timer);
      stdin.off("data", onData);
      opts.signal.removeEventListener("abort", finish);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      run.stop();
      out.write("\n");
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      for (const key of chunk.toString("utf8")) {
        if (key === "q") return finish();
        // Raw mode turns Ctrl-C into a byte: raise the signal it would have been, so the CLI
        // stops this run the way it stops every other (opts.signal aborts → finish, exit 130).
        if (key === "\x03") return void process.kill(process.pid, "SIGINT");
        if (key === "+") run.subjects.desired.add(10);
        else if (key === "-") run.subjects.desired.sub(10);
        else continue;
        input += key;
        draw();
      }
    };
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
    opts.signal.addEventListener("abort", finish);
    draw();
  });
}
