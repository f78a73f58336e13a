/**
 * A peer: one connection between two actor systems over any byte stream — a TCP or
 * Unix socket (`PollStream`, on the project's reactor) or a `MessagePort`
 * (`PortStream`). Each side exposes services (service-map.ts) and gets typed remote
 * addresses for the other side's (`peer.address(svc)`, remote-ref.ts). Frames:
 * wire.ts; events and the close future: peer-events.ts; incoming asks: incoming-ask.ts.
 *
 * Invariants:
 * 1. States: OPEN → CLOSED, once. Closing — here (`close()`), by the remote (end of
 *    stream), or by an error (I/O, a bad frame) — fails every pending outgoing ask
 *    at once with `ConnectionClosed`, emits exactly one event (`closed`,
 *    `closed-by-remote`, `error`), settles `whenClosed()`, and closes the stream.
 * 2. Incoming: a tell is told to the service's handler; an ask is asked, and its
 *    answer (or a typed error) goes back with the ask's correlation id. At most
 *    `maxInFlight` incoming asks are handled at once (peer-io.ts).
 * 3. Everything that goes wrong on the other side comes back typed: an unknown
 *    service, a handler failure, a payload that does not decode — as the failure of
 *    that ask, or (for a tell) as a `remote-error` event on the sender's peer.
 */
import type { Spawner } from "../../runtime/current.js";
import { spawnerHere } from "../../runtime/current.js";
import { BaseFuture } from "../../futures/base-future.js";
import type { Waker } from "../../futures/poll.js";
import type { AsyncRead, AsyncWrite } from "../../runtime/io/async-io.js";
import { PeerReader, PeerWriter, type ReaderHost, type WriterHost } from "./peer-io.js";
import { ConnectionClosed, RemoteError } from "./remote-errors.js";
import { RemoteAsk, RemoteRef, type AskChannel } from "./remote-ref.js";
import { answerFailure, IncomingAsk, replyFailure } from "./incoming-ask.js";
import { PeerEvents, type PeerEvent } from "./peer-events.js";
import { AskDeadlines } from "./ask-deadlines.js";
import type { Service, ServiceEntry, ServiceMap } from "./service-map.js";
import { FrameWriter } from "./frame-writer.js";
import { NOT_SCALAR, readScalar } from "./cbor-scalar.js";
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeAt,
  encodePayload,
  ERROR,
  FrameReader,
  REPLY,
  type RemoteErrorKind,
} from "./wire.js";

export type ByteStream = AsyncRead & AsyncWrite & { close(): void };

export interface PeerOptions {
  /** The services this side exposes (default: none — a client). */
  services?: ServiceMap;
  /** For addresses, errors and events (default `peer-<n>`). */
  name?: string;
  /** Largest frame read or written, header included (default 1 MiB). */
  maxFrameBytes?: number;
  /** Incoming asks handled at once; past it the socket is not read (default 64). */
  maxInFlight?: number;
  /** Default timeout of outgoing asks (default 60 s, as thespis_remote). */
  askTimeoutMs?: number;
  /** Where the reader, writer and incoming asks run (default: the current runtime). */
  runtime?: Spawner;
}

export type { PeerEvent };

let peers = 0;

export class Peer implements ReaderHost, WriterHost, AskChannel {
  readonly name: string;
  readonly maxInFlight: number;
  readonly askTimeoutMs: number;
  // The fields below are used by the machinery around this class (its reader and
  // writer loops, its host); they are not part of the user API.
  readonly frames: FrameReader;
  /** Frames queued for the writer (frame-writer.ts). */
  readonly outgoing: FrameWriter;
  inFlight = 0;
  /** The timeouts of the outgoing asks, and of the incoming asks being answered (one timer each for all). */
  readonly deadlines = new AskDeadlines();
  readonly answerDeadlines = new AskDeadlines();
  readerWaker: Waker | null = null;
  writerWaker: Waker | null = null;
  private readonly maxFrameBytes: number;
  private readonly services: ServiceMap | null;
  private readonly spawner: Spawner;
  private readonly pending = new Map<number, RemoteAsk<unknown>>();
  private nextCorrelation = 1;
  /** Checked on every frame; the rest of the close bookkeeping is in `events`. */
  private closeEvent: PeerEvent | null = null;
  private readonly events = new PeerEvents();

  constructor(
    private readonly stream: ByteStream,
    options: PeerOptions = {},
  ) {
    this.name = options.name ?? `peer-${++peers}`;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxInFlight = options.maxInFlight ?? 64;
    this.askTimeoutMs = options.askTimeoutMs ?? 60_000;
    this.services = options.services ?? null;
    this.spawner = options.runtime ?? spawnerHere();
    this.frames = new FrameReader(this.maxFrameBytes);
    this.outgoing = new FrameWriter(this.maxFrameBytes);
    this.spawner.spawn(new PeerReader(this, stream)).detach();
    this.spawner.spawn(new PeerWriter(this, stream)).detach();
  }

  get open(): boolean {
    return this.closeEvent === null;
  }

  /** A typed address of `svc` on the other side. */
  address<M, R>(svc: Service<M, R>): RemoteRef<M, R> {
    return new RemoteRef<M, R>(this, svc);
  }

  /** Hear every event (closed, closed-by-remote, error, remote-error); returns the unsubscribe function. */
  subscribe(listener: (event: PeerEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /**
   * A future of the event that closes the connection — for a supervising actor:
   * `ctx.task(peer.closed(), (event) => ({ kind: "peer-down", event }))`, then reconnect.
   */
  closed(): BaseFuture<PeerEvent> {
    return this.events.closed();
  }

  /** Resolves with the event that closed the connection. */
  whenClosed(): Promise<PeerEvent> {
    return this.events.whenClosed();
  }

  /** Close the connection; pending asks fail `ConnectionClosed`. Idempotent. */
  close(): void {
    this.finish({ kind: "closed" }, "closed here");
  }

  /** Outgoing asks waiting for their answer. */
  get pendingAsks(): number {
    return this.pending.size;
  }

  // ------------------------------------------------------------ AskChannel
  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  write(service: number, correlation: number, payload: Uint8Array, serviceName: string): void {
    if (this.closeEvent !== null) throw new ConnectionClosed(this.name, "the connection is closed");
    this.outgoing.appendPayload(service, correlation, payload, serviceName);
    this.wakeWriter();
  }

  /** Used by this class's loops: queue a frame carrying `value`, encoded straight into the batch (frame-writer.ts). */
  writeValue(service: number, correlation: number, value: unknown, serviceName: string): void {
    if (this.closeEvent !== null) throw new ConnectionClosed(this.name, "the connection is closed");
    this.outgoing.appendValue(service, correlation, value, serviceName);
    this.wakeWriter();
  }

  /** Used by this class's loops: the writer's next bytes. */
  takeOutgoing(): Buffer | null {
    return this.outgoing.take();
  }

  private wakeWriter(): void {
    const writer = this.writerWaker;
    if (writer !== null) {
      this.writerWaker = null;
      writer.wake();
    }
  }

  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  startAsk(service: number, message: unknown, ask: RemoteAsk<unknown>, serviceName: string): number {
    let correlation = this.nextCorrelation;
    this.nextCorrelation = correlation === 0xffff_ffff ? 1 : correlation + 1;
    while (this.pending.has(correlation)) correlation++;
    this.writeValue(service, correlation, message, serviceName);
    this.pending.set(correlation, ask);
    return correlation;
  }

  /** Used by the machinery around this class (its loops, its host); not part of the user API. */
  forgetAsk(correlation: number): void {
    this.pending.delete(correlation);
  }

  // ------------------------------------------------------------ ReaderHost
  /**
   * Used by this class's loops: one loop per chunk. A tell of a scalar to a known
   * service — every frame of a burst of tells — is delivered here, in a few lines V8
   * keeps inline; every other frame goes to `dispatch`, which handles all cases.
   * Imports are read into locals first: V8 reads an import through its module cell,
   * checked for initialization, at every access (~15 % of this loop's time per tell).
   */
  dispatchBuffered(): void {
    const frames = this.frames;
    const services = this.services;
    const reserved = ERROR;
    const read = readScalar;
    const notScalar = NOT_SCALAR;
    while (this.inFlight < this.maxInFlight && this.closeEvent === null && frames.advance()) {
      const service = frames.service;
      if (frames.correlation === 0 && service < reserved && services !== null) {
        const entry = services.lookup(service);
        if (entry !== undefined) {
          const message = read(frames.bytes, frames.payloadStart, frames.payloadEnd);
          if (message !== notScalar) {
            this.deliver(entry, message);
            continue;
          }
        }
      }
      this.dispatch();
    }
  }

  /** The incoming frame the reader just found (on `frames`, read in place). */
  private dispatch(): void {
    const frames = this.frames;
    const service = frames.service;
    const correlation = frames.correlation;
    if (service >= ERROR) return this.answer(service, correlation); // ERROR and REPLY are the two largest ids
    const entry = this.services?.lookup(service);
    if (entry === undefined)
      return this.reject(correlation, "unknown-service", `no service with id ${service} on ${this.name}`, "");
    let message: unknown;
    try {
      message = decodeAt(frames.bytes, frames.payloadStart, frames.payloadEnd);
    } catch (error) {
      return this.reject(
        correlation,
        "decode",
        `payload for ${entry.name} could not be decoded: ${(error as Error).message}`,
        entry.name,
      );
    }
    if (correlation === 0) return this.deliver(entry, message);
    this.inFlight++;
    new IncomingAsk(
      this,
      this.spawner,
      correlation,
      entry.name,
      entry.ref.ask(message, Infinity), // its timeout is the IncomingAsk's (incoming-ask.ts)
      entry.ref.name,
      this.askTimeoutMs,
    ).start();
  }

  /** An incoming tell, to its handler; a handler that refuses it (stopped) is reported to the sender. */
  private deliver(entry: ServiceEntry, message: unknown): void {
    try {
      entry.ref.tell(message);
    } catch (error) {
      this.reject(0, "stopped", `${entry.name}: ${(error as Error).message}`, entry.name);
    }
  }

  /** Used by this class's loops: an incoming ask was answered (value, or a typed error). */
  answered(correlation: number, outcome: { value: unknown } | { error: unknown }, serviceName: string): void {
    this.inFlight--;
    if (this.closeEvent === null) {
      if ("value" in outcome) {
        try {
          this.writeValue(REPLY, correlation, outcome.value, serviceName); // encoded in place, like a tell
        } catch (error) {
          const { kind, message } = replyFailure(error);
          this.reject(correlation, kind, message, serviceName);
        }
      } else {
        const { kind, message } = answerFailure(outcome.error);
        this.reject(correlation, kind, message, serviceName);
      }
    }
    const reader = this.readerWaker;
    this.readerWaker = null;
    reader?.wake();
  }

  /** Used by this class's loops: the stream ended or failed, or a frame was bad. */
  ended(reason: "eof" | "error", error?: unknown): void {
    if (reason === "eof") this.finish({ kind: "closed-by-remote" }, "closed by the remote");
    else this.finish({ kind: "error", error }, error instanceof Error ? error.message : String(error));
  }

  private answer(service: number, correlation: number): void {
    const frames = this.frames;
    if (service === ERROR) {
      let body: { kind?: RemoteErrorKind; message?: string; service?: string } = {};
      try {
        body = decodeAt(frames.bytes, frames.payloadStart, frames.payloadEnd) as typeof body;
      } catch {
        body = { kind: "decode", message: "an error frame could not be decoded" };
      }
      const error = new RemoteError(body.kind ?? "handler", body.message ?? "remote error", body.service ?? "");
      if (correlation === 0) return this.events.emit({ kind: "remote-error", error });
      const ask = this.pending.get(correlation);
      this.pending.delete(correlation);
      ask?.settleError(error);
      return;
    }
    const ask = this.pending.get(correlation);
    if (ask === undefined) return; // it timed out or was cancelled: the late reply is dropped
    this.pending.delete(correlation);
    ask.settleOk(frames.bytes, frames.payloadStart, frames.payloadEnd);
  }

  /** Send an ERROR frame (if the connection is still open). */
  private reject(correlation: number, kind: RemoteErrorKind, message: string, service: string): void {
    if (this.closeEvent !== null) return;
    try {
      this.write(ERROR, correlation, encodePayload({ kind, message, service }), service);
    } catch {
      // Closed meanwhile, or the message itself is too large: nothing more to say.
    }
  }

  private finish(event: PeerEvent, reason: string): void {
    if (this.closeEvent !== null) return;
    this.closeEvent = event;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.outgoing.clear();
    this.stream.close();
    const error = new ConnectionClosed(this.name, reason);
    for (const ask of pending) ask.settleError(error);
    this.deadlines.clear(); // (not answerDeadlines: an incoming ask still ends by its timeout, and its task with it)
    for (const w of [this.readerWaker, this.writerWaker]) w?.wake();
    this.readerWaker = this.writerWaker = null;
    this.events.closedWith(event);
  }
}
