/** The services a thread actor's worker exposes to its owner (actor-worker.ts). */
import type { Future } from "../../futures/poll.js";
import type { ActorExit, Recipient } from "../actor.js";
import { service } from "../remote/service-map.js";

export const MessageService = service<unknown, unknown>("thread", "Message");
export const PriorityService = service<unknown, void>("thread", "Priority");
export const StopService = service<null, void>("thread", "Stop");
export const ExitService = service<null, WireExit>("thread", "Exit");

/** An `ActorExit` as it crosses the port: the error as its name and message (an Error does not encode). */
export type WireExit =
  { kind: "completed"; killed: boolean } | { kind: "failed"; phase: string; error: { name: string; message: string } };

export function toWireExit(exit: ActorExit): WireExit {
  if (exit.kind === "completed") return exit;
  const e = exit.error as Error;
  return {
    kind: "failed",
    phase: exit.phase,
    error: { name: e?.name ?? "Error", message: e?.message ?? String(exit.error) },
  };
}

/** A service handler from two functions: what a tell does, and what an ask answers. */
export function handler(
  tell: (m: unknown) => void,
  ask?: (m: unknown) => Future<unknown>,
): Recipient<unknown, unknown> {
  const unsupported = (): never => {
    throw new Error("not offered by this service");
  };
  return {
    name: "thread-control",
    tell,
    tryTell: (m) => (tell(m), true),
    send: unsupported,
    ask: (ask ?? unsupported) as Recipient<unknown, unknown>["ask"],
  };
}
