/**
 * The actor system: where top-level actors are spawned, the registry lives, and the
 * root supervision policy (for actors without a parent) is kept.
 *
 * Invariant: every actor of a system runs as a task on the system's `spawner`, and
 * its timers come from `timers` if given — else from the runtime polling it. A test
 * passes a fake `Timers` to step backoff and `sendAfter` without wall-clock waits.
 */
import type { Timers } from "../futures/poll.js";
import type { Spawner } from "../runtime/current.js";
import { getDefaultRuntime } from "../runtime/live-runtime.js";
import type { ActorFactory, ActorRef, SpawnActorOptions } from "./actor.js";
import { startActor, type ActorCell } from "./actor-cell.js";
import { WaitForGraph } from "./deadlock.js";
import type { ActorHost } from "./actor-host.js";
import { DeadLetters } from "./dead-letters.js";
import { Registry } from "./registry.js";
import { RestartPolicy, type SupervisionOptions } from "./supervision.js";

export interface ActorSystemOptions {
  /** Where actor tasks run (default: the process-wide live runtime). */
  runtime?: Spawner;
  /** Clock and timers for actors (default: the runtime's own). */
  timers?: Timers;
  /** What happens when a top-level actor fails (default: `stop` — it ends, `join()` says why). */
  supervision?: SupervisionOptions;
  /** Ask deadlock detection (deadlock.ts): off by default; it costs a graph update per ask made by an actor. */
  deadlockDetection?: boolean;
  /** Keep metrics for every actor (`ref.metrics()`) unless its spawn options say otherwise (default false). */
  metrics?: boolean;
  /** Write one line per dead letter and per slow poll (`log`, default stderr) — the CLI's `--verbose`. */
  verbose?: boolean | ((line: string) => void);
  /**
   * Count (and with `verbose`, log) every poll of one actor longer than this many ms
   * (spawned's warning for an actor that blocks its thread; 10 is its threshold).
   * Default 0, off: the check reads the clock twice per poll (~0.2 µs each on the
   * shared test machine), which cost ~25 % of `spawn` throughput when on by default.
   */
  slowPollMs?: number;
}

export class ActorSystem implements ActorHost {
  readonly registry = new Registry();
  /** Messages that could not be delivered, with why (counter, per-reason counts, subscribe). */
  readonly deadLetters = new DeadLetters();
  readonly spawner: Spawner;
  readonly timers: Timers | undefined;
  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  readonly rootPolicy: RestartPolicy;
  /** Driver-facing: the ask wait-for graph (null: detection off). */
  readonly deadlocks: WaitForGraph | null;
  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  readonly metricsByDefault: boolean;
  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  shuttingDown = false;
  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  readonly slowPollMs: number;
  /** Polls that took longer than `slowPollMs`: an actor blocked its thread that long. */
  slowPolls = 0;
  private log: ((line: string) => void) | null = null;
  /** Live top-level actors, newest first (an intrusive list: O(1) to add and remove). */
  private roots: ActorCell<any, any> | null = null;
  private ids = 1;

  constructor(options: ActorSystemOptions = {}) {
    this.spawner = options.runtime ?? getDefaultRuntime();
    this.timers = options.timers;
    this.rootPolicy = new RestartPolicy(options.supervision ?? { directive: "stop" });
    this.deadlocks = options.deadlockDetection === true ? new WaitForGraph() : null;
    this.metricsByDefault = options.metrics === true;
    this.slowPollMs = options.slowPollMs ?? 0;
    const verbose = options.verbose;
    if (verbose !== undefined && verbose !== false) {
      const log = (this.log =
        typeof verbose === "function" ? verbose : (line: string) => void process.stderr.write(line + "\n"));
      this.deadLetters.subscribe((l) =>
        log(`dead letter (${l.reason}): to ${l.actor}#${l.actorId}: ${describe(l.message)}`),
      );
    }
  }

  /**
   * Stop every actor, leaves first (a parent stops after all its children ended),
   * each finishing what is queued; resolves when all have ended. Messages sent
   * meanwhile to a stopped actor are dead letters with reason `shutdown`.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const roots: ActorCell<any, any>[] = [];
    for (let c = this.roots; c !== null; c = c.nextRoot) roots.push(c);
    await Promise.all(roots.map((c) => c.stopTree()));
  }

  /** Start a top-level actor. */
  spawn<M, R = unknown>(factory: ActorFactory<M, R>, options?: SpawnActorOptions): ActorRef<M, R> {
    const cell = startActor(this, factory, options, null);
    const head = this.roots;
    cell.nextRoot = head;
    if (head !== null) head.prevRoot = cell;
    this.roots = cell;
    return cell;
  }

  /** Driver-facing: ActorHost */
  nextId(): number {
    return this.ids++;
  }

  /** Driver-facing: ActorHost: one poll of `actor` took `ms`. */
  slowPoll(actor: ActorRef<any, any>, ms: number): void {
    this.slowPolls++;
    this.log?.(
      `slow poll: actor ${actor.name}#${actor.id} held its thread for ${ms.toFixed(1)} ms (> ${this.slowPollMs} ms)`,
    );
  }

  /** Driver-facing: ActorHost: an actor ended. */
  actorEnded(ref: ActorRef<any, any>): void {
    this.registry.forget(ref);
    const cell = ref as ActorCell<any, any>;
    const { prevRoot, nextRoot } = cell;
    if (prevRoot !== null) prevRoot.nextRoot = nextRoot;
    else if (this.roots === cell) this.roots = nextRoot;
    if (nextRoot !== null) nextRoot.prevRoot = prevRoot;
    cell.prevRoot = cell.nextRoot = null;
  }

  register(name: string, ref: ActorRef<any, any>): void {
    this.registry.register(name, ref);
  }
  whereis<M, R = unknown>(name: string): ActorRef<M, R> | undefined {
    return this.registry.whereis<M, R>(name);
  }
  unregister(name: string): boolean {
    return this.registry.unregister(name);
  }
  registered(): string[] {
    return this.registry.registered();
  }
}

let defaultSystem: ActorSystem | null = null;

/** The process-wide system on the default live runtime. */
export function actorSystem(): ActorSystem {
  return (defaultSystem ??= new ActorSystem());
}

/** Spawn a top-level actor on the default system. */
export function spawnActor<M, R = unknown>(factory: ActorFactory<M, R>, options?: SpawnActorOptions): ActorRef<M, R> {
  return actorSystem().spawn(factory, options);
}

/** A short text for a message in a log line. */
function describe(message: unknown): string {
  try {
    const text = typeof message === "string" ? JSON.stringify(message) : (JSON.stringify(message) ?? String(message));
    return text.length > 120 ? text.slice(0, 117) + "..." : text;
  } catch {
    return String(message);
  }
}
