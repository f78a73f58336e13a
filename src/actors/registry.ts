/**
 * Names for actors (spawned's `register` / `whereis`). Invariant: a name maps to a
 * live actor — the actor removes its own names when it ends, so `whereis` never
 * hands out the address of a dead actor.
 */
import type { ActorRef } from "./actor.js";
import { AlreadyRegistered } from "./errors.js";

export class Registry {
  private readonly names = new Map<string, ActorRef<any, any>>();
  /** Refs that hold at least one name: an ending actor without names costs one `has`. */
  private readonly named = new Set<ActorRef<any, any>>();

  register(name: string, ref: ActorRef<any, any>): void {
    if (this.names.has(name)) throw new AlreadyRegistered(name);
    if (!ref.isAlive) throw new Error(`cannot register "${name}": actor ${ref.name} has stopped`);
    this.names.set(name, ref);
    this.named.add(ref);
  }

  whereis<M, R = unknown>(name: string): ActorRef<M, R> | undefined {
    return this.names.get(name);
  }

  /** False if the name was not registered. */
  unregister(name: string): boolean {
    return this.names.delete(name);
  }

  registered(): string[] {
    return [...this.names.keys()];
  }

  /** @internal an actor ended: drop every name pointing at it. */
  forget(ref: ActorRef<any, any>): void {
    if (!this.named.delete(ref)) return;
    for (const [name, r] of this.names) if (r === ref) this.names.delete(name);
  }
}
