/**
 * The book's `set` / `get` / `delete` functions: wrap a request with a fresh one-shot
 * reply, send it to the router, wait for the answer. Generator methods, so a caller
 * writes `yield* kv.get("hello")` inside `co(...)` or a handler.
 *
 * A set/delete returns only once the change is durable; if it could not be made
 * durable it throws the store's error (and the change was not applied).
 */
import { oneshot, type Co, type Recipient } from "../../index.js";
import type { Bytes, RoutingMessage, WriteAck } from "./messages.js";

export class KvClient {
  constructor(private readonly router: Recipient<RoutingMessage>) {}

  *set(key: string, value: Bytes): Co<void> {
    const [reply, answer] = oneshot<WriteAck>();
    this.router.tell({ route: "key-value", message: { op: "set", key, value, reply } });
    const ack = yield* answer;
    if (ack !== undefined) throw ack;
  }

  *get(key: string): Co<Bytes | undefined> {
    const [reply, answer] = oneshot<Bytes | undefined>();
    this.router.tell({ route: "key-value", message: { op: "get", key, reply } });
    return yield* answer;
  }

  *delete(key: string): Co<void> {
    const [reply, answer] = oneshot<WriteAck>();
    this.router.tell({ route: "key-value", message: { op: "delete", key, reply } });
    const ack = yield* answer;
    if (ack !== undefined) throw ack;
  }
}
