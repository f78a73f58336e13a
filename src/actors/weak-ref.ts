/**
 * A weak actor reference (rsactor's `ActorWeak`): the actor's identity without
 * keeping it alive — for caches and registries that must not hold actors past
 * their end.
 *
 * Invariant: `upgrade()` hands out a ref only while the actor is alive; once it
 * ended (or was collected) it answers undefined, for good. The weak ref holds a
 * `WeakRef`, so it does not keep the actor's state reachable after the actor ended.
 */
import type { ActorRef } from "./actor.js";

export class WeakActorRef<M, R = unknown> {
  readonly id: number;
  readonly name: string;
  private readonly target: WeakRef<ActorRef<M, R>>;

  constructor(ref: ActorRef<M, R>) {
    this.id = ref.id;
    this.name = ref.name;
    this.target = new WeakRef(ref);
  }

  /** The ref, if the actor is still alive; else undefined. */
  upgrade(): ActorRef<M, R> | undefined {
    const ref = this.target.deref();
    return ref !== undefined && ref.isAlive ? ref : undefined;
  }

  get isAlive(): boolean {
    return this.upgrade() !== undefined;
  }
}
