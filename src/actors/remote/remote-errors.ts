/** Errors of the remote layer: each says what happened and which service / peer. */
import type { RemoteErrorKind } from "./wire.js";

/** The other side could not handle our message: unknown service, handler failure, decode error… */
export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    /** The service the failed message was for (empty for a connection-level error). */
    readonly service: string,
  ) {
    super(message);
    this.name = "RemoteError";
  }
}

/** The connection ended (closed here, closed by the remote, or failed) before the ask was answered. */
export class ConnectionClosed extends Error {
  constructor(
    readonly peer: string,
    readonly reason: string,
  ) {
    super(`connection ${peer} closed: ${reason}`);
    this.name = "ConnectionClosed";
  }
}
