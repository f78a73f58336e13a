/**
 * `hostTimeout(fn, ms)`: a Node timer for any delay.
 *
 * Node's timers hold at most 2^31 − 1 ms (about 24.8 days). Asked for more, Node
 * prints a `TimeoutOverflowWarning` and fires after **1 ms** — so a "wait 30 days"
 * deadline passed straight to `setTimeout` fires at once: an ask timeout that fails
 * every ask, a close deadline that abandons every task. This timer waits in steps of
 * the longest delay Node allows until the real deadline has passed. An infinite delay
 * never fires and holds no handle at all.
 */

/** The longest delay `setTimeout` honours. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface HostTimeout {
  /** Stop it: `fn` will not run. Idempotent. */
  clear(): void;
  /** Do not keep the process alive for this timer (like `Timeout.unref`). */
  unref(): HostTimeout;
}

class SteppedTimeout implements HostTimeout {
  private handle: NodeJS.Timeout | null = null;
  private refed = true;
  /** The step armed now was cut to the cap: the deadline lies beyond it. */
  private capped = false;

  constructor(
    private readonly fn: () => void,
    private readonly at: number,
  ) {
    this.arm();
  }

  clear(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  unref(): HostTimeout {
    this.refed = false;
    this.handle?.unref();
    return this;
  }

  private arm(): void {
    const left = this.at - performance.now();
    this.capped = left > MAX_TIMER_DELAY_MS;
    this.handle = setTimeout(this.step, this.capped ? MAX_TIMER_DELAY_MS : Math.max(0, left));
    if (!this.refed) this.handle.unref();
  }

  private readonly step = (): void => {
    this.handle = null;
    // Only a step cut short by the cap goes round again. (Comparing the clock with the
    // deadline instead would re-arm whenever Node fires a hair early by our clock,
    // which it can: its loop time is cached.)
    if (this.capped) this.arm();
    else this.fn();
  };
}

const NEVER: HostTimeout = {
  clear() {},
  unref() {
    return NEVER;
  },
};

/** Run `fn` once, `ms` milliseconds from now (0 for a negative or NaN `ms`; never for `Infinity`). */
export function hostTimeout(fn: () => void, ms: number): HostTimeout {
  if (ms === Infinity) return NEVER;
  return new SteppedTimeout(fn, performance.now() + (ms > 0 ? ms : 0));
}
