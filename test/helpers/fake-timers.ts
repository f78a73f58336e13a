/** Test helpers for a live runtime driven on a hand-moved clock. */

/** The library's one virtual clock (src/runtime/virtual-timers.ts): time moves only when a test calls `advance`. */
export { VirtualTimers as FakeTimers } from "../../src/runtime/virtual-timers.js";

/** Let the live runtime run everything that is ready (a few event-loop turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
