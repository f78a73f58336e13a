/**
 * The book's `set` / `get` / `delete` functions: wrap a request with a fresh one-shot
 * reply, send it to the router, wait for the answer. Generator methods, so a caller
 * writes `yield* kv.get("hello")` inside `co(...)` or a handler.
 */
import { oneshot, type Co, type Recipient } from "../../index.js";
import type { Bytes, RoutingMessage } from "./messages.js";

export class KvClient {
  constructor(private readonly router: Recipient<RoutingMessage>) {}

  *set(key: string, value: Bytes): Co<void> {
    const [reply, answer] = oneshot<void>();
    this.router.tell({ route: "key-value", message: { op: "set", key, value, reply } });
    yield* answer;
  }

  *get(key: string): Co<Bytes | undefined> {
    const [reply, answer] = oneshot<Bytes | undefined>();
    this.router.tell({ route: "key-value", message: { op: "get", key, reply } });
    return yield* answer;
  }

  *delete(key: string): Co<void> {
    const [reply, answer] = oneshot<void>();
    this.router.tell({ route: "key-value", message: { op: "delete", key, reply } });
    yield* answer;
  }
}
