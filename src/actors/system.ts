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
import { startActor } from "./actor-cell.js";
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
}

export class ActorSystem implements ActorHost {
  readonly registry = new Registry();
  /** Messages that could not be delivered, with why (counter, per-reason counts, subscribe). */
  readonly deadLetters = new DeadLetters();
  readonly spawner: Spawner;
  readonly timers: Timers | undefined;
  /** @internal */
  readonly rootPolicy: RestartPolicy;
  private ids = 1;

  constructor(options: ActorSystemOptions = {}) {
    this.spawner = options.runtime ?? getDefaultRuntime();
    this.timers = options.timers;
    this.rootPolicy = new RestartPolicy(options.supervision ?? { directive: "stop" });
  }

  /** Start a top-level actor. */
  spawn<M, R = unknown>(factory: ActorFactory<M, R>, options?: SpawnActorOptions): ActorRef<M, R> {
    return startActor(this, factory, options, null);
  }

  /** @internal ActorHost */
  nextId(): number {
    return this.ids++;
  }

  /** @internal ActorHost: an actor ended. */
  actorEnded(ref: ActorRef<any, any>): void {
    this.registry.forget(ref);
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
