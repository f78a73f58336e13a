/**
 * Supervision: what a parent does when a child fails, and to whom.
 *
 * - directive: restart (fresh state from the factory, same mailbox and address),
 *   stop, resume (keep state, lose only the failed message), escalate (the parent
 *   fails too, and its own parent decides).
 * - strategy: which children a restart touches — the failed one (one-for-one), all
 *   (one-for-all), or the failed one and those spawned after it (rest-for-one).
 * - intensity: at most `maxRestarts` restarts within `withinMs`; one more escalates
 *   (Erlang's rule: a child that keeps crashing is the parent's problem).
 * - backoff: the k-th restart inside the window waits `initialMs * factor^(k-1)`,
 *   capped at `maxMs`, so a crash loop does not spin the CPU.
 *
 * Invariant: the decision is made synchronously, on the parent's clock, when the
 * failure is reported — one place decides, so two failures cannot race.
 */

export type Directive = "restart" | "stop" | "resume" | "escalate";
export type Strategy = "one-for-one" | "one-for-all" | "rest-for-one";

export interface Backoff {
  initialMs: number;
  /** Multiplier per consecutive restart (default 2). */
  factor?: number;
  /** Upper bound on one delay (default 30 s). */
  maxMs?: number;
}

export interface SupervisionOptions {
  strategy?: Strategy;
  /** A fixed directive, or a decision per failure (default `restart`). */
  directive?: Directive | ((error: unknown, child: string) => Directive);
  /** Restarts allowed within `withinMs` before escalating (default 3). */
  maxRestarts?: number;
  /** The intensity window in ms (default 5,000). */
  withinMs?: number;
  backoff?: Backoff;
}

export interface Decision {
  directive: Directive;
  /** Delay before the restart, in ms (0 without backoff). */
  delayMs: number;
}

/** One supervisor's memory of recent restarts (the intensity window). */
export class RestartPolicy {
  private readonly restarts: number[] = [];
  readonly strategy: Strategy;

  constructor(private readonly options: SupervisionOptions = {}) {
    this.strategy = options.strategy ?? "one-for-one";
    const { maxRestarts = 3, withinMs = 5_000 } = options;
    if (!(maxRestarts >= 0)) throw new RangeError(`maxRestarts must be >= 0, got ${maxRestarts}`);
    if (!(withinMs > 0)) throw new RangeError(`withinMs must be > 0, got ${withinMs}`);
  }

  decide(error: unknown, child: string, now: number): Decision {
    const d = this.options.directive ?? "restart";
    const directive = typeof d === "function" ? d(error, child) : d;
    if (directive !== "restart") return { directive, delayMs: 0 };
    const { maxRestarts = 3, withinMs = 5_000, backoff } = this.options;
    while (this.restarts.length > 0 && this.restarts[0]! <= now - withinMs) this.restarts.shift();
    if (this.restarts.length >= maxRestarts) return { directive: "escalate", delayMs: 0 };
    this.restarts.push(now);
    if (backoff === undefined) return { directive, delayMs: 0 };
    const k = this.restarts.length - 1;
    const delayMs = Math.min(backoff.maxMs ?? 30_000, backoff.initialMs * (backoff.factor ?? 2) ** k);
    return { directive, delayMs };
  }
}
