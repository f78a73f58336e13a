/**
 * `lab ch6` — reactive programming: the heater (E6.1) with busy-polling vs waker-driven
 * observers, the reaction-delay warning made measurable, compareExchange (E6.2), input
 * by callbacks (E6.3) and the event bus with a garbage collector (E6.4).
 *
 * Experiments never print. The one exception is `heater --interactive` on a TTY: it
 * draws the live display on process.stdout and reads raw keys, because an interactive
 * screen cannot be returned as data. Without a TTY the scripted key sequence is replayed.
 */
import type { Chapter } from "../types.js";
import { heater } from "./heater-lab.js";
import { compareExchange } from "./compare-exchange.js";
import { callbacks } from "./callbacks.js";
import { eventBus } from "./event-bus-lab.js";

export const ch6: Chapter = {
  id: "ch6",
  title: "Reactive programming",
  options: [
    {
      flags: "--interactive",
      description: "heater: live display in this terminal; + / - move the desired temperature, q quits",
    },
  ],
  experiments: [
    {
      id: "heater",
      book: "E6.1",
      title: "Heater: busy-poll vs waker-driven observers",
      summary: "chart, observer cost table, reaction-delay table",
      run: heater,
    },
    {
      id: "compare-exchange",
      book: "E6.2",
      title: "compareExchange",
      summary: "Ok/Err semantics on a SharedArrayBuffer",
      run: compareExchange,
    },
    {
      id: "callbacks",
      book: "E6.3",
      title: "Input by callbacks",
      summary: "callback result; scripted keys into the heater (type them live: lab ch6 heater --interactive)",
      run: callbacks,
    },
    {
      id: "event-bus",
      book: "E6.4",
      title: "Event bus with a garbage collector",
      summary: "the book's run, the leak, backpressure policies",
      run: eventBus,
    },
  ],
};
