/** E9.3: the decorator pattern — a future wrapped to log each poll (the book's `logging` Cargo feature). */
import { VirtualRuntime, co, sleep, withLogging, type Co } from "../../index.js";
import type { ExperimentResult, LabOptions } from "../types.js";

export async function decoratorExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const chosen = opts.extra.feature === "logging";
  const rt = new VirtualRuntime();
  const greeting = co(function* (): Co<string> {
    return "Hello, World!";
  });
  const excited = co(function* (): Co<string> {
    const g = yield* greeting;
    return `${g} I'm so excited to be here!`;
  });
  const greetingLine = rt.runToCompletion(rt.spawn(excited));
  // The book's inner future is ready on its first poll, so the wrapper logs once.
  const build = (logging: boolean): string[] => {
    const lines: string[] = [];
    const work = co(function* (): Co<string> {
      return "Result of async computation";
    });
    lines.push(rt.runToCompletion(rt.spawn(withLogging(work, logging, (l) => lines.push(l)))));
    return lines;
  };
  const on = build(true);
  const off = build(false);
  // A future that waits once is polled twice: the wrapper logs every poll.
  const waiting: string[] = [];
  const slow = co(function* (): Co<string> {
    yield* sleep(1);
    return "Result of async computation";
  });
  waiting.push(rt.runToCompletion(rt.spawn(withLogging(slow, true, (l) => waiting.push(l)))));
  const polls = on.filter((l) => l === "Polling the future!").length;
  return {
    blocks: [
      { kind: "text", title: "ExcitedGreeting decorating HelloWorld", lines: [greetingLine] },
      {
        kind: "text",
        title:
          `logging on (the book's \`--features ` +
          `logging_decorator\`)${chosen ? " — chosen with --feature logging" : ""}`,
        lines: on,
      },
      { kind: "text", title: "logging off (the default build)", lines: off },
      {
        kind: "book",
        rows: [
          {
            label: "with logging_decorator",
            book: "Polling the future! / Result of async computation (L7091-7092)",
            ours: on.join(" / "),
            note: `${polls} poll line${polls === 1 ? "" : "s"}, as the book's`,
          },
        ],
      },
      { kind: "text", title: "beyond the book: the same wrapper around a future that waits once", lines: waiting },
      {
        kind: "notice",
        lines: [
          `The wrapper is polled in place of the inner future: one log line per ` +
            `poll — ${polls} for the book's future (ready at once), ` +
            `${waiting.length - 1} for one that waits once.`,
          "Rust picks the wrapper at compile time (Cargo feature); we build both " +
            "and print both; --feature logging marks the one you chose.",
        ],
      },
    ],
  };
}
