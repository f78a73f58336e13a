/** Errors the actor layer reports. Each has a stable `name` (spawned's `ActorStopped` / `RequestTimeout`). */

/** The actor has stopped (or is stopping) and takes no more messages; an `ask` whose actor died before replying. */
export class ActorStopped extends Error {
  constructor(readonly actor: string) {
    super(`actor ${actor} has stopped`);
    this.name = "ActorStopped";
  }
}

/** An `ask` got no reply within its timeout (default 5 s, as in spawned). */
export class RequestTimeout extends Error {
  constructor(
    readonly actor: string,
    readonly ms: number,
  ) {
    super(`actor ${actor} did not reply within ${ms} ms`);
    this.name = "RequestTimeout";
  }
}

/** `tell` to a bounded mailbox that is full: the message was not queued. */
export class MailboxFull extends Error {
  constructor(
    readonly actor: string,
    readonly capacity: number,
  ) {
    super(`mailbox of actor ${actor} is full (capacity ${capacity})`);
    this.name = "MailboxFull";
  }
}

/** `register(name, ref)` for a name already taken. */
export class AlreadyRegistered extends Error {
  constructor(readonly actorName: string) {
    super(`an actor is already registered as "${actorName}"`);
    this.name = "AlreadyRegistered";
  }
}

/** A supervisor gave up on a child (restart intensity exceeded, or directive `escalate`) and fails itself. */
export class Escalated extends Error {
  constructor(
    readonly child: string,
    cause: unknown,
  ) {
    super(`child ${child} failed and was escalated: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "Escalated";
  }
}

/** An ask that would close a wait-for cycle (A asks B while B waits for A; an actor asking itself). */
export class Deadlock extends Error {
  constructor(readonly cycle: string[]) {
    super(`ask deadlock: ${[...cycle, cycle[0]].join(" → ")}`);
    this.name = "Deadlock";
  }
}
