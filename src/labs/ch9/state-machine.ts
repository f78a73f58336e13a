/**
 * The on/off state machine of E9.4: a closed set of states and events, an async
 * `transition` that answers the next state, and the book's messages.
 *
 * Invariant: `transition` is total — every (state, event) pair has an answer, and an
 * event that does not apply leaves the state as it was (the book's "No transition
 * possible"). The `switch` is exhaustive; adding a state breaks the build, not the run.
 */
import { ready, type BaseFuture } from "../../index.js";

export type SwitchState = "On" | "Off";
export type SwitchEvent = "SwitchOn" | "SwitchOff";

/** The next state for `event` in `state`; `log` gets the book's line. Async as in the book (the work could await). */
export function transition(
  state: SwitchState,
  event: SwitchEvent,
  log: (line: string) => void,
): BaseFuture<SwitchState> {
  switch (state) {
    case "On":
      if (event === "SwitchOff") {
        log("Transitioning to the Off state");
        return ready<SwitchState>("Off");
      }
      break;
    case "Off":
      if (event === "SwitchOn") {
        log("Transitioning to the On state");
        return ready<SwitchState>("On");
      }
      break;
    default: {
      const never: never = state;
      throw new Error(`unknown state ${String(never)}`);
    }
  }
  log("No transition possible, staying in the current state");
  return ready(state);
}
