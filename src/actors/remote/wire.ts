/**
 * The wire format of a peer connection (thespis_remote's, in spirit).
 *
 * A connection carries frames, in both directions, each:
 *
 *     offset  size  field
 *     0       4     length: u32 big-endian, the bytes that follow (8 + payload)
 *     4       4     service id: u32 big-endian (see below)
 *     8       4     correlation id: u32 big-endian
 *     12      n     payload: one CBOR data item (RFC 8949), encoded by cborg
 *
 * Service ids: a service's id is FNV-1a (32 bit) of `"namespace::Type"` (service-map.ts),
 * which never takes the two reserved values:
 *   - 0xFFFF_FFFF REPLY: the successful answer to the ask whose correlation id it echoes;
 *   - 0xFFFF_FFFE ERROR: a failure, payload `{ kind, message }` (`RemoteErrorKind`):
 *     with the correlation id of an ask, that ask failed; with correlation id 0, a
 *     connection-level error (a tell to an unknown service, a bad frame) for the
 *     receiver to report as a `remote-error` event.
 * Correlation ids: 0 for a tell (no reply), else a fresh non-zero id per outgoing ask,
 * local to the connection and its direction, echoed by the reply.
 *
 * Limits: a frame whose announced length exceeds the reader's limit is an error —
 * the reader reports it and closes, without allocating the announced size; so is a
 * length under 8. A frame over the writer's limit is refused before it is written.
 *
 * Why CBOR via cborg: a self-describing binary format with an RFC (no schema to keep in
 * step across processes), and cborg is strict — it refuses malformed or trailing input
 * instead of guessing, which is what lets a decode error come back as a typed error —
 * and deterministic (the same value always encodes to the same bytes, so the golden
 * frames in the tests are stable). Pure JavaScript with no native build step
 * (msgpackr's speed comes with an optional native addon). Pinned at 6.1.5, which runs
 * on Node 20. Shapes: null, undefined, booleans, numbers (NaN, ±Infinity; -0 arrives as 0),
 * strings, Uint8Array, arrays and plain objects with string keys, bigint within ±2^64
 * (in the safe integer range it arrives as a number). A class instance arrives as a plain object.
 */
import { encode, Tokenizer, tokensToObject } from "cborg";
import { NOT_SCALAR, readScalar } from "./cbor-scalar.js";

export const HEADER_BYTES = 12;
export const REPLY = 0xffff_ffff;
export const ERROR = 0xffff_fffe;
/** Default largest frame (header included) a peer reads or writes. */
export const DEFAULT_MAX_FRAME_BYTES = 1 << 20;

export type RemoteErrorKind = "unknown-service" | "handler" | "decode" | "timeout" | "frame-too-large" | "stopped";

export interface Frame {
  readonly service: number;
  readonly correlation: number;
  readonly payload: Uint8Array;
}

/** Encode `value` as a payload (cborg throws for what CBOR cannot carry, e.g. a function). */
export function encodePayload(value: unknown): Uint8Array {
  return encode(value);
}

/** The options cborg's `decode` uses by default, built once (it rebuilds them per call). */
const DECODE_OPTIONS = { strict: false, allowIndefinite: true, allowUndefined: true, allowBigInt: true };
const DONE = Symbol.for("DONE");
const EMPTY = new Uint8Array(0);
const BREAK = Symbol.for("BREAK");

/**
 * One tokenizer for every decode, pointed at each payload in turn: a decode runs to
 * its end synchronously (no tags, so no user code runs inside it), so no two ever
 * share it. It lets go of the payload afterwards, so it keeps no chunk alive.
 */
const tokenizer = new Tokenizer(EMPTY, DECODE_OPTIONS);

/**
 * Decode a payload; throws on malformed input. A scalar is read by hand
 * (cbor-scalar.ts); anything else is what cborg's `decode` does, with its own
 * tokenizer and errors, minus its per-call costs: a copy of the options, a fresh
 * tokenizer, a fresh view of a `Buffer`, and a view of the remainder only to check
 * it is empty.
 */
export function decodePayload(payload: Uint8Array): unknown {
  return decodeAt(payload, 0, payload.length);
}

/** Decode the payload that lies at `bytes[at, end)` — read in place, no view unless cborg needs one. */
export function decodeAt(bytes: Uint8Array, at: number, end: number): unknown {
  const scalar = readScalar(bytes, at, end);
  return scalar !== NOT_SCALAR ? scalar : decodeWithCborg(bytes, at, end);
}

/** `decodeAt` for what is not a scalar (its own function, so that `decodeAt` is small enough to inline). */
function decodeWithCborg(bytes: Uint8Array, at: number, end: number): unknown {
  // cborg's tokenizer reads its data from 0 to the end: a plain view of just the payload.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset + at, end - at);
  tokenizer.data = view;
  tokenizer._pos = 0;
  let value: unknown;
  try {
    value = tokensToObject(tokenizer, DECODE_OPTIONS);
  } finally {
    tokenizer.data = EMPTY;
  }
  if (value === DONE) throw new Error("CBOR decode error: did not find any content to decode");
  if (value === BREAK) throw new Error("CBOR decode error: got unexpected break");
  if (tokenizer._pos !== view.length) throw new Error("CBOR decode error: too many terminals, data makes no sense");
  return value;
}

/** One frame's bytes: header + payload. */
export function encodeFrame(service: number, correlation: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(8 + payload.length, 0);
  frame.writeUInt32BE(service >>> 0, 4);
  frame.writeUInt32BE(correlation >>> 0, 8);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

/** The big-endian u32 at `at` (in range: the caller checked; `readUInt32BE` would check again, per field). */
function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** A framing error: the connection cannot go on. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/**
 * Cuts a byte stream into frames. Feed it chunks as they arrive; `next()` gives the
 * next complete frame or null. Keeps at most one partial frame's bytes joined.
 *
 * A frame that lies within one chunk is read in place: the reader keeps an offset
 * into its first chunk instead of slicing the rest off after each frame. `advance()`
 * is the allocation-free form a peer's reader uses: it leaves the frame's header
 * fields and the place of its payload (`bytes[payloadStart, payloadEnd)`) on the
 * reader itself, so a small frame costs no frame object and no payload view — at
 * millions of small frames per second, those were the reader's main cost. `next()`
 * builds both (a plain `Uint8Array` view: a `Buffer` view costs several times more).
 */
export class FrameReader {
  /** The frame the last successful `advance()` found; valid until the next call. */
  service = 0;
  correlation = 0;
  bytes: Uint8Array = EMPTY;
  payloadStart = 0;
  payloadEnd = 0;
  private chunks: Buffer[] = [];
  /** Where the unread bytes of `chunks[0]` start. */
  private offset = 0;
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Bytes received but not yet returned as frames. */
  get pending(): number {
    return this.buffered;
  }

  /** The next complete frame, or null; throws FrameError on a bad length. */
  next(): Frame | null {
    if (!this.advance()) return null;
    const bytes = this.bytes;
    return {
      service: this.service,
      correlation: this.correlation,
      payload: new Uint8Array(bytes.buffer, bytes.byteOffset + this.payloadStart, this.payloadEnd - this.payloadStart),
    };
  }

  /** Step to the next complete frame (its fields are on the reader); false if none yet. Throws FrameError on a bad
   * length. */
  advance(): boolean {
    if (this.buffered < 4) return false;
    let chunk = this.chunks[0]!;
    let at = this.offset;
    // The usual case — the frame lies within the first chunk — is checked here, not in `gather`: it is one compare,
    // and a call per frame (twice) was a tenth of a small frame's cost.
    if (chunk.length - at < 4) {
      this.gather(4);
      chunk = this.chunks[0]!;
      at = 0;
    }
    const length = u32(chunk, at);
    if (length < 8) throw new FrameError(`frame length ${length} is under the 8-byte header`);
    if (length + 4 > this.maxFrameBytes)
      throw new FrameError(`frame of ${length + 4} bytes exceeds the limit of ${this.maxFrameBytes}`);
    const size = length + 4;
    if (this.buffered < size) return false;
    if (chunk.length - at < size) {
      this.gather(size);
      chunk = this.chunks[0]!;
      at = 0;
    }
    this.service = u32(chunk, at + 4);
    this.correlation = u32(chunk, at + 8);
    this.bytes = chunk;
    this.payloadStart = at + HEADER_BYTES;
    this.payloadEnd = at + size;
    this.buffered -= size;
    if (at + size === chunk.length) {
      this.chunks.shift();
      this.offset = 0;
    } else {
      this.offset = at + size;
    }
    return true;
  }

  /**
   * Make the first chunk hold at least `n` unread bytes: copy just those `n` into a
   * fresh buffer and leave the rest of the last chunk they came from in place. (Joining
   * the chunks whole — the simple way — copied the whole next chunk for every frame
   * that straddled two, i.e. most of the stream once more when reads come 64 KiB at a time.)
   */
  private gather(n: number): void {
    const chunks = this.chunks;
    const joined = Buffer.allocUnsafe(n);
    let filled = chunks[0]!.copy(joined, 0, this.offset);
    let used = 1;
    while (filled < n) {
      const chunk = chunks[used]!;
      const take = Math.min(chunk.length, n - filled);
      chunk.copy(joined, filled, 0, take);
      filled += take;
      if (take < chunk.length) chunks[used] = chunk.subarray(take);
      else used++;
    }
    chunks.splice(0, used, joined);
    this.offset = 0;
  }
}
