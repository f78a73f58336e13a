/**
 * The service map: which message types a system exposes to its peers, and who
 * handles each (thespis_remote's service map).
 *
 * A service is named `"namespace::Type"`; its id on the wire is FNV-1a (32 bit) of
 * that name — stable across processes and runs, with no registry to agree on. The
 * two ids the wire format reserves (REPLY, ERROR) are never produced: a name that
 * hashes onto them is re-hashed with a trailing "#". Two names of one map that
 * collide are refused when registered, so a collision is an error at start-up, not a
 * message delivered to the wrong actor.
 */
import type { Recipient } from "../actor.js";
import { ERROR, REPLY } from "./wire.js";

/** A typed service name: the phantom types carry the message and reply types to `peer.address`. */
export interface Service<M, R = unknown> {
  readonly name: string;
  readonly id: number;
  /** Phantom fields: never set; they only carry the types. */
  readonly __message?: M;
  readonly __reply?: R;
}

/** FNV-1a, 32 bit, of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The service `namespace::type`, with its stable id. */
export function service<M, R = unknown>(namespace: string, type: string): Service<M, R> {
  if (namespace.includes("::") || type.includes("::"))
    throw new TypeError(`service names may not contain "::" (got ${namespace}::${type})`);
  const name = `${namespace}::${type}`;
  let id = fnv1a32(name);
  for (let salt = "#"; id === REPLY || id === ERROR; salt += "#") id = fnv1a32(name + salt);
  return { name, id };
}

/** A service exposed on a peer: its name and its handler. */
export interface ServiceEntry {
  readonly name: string;
  readonly ref: Recipient<any, any>;
}

export class ServiceMap {
  private readonly handlers = new Map<number, ServiceEntry>();
  /**
   * The last service looked up: a burst of frames mostly names one service, and an id
   * is a 32-bit hash — usually past V8's small-integer range, so a `Map` lookup hashes
   * a heap number per frame (measured: a third of a small tell's receive path).
   */
  private lastId = -1;
  private lastEntry: ServiceEntry | undefined = undefined;

  /** Expose `svc`, handled by `ref` (a local actor, or a remote address — a relay). */
  expose<M, R>(svc: Service<M, R>, ref: Recipient<M, R>): this {
    const existing = this.handlers.get(svc.id);
    if (existing !== undefined && existing.name !== svc.name)
      throw new Error(`service id collision: ${svc.name} and ${existing.name} both hash to ${svc.id}`);
    this.handlers.set(svc.id, { name: svc.name, ref });
    this.lastId = -1; // the cached entry may be the one just replaced
    return this;
  }

  /** The handler of service `id`, if exposed. */
  lookup(id: number): ServiceEntry | undefined {
    if (id === this.lastId) return this.lastEntry;
    const entry = this.handlers.get(id);
    this.lastId = id;
    this.lastEntry = entry;
    return entry;
  }

  get size(): number {
    return this.handlers.size;
  }
}
