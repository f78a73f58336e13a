/**
 * Ask deadlock detection (rsactor's `deadlock-detection`): a wait-for graph with an
 * edge A → B while a handler of A has an ask to B outstanding. An ask that would
 * close a cycle — B already waits (directly or through others) for A, or A asks
 * itself — fails at once with `Deadlock` naming the cycle, instead of hanging until
 * its timeout.
 *
 * Invariants:
 * 1. Who asks: the actor whose poll is running (`current`, set by the actor loop
 *    around its poll). An ask made from outside any actor (a test, a plain task, a
 *    `ctx.task` background task) adds no edge: it cannot be part of a cycle of actors.
 * 2. An edge lives from the ask until it settles (reply, error, timeout, cancel).
 *    An ask a handler made and never awaited still counts as waiting — the price of
 *    not tracking awaits; don't leave asks hanging with detection on.
 * 3. Off by default (`ActorSystemOptions.deadlockDetection`): when off, the ask path
 *    pays one null check and the loop one per poll. When on, each ask made by an
 *    actor costs a map update and a walk of the graph from the target (its length
 *    is the chain of waiting actors, usually 0–2).
 */
import { Deadlock } from "./errors.js";

/** A node: an actor, by name for the error message. */
export interface GraphNode {
  readonly name: string;
}

export class WaitForGraph {
  /** The actor whose poll is running, if any (invariant 1). */
  current: GraphNode | null = null;
  /** asker → (target → number of outstanding asks). */
  private readonly waits = new Map<GraphNode, Map<GraphNode, number>>();

  /** `asker` is about to ask `target`: the Deadlock it would cause, else null (and the edge is added). */
  enter(asker: GraphNode, target: GraphNode): Deadlock | null {
    if (asker === target) return new Deadlock([asker.name]);
    const path = this.pathFrom(target, asker); // target … asker
    if (path !== null) return new Deadlock([asker, ...path.slice(0, -1)].map((n) => n.name));
    let out = this.waits.get(asker);
    if (out === undefined) this.waits.set(asker, (out = new Map()));
    out.set(target, (out.get(target) ?? 0) + 1);
    return null;
  }

  /** The ask from `asker` to `target` settled. */
  leave(asker: GraphNode, target: GraphNode): void {
    const out = this.waits.get(asker);
    if (out === undefined) return;
    const n = (out.get(target) ?? 0) - 1;
    if (n > 0) out.set(target, n);
    else {
      out.delete(target);
      if (out.size === 0) this.waits.delete(asker);
    }
  }

  /** Edges currently in the graph (for tests and diagnostics). */
  get edges(): number {
    let n = 0;
    for (const out of this.waits.values()) n += out.size;
    return n;
  }

  /** A path `from` … `to` along wait edges (depth-first), or null. */
  private pathFrom(from: GraphNode, to: GraphNode): GraphNode[] | null {
    const seen = new Set<GraphNode>();
    const walk = (node: GraphNode): GraphNode[] | null => {
      if (node === to) return [node];
      if (seen.has(node)) return null;
      seen.add(node);
      const out = this.waits.get(node);
      if (out === undefined) return null;
      for (const next of out.keys()) {
        const rest = walk(next);
        if (rest !== null) return [node, ...rest];
      }
      return null;
    };
    return walk(from);
  }
}
