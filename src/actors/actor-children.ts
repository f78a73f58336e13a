/**
 * An actor's children: the actors it spawned with `ctx.spawn`, in spawn order, and
 * the part of supervision that concerns more than the failed child (which siblings
 * a restart touches).
 *
 * Invariants:
 * 1. The list holds live children only: a child removes itself when it ends
 *    (`remove`), so a parent that spawns and forgets short-lived children does
 *    not accumulate them.
 * 2. Spawn order is kept: rest-for-one restarts "the failed child and those spawned
 *    after it", which needs that order.
 * 3. Ending the parent (stop, kill, restart) kills every child; `killAll` hands back
 *    their join handles so a restart can wait for the old children to end (their
 *    names unregistered, their resources released) before the new instance starts.
 */
import type { JoinHandle } from "../runtime/task.js";
import type { ActorExit } from "./actor.js";
import type { Strategy } from "./supervision.js";

/** What the list needs from a child. */
export interface Child {
  readonly handle: JoinHandle<ActorExit>;
  kill(): void;
  requestRestart(delayMs: number): void;
}

export class Children<C extends Child> {
  readonly list: C[] = [];

  add(child: C): void {
    this.list.push(child);
  }

  /** False if `child` was not in the list (a child of a discarded instance). */
  remove(child: C): boolean {
    const i = this.list.indexOf(child);
    if (i < 0) return false;
    this.list.splice(i, 1);
    return true;
  }

  /** Restart the siblings of `failed` that `strategy` touches (not `failed` itself). */
  restartSiblings(strategy: Strategy, failed: C, delayMs: number): void {
    if (strategy === "one-for-one") return;
    const list = this.list;
    const from = strategy === "one-for-all" ? 0 : list.indexOf(failed) + 1;
    for (const sibling of list.slice(from)) if (sibling !== failed) sibling.requestRestart(delayMs);
  }

  /** Kill every child; their join handles, to wait for them. */
  killAll(): JoinHandle<ActorExit>[] {
    const children = this.list.splice(0);
    for (const child of children) child.kill();
    return children.map((c) => c.handle);
  }
}
