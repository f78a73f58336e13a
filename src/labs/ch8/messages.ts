/**
 * The book's message layout for the router pattern (Figure 8-1), plus the writer's
 * log messages (E8.5) and the heartbeat/reset routes (E8.6).
 *
 * Invariant: every request that expects an answer carries its own one-shot reply
 * slot, as in the book — the router only forwards, it never waits for a reply, so one
 * slow key-value request cannot hold up routing (rejected: `router.ask(kv.ask(..))`,
 * which serialises every request behind the previous one's reply).
 */
import type { OneshotSender } from "../../index.js";

export type Bytes = Uint8Array;

/** The answer to a set/delete: undefined once it is durable, or the error that kept it from being applied. */
export type WriteAck = Error | undefined;

export type KeyValueMessage =
  | { readonly op: "get"; readonly key: string; readonly reply: OneshotSender<Bytes | undefined> }
  | { readonly op: "set"; readonly key: string; readonly value: Bytes; readonly reply: OneshotSender<WriteAck> }
  | { readonly op: "delete"; readonly key: string; readonly reply: OneshotSender<WriteAck> };

/** Which actor a heartbeat or a reset is about (the book's `ActorType`). */
export type ActorType = "key-value" | "writer";

export type RoutingMessage =
  | { readonly route: "key-value"; readonly message: KeyValueMessage }
  | { readonly route: "heartbeat"; readonly from: ActorType }
  | { readonly route: "reset"; readonly actor: ActorType }
  /** Fault injection for the lab and tests: make `actor` hang for `ms`, as a stuck disk or a runaway handler would. */
  | { readonly route: "stall"; readonly actor: ActorType; readonly ms: number };

/** The writer's log: built from a key-value message that changes state (the book's `WriterLogMessage`). */
export type WriterMessage =
  | { readonly op: "set"; readonly key: string; readonly value: Bytes }
  | { readonly op: "delete"; readonly key: string }
  /** The state read from disk at start, for the key-value actor to begin with. */
  | { readonly op: "load" }
  /** Heartbeat tick (E8.6). */
  | { readonly op: "beat" }
  /** Test and lab hook: hang for `ms` like a stuck disk, so no heartbeat goes out. */
  | { readonly op: "stall"; readonly ms: number };

/** `WriterLogMessage::from_key_value_message`: gets are not logged. */
export function toWriterMessage(message: KeyValueMessage): WriterMessage | null {
  switch (message.op) {
    case "get":
      return null;
    case "set":
      return { op: "set", key: message.key, value: message.value };
    case "delete":
      return { op: "delete", key: message.key };
  }
}

/** Rust's `{:?}` of a `HashMap<String, Vec<u8>>`, so our printout reads like the book's. */
export function debugMap(map: ReadonlyMap<string, Bytes>): string {
  const entries = [...map].map(([k, v]) => `${JSON.stringify(k)}: ${debugBytes(v)}`);
  return `{${entries.join(", ")}}`;
}

export function debugBytes(value: Bytes): string {
  return `[${Array.from(value).join(", ")}]`;
}

export function debugOption(value: Bytes | undefined): string {
  return value === undefined ? "None" : `Some(${debugBytes(value)})`;
}
