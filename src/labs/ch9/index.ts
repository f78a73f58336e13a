/**
 * `lab ch9` — design patterns: an isolated module with synchronous entry points (E9.1), waterfall (E9.2), decorator
 * (E9.3), state machine (E9.4),
 * retry with backoff (E9.5), circuit breaker (E9.6). Timed runs use a virtual clock
 * (`VirtualRuntime`): the book's 15 s of retries and the breaker sweep take
 * milliseconds and are the same on every run. E9.1 is the exception: its point is a
 * real thread blocking while a real runtime (in a worker) progresses, so it runs in
 * real time, scaled by --time-scale.
 */
import {
  CircuitBreaker,
  CircuitOpenError,
  VirtualRuntime,
  co,
  pollFn,
  ready,
  retry,
  seededRandom,
  sleep,
  waterfall,
  withLogging,
  type Co,
} from "../../index.js";
import { transition, type SwitchEvent, type SwitchState } from "./state-machine.js";
import { StateFuture, Ticker, type StateCell } from "./state-future.js";
import { table } from "../table.js";
import { blockingSleep } from "../../index.js";
import { addHandler, asyncModLogs, getAdd, sendAdd, setAddSleep, shutdownAsyncMod } from "./async-mod.js";
import { bookMs } from "../book-time.js";
import type { Chapter, ExperimentResult, LabOptions } from "../types.js";

/** E9.1: `async_add` sleeps 1 book second, main sleeps 2 (the book's durations are cut off; finishing first is what it
 * shows). */
const ADD_SLEEP_BOOK_S = 1;
const MAIN_SLEEP_BOOK_S = 2;
/** E9.1: how many adds are in flight at once in the concurrency table. */
const IN_FLIGHT = [1, 10, 100];

const wallClock = (): number => performance.timeOrigin + performance.now();

/** E9.1 — synchronous code calls the isolated async module; lines of both threads merged by time. */
async function isolatedExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const addMs = bookMs(opts, ADD_SLEEP_BOOK_S);
  setAddSleep(addMs);
  const lines: { at: number; line: string }[] = [];
  const println = (line: string): void => void lines.push({ at: wallClock(), line });
  try {
    // The book's main(), line for line; nothing here is async.
    println("Hello, world!");
    const id = sendAdd(1, 2);
    println(`id: ${id}`);
    blockingSleep(bookMs(opts, MAIN_SLEEP_BOOK_S));
    println("main sleep done");
    const result = getAdd(id);
    println(`result: ${result}`);
    lines.push(...asyncModLogs());
    const printout = lines.sort((x, y) => x.at - y.at).map((l) => l.line);

    const errors = [
      (() => {
        try {
          addHandler();
          return "?";
        } catch (e) {
          return `add_handler(None, None, None): Err("${(e as Error).message}")`;
        }
      })(),
      (() => {
        try {
          getAdd(id);
          return "?";
        } catch (e) {
          return `get_add(same id again): Err("${(e as Error).message}")`;
        }
      })(),
    ];

    // Many adds in flight: the sync caller sends them all, then collects; the worker's runtime sleeps them
    // concurrently.
    const rows = IN_FLIGHT.map((n) => {
      const t0 = performance.now();
      const ids = Array.from({ length: n }, (_, i) => sendAdd(i, i));
      const sent = performance.now() - t0;
      const results = ids.map(getAdd);
      const total = performance.now() - t0;
      const correct = results.every((r, i) => r === 2 * i);
      asyncModLogs();
      return [n, sent, total, total / addMs, correct ? "yes" : "NO"];
    });
    return {
      blocks: [
        {
          kind: "text",
          title:
            "the book's main: send_add(1, 2), std::thread::sleep, get_add(id) — " +
            "lines from both threads, merged by time (the book's Figure 9-1: an " +
            "isolated async module)",
          lines: printout,
        },
        {
          kind: "book",
          rows: [
            {
              label: "order",
              book: "Hello, world! / starting async_add / id / finished async_add / main sleep done / result: 3",
              ours: printout.map((l) => (l.startsWith("id: ") ? "id" : l)).join(" / "),
            },
          ],
        },
        { kind: "text", title: "wrong input", lines: errors },
        {
          kind: "table",
          title: `n adds in flight, each sleeping ${addMs} ms in the worker's runtime; the caller blocks in get_add`,
          columns: [
            { header: "in flight" },
            { header: "send_add × n", unit: "ms", digits: 2 },
            { header: "all results", unit: "ms", digits: 1 },
            { header: "÷ one sleep", digits: 2, best: "min" },
            { header: "results correct" },
          ],
          rows,
        },
        {
          kind: "notice",
          lines: [
            "The caller never awaits: send_add returns an id at once, get_add " +
              "blocks (Atomics.wait) until the worker's runtime has the result.",
            "A runtime on the main thread could not do this: while synchronous code " +
              "blocks, Node's event loop — and every timer and promise on it — stands " +
              "still.",
            inFlightNotice(rows.map((r) => [r[0] as number, r[3] as number])),
            "`id:` may print before `starting async_add`: the task is first polled " +
              "just after the spawn is acknowledged, and the two threads race (as the " +
              "book's do).",
          ],
        },
      ],
    };
  } finally {
    shutdownAsyncMod();
  }
}

const fail = (msg: string) =>
  pollFn<never>(() => {
    throw new Error(msg);
  });

async function waterfallExperiment(): Promise<ExperimentResult> {
  const rt = new VirtualRuntime();
  const chain = rt.runToCompletion(
    rt.spawn(
      waterfall<string>(
        () => ready("Task 1 completed"),
        (s) => ready(`${String(s)} then Task 2 completed`),
        (s) => ready(`${String(s)} and finally Task 3 completed`),
      ),
    ),
  );
  const branch = (n: number): string =>
    rt.runToCompletion(
      rt.spawn(
        waterfall<string>(
          () => ready(n),
          (x) => ((x as number) > 10 ? ready(`${n} > 10 → task2`) : ready(`${n} ≤ 10 → task3`)),
        ),
      ),
    );
  let stopped = "";
  try {
    rt.runToCompletion(
      rt.spawn(
        waterfall(
          () => ready(1),
          () => fail("task 2 failed"),
          () => ready("never created"),
        ),
      ),
    );
  } catch (e) {
    stopped = `Error: ${(e as Error).message} (task 3 never started)`;
  }
  return {
    blocks: [
      { kind: "text", title: "waterfall", lines: [chain, "branching:", branch(42), branch(7), stopped] },
      {
        kind: "notice",
        lines: ["Each step starts only after the previous one succeeded; the first error ends the chain (Rust's `?`)."],
      },
    ],
  };
}

async function decoratorExperiment(opts: LabOptions): Promise<ExperimentResult> {
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

async function stateMachineExperiment(): Promise<ExperimentResult> {
  const lines: string[] = [];
  let state: SwitchState = "On";
  const rt = new VirtualRuntime();
  for (const e of ["SwitchOff", "SwitchOn", "SwitchOn"] as SwitchEvent[])
    state = rt.runToCompletion(rt.spawn(transition(state, e, (l) => lines.push(l))));
  lines.push(`State machine is in the ${state} state`);
  const periods = runStateFuture();
  return {
    blocks: [
      { kind: "text", title: "state machine: On → SwitchOff, SwitchOn, SwitchOn", lines },
      table(
        "StateFuture: polls the On or the Off future by state, always Pending (1 virtual ms per poll)",
        ["period (virtual ms)", "state", "On future polled", "Off future polled"],
        periods.map((p) => [`${p.from}–${p.to}`, p.state, p.on, p.off]),
      ),
      {
        kind: "book",
        rows: [
          {
            label: "printout (L7190-7193)",
            book: "4 lines: Off, On, no transition, On",
            ours: sameLines(lines, BOOK_STATE_LINES) ? "the same 4 lines (above)" : lines.join(" / "),
          },
          {
            label: "StateFuture",
            book: "polls on_future or off_future by state; wake_by_ref; Pending",
            ours:
              `${periods.length} periods, ` +
              `${periods.filter((p) => (p.state === "On" ? p.off : p.on) === 0).length} ` +
              `with only the state's future polled`,
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "An event that does not apply in the current state leaves it unchanged — the transition function is total.",
          stateFutureNotice(periods),
        ],
      },
    ],
  };
}

/** The book's printout of E9.4 (L7190-7193). */
const BOOK_STATE_LINES = [
  "Transitioning to the Off state",
  "Transitioning to the On state",
  "No transition possible, staying in the current state",
  "State machine is in the On state",
];

const sameLines = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((l, i) => l === b[i]);

interface StatePeriod {
  from: number;
  to: number;
  state: SwitchState;
  on: number;
  off: number;
}

/** Run a StateFuture for three periods, flipping its state with `transition` between them. */
function runStateFuture(): StatePeriod[] {
  const rt = new VirtualRuntime({ pollCostMs: 1 });
  const cell: StateCell = { state: "On" };
  const sf = new StateFuture(cell, new Ticker(), new Ticker());
  rt.spawn(sf);
  const periods: StatePeriod[] = [];
  let from = 0;
  for (const [event, until] of [
    [null, 100],
    ["SwitchOff", 250],
    ["SwitchOn", 300],
  ] as const) {
    if (event !== null) cell.state = rt.runToCompletion(rt.spawn(transition(cell.state, event, () => {})));
    const before = { ...sf.polls };
    rt.runUntil(until);
    periods.push({ from, to: until, state: cell.state, on: sf.polls.On - before.On, off: sf.polls.Off - before.Off });
    from = until;
  }
  return periods;
}

/** What the StateFuture periods show, computed from the poll counts. */
export function stateFutureNotice(periods: readonly StatePeriod[]): string {
  const clean = periods.every((p) => (p.state === "On" ? p.off === 0 && p.on > 0 : p.on === 0 && p.off > 0));
  return clean
    ? "The StateFuture never finishes: every poll runs only the current " +
        "state's future and wakes itself; a transition switches which one the " +
        "very next poll runs."
    : `The StateFuture polled the other state's future in some period ` +
        `(${periods.map((p) => `${p.state}: on ${p.on}, off ${p.off}`).join("; ")}).`;
}

async function retryExperiment(opts: LabOptions): Promise<ExperimentResult> {
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

/** One breaker run: `calls` calls every `gapMs`, each taking `workMs` and failing with probability `p`. */
function breakerRun(p: number, seed: number, calls = 1000, gapMs = 20, workMs = 10): (number | string)[] {
  const rt = new VirtualRuntime();
  const rng = seededRandom(seed);
  const cb = new CircuitBreaker({ threshold: 3, openMs: 1000 });
  let latency = 0;
  const h = rt.spawn(
    co(function* () {
      for (let i = 0; i < calls; i++) {
        const start = rt.now();
        const bad = rng() < p;
        try {
          yield* cb.call(() =>
            co(function* () {
              yield* sleep(workMs);
              if (bad) throw new Error("service error");
            }),
          );
        } catch {
          /* counted by the breaker */
        }
        latency += rt.now() - start;
        yield* sleep(Math.max(0, start + gapMs - rt.now()));
      }
    }),
  );
  rt.runToCompletion(h);
  return [p * 100, cb.stats.attempted, cb.stats.rejected, latency / calls, cb.stats.transitions];
}

async function breakerExperiment(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new VirtualRuntime();
  const out: string[] = [];
  const cb = new CircuitBreaker({ onTransition: (_f, to) => to === "open" && out.push("opening circuit") });
  const passing = () => pollFn(() => (out.push("passing task running"), 1));
  const erroring = () =>
    pollFn<never>(() => {
      out.push("error task running");
      throw new Error("Error");
    });
  rt.runToCompletion(
    rt.spawn(
      co(function* () {
        for (const w of [passing, erroring, erroring, erroring, passing]) {
          try {
            yield* cb.call(w);
          } catch (e) {
            if (e instanceof CircuitOpenError) out.push(`Error: "${e.message}"`);
          }
        }
      }),
    ),
  );
  const rows = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((p) => breakerRun(p, opts.seed));
  return {
    blocks: [
      { kind: "text", title: "circuit breaker: pass, error ×3, pass", lines: out },
      {
        kind: "table",
        title:
          "failure-rate sweep: 1000 calls every 20 ms, 10 ms each; opens after 3 " +
          "consecutive errors, half-open after 1 s (virtual)",
        columns: [
          { header: "failure", unit: "%", digits: 0 },
          { header: "attempted" },
          { header: "rejected fast", best: "max" },
          { header: "mean latency (virtual)", unit: "ms", digits: 2 },
          { header: "state changes" },
        ],
        rows,
      },
      {
        kind: "notice",
        lines: [
          "As failures rise, more calls are rejected at once (0 ms) instead of " +
            "waiting 10 ms for an error: the service is spared and callers get " +
            "answers sooner.",
          "The book's breaker never closes; ours probes once after 1 s (half-open) and closes on success.",
        ],
      },
    ],
  };
}

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

/** The E9.1 concurrency line, from [adds in flight, total ÷ one sleep] rows. */
export function inFlightNotice(rows: readonly (readonly [n: number, sleeps: number])[]): string {
  const most = rows[rows.length - 1]!;
  return most[1] < Math.max(2, most[0] / 4)
    ? `${most[0]} adds took ${most[1].toFixed(2)} × one sleep, not ` +
        `${most[0]}: the tasks sleep concurrently on the private runtime while ` +
        `the caller waits.`
    : `${most[0]} adds took ${most[1].toFixed(2)} × one sleep — less overlap ` +
        `than the private runtime allows: the machine was too busy to show it.`;
}
