/**
 * E3.9 a background process that runs for the whole program, detached.
 */
import { Runtime } from "../../index.js";
import type { Experiment } from "../types.js";
import { type Rt, bookSecond, build, runOn, Printout, timeline, bookSeconds, result, virtual } from "./harness.js";
import { Blocker, BackgroundProcess } from "./book-futures.js";

export const background: Experiment = {
  usesDriver: true,
  recordsTrace: true,
  id: "background",
  book: "E3.9",
  title: "A background process for the whole program, detached",
  summary: "a forever-pending task keeps firing beside the main work; cancelling its handle stops it",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const runFor = 6 * SECOND;
    const rows: (string | number)[][] = [];
    let shown: Rt | null = null;
    let shownOut: Printout | null = null;
    for (const variant of ["detach()", "cancel() at 2.5 s"]) {
      const out = new Printout(SECOND);
      const rt = build(new Runtime().withHighNum(1).withLowNum(1).withSeed(opts.seed).withTrace(), opts);
      out.runtime = rt;
      const bg = new BackgroundProcess(out);
      const handle = rt.spawn(bg, { name: "background" });
      if (variant === "detach()") handle.detach();
      else rt.at(2.5 * SECOND, () => handle.cancel());
      rt.spawn(new Blocker("main work", SECOND, 4), { name: "main-work", priority: "high" });
      const r = await runOn(rt, runFor);
      rows.push([variant, bg.firings, handle.finished ? "ended" : "still running", r.ended]);
      // The program ends here; a detached task would keep a live driver busy forever.
      handle.cancel();
      if (shown === null) {
        shown = rt;
        shownOut = out;
      }
    }
    return result(
      [
        { kind: "text", title: `printout, detach()${virtual(opts)}`, lines: shownOut!.render() },
        {
          kind: "table",
          title: `run for ${bookSeconds(runFor, SECOND)} book-seconds`,
          columns: [
            { header: "variant" },
            { header: "firings" },
            { header: "background task" },
            { header: "tasks ended" },
          ],
          rows,
        },
        timeline(shown!, "the background process beside the main work"),
        {
          kind: "notice",
          lines: [
            "The background future is always Pending and wakes itself: it runs for as long as the program does.",
            "Rust cancels a task when its handle is dropped; JavaScript has no " +
              "drop, so detach() keeps it running and cancel() stops it explicitly.",
          ],
        },
      ],
      shown!,
    );
  },
};
