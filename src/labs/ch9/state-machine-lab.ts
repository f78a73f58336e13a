/**
 * E9.4: the on/off state machine — the book's transitions and printout, then a
 * StateFuture driving the On/Off futures.
 */
import { VirtualRuntime } from "../../index.js";
import { transition, type SwitchEvent, type SwitchState } from "./state-machine.js";
import { StateFuture, Ticker, type StateCell } from "./state-future.js";
import { table } from "../table.js";
import type { ExperimentResult } from "../types.js";

export async function stateMachineExperiment(): Promise<ExperimentResult> {
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
