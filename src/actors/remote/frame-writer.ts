/**
 * The outgoing side of the wire format (wire.ts): frames are encoded straight into
 * one growing batch buffer, and the peer's writer takes whatever was appended since
 * its last turn as one write.
 *
 * Invariants:
 * 1. Bytes handed out by `take()` are never written again: new frames go after them
 *    (or into a fresh buffer), so a socket may keep a reference to a handed-out
 *    region until it is flushed. A full buffer is dropped, never reused.
 * 2. Frames leave in the order they were appended (tells, asks, replies, errors all
 *    go through here), and a frame is never split across two `take()`s unless it is
 *    larger than a whole batch — a region ends on a frame boundary.
 * 3. The bytes are exactly what `encodeFrame(service, correlation, encodePayload(v))`
 *    gives: the payload is written into the room after the 12-byte header — by hand
 *    for a scalar (cbor-scalar.ts), else by cborg's `encodeInto` with the same options
 *    as `encode` — and the header after it, once the payload's length is known. So a
 *    tell costs no payload array, no frame array and no copy into a batch (the costs
 *    that dominated it), and a scalar tell allocates nothing at all.
 * 4. A value that does not fit the room left (or cannot be encoded at all) takes the
 *    slow path: `encodePayload` — which throws cborg's error for what CBOR cannot
 *    carry — then the size limit, then a copy. The limit is checked before anything
 *    is appended, so a refused frame leaves nothing behind.
 */
import { encodeInto } from "cborg";
import { writeScalar } from "./cbor-scalar.js";
import { RemoteError } from "./remote-errors.js";
import { encodePayload, HEADER_BYTES } from "./wire.js";

/** Size of a fresh batch buffer; also the most one `take()` hands out (one socket write). */
export const BATCH_BYTES = 64 * 1024;
/** Payloads up to this many bytes are copied by a loop rather than `Uint8Array.set`. */
const SMALL_COPY = 32;

export class FrameWriter {
  /** A plain Uint8Array, not a Buffer: cborg gets a view of it per frame it encodes, and a Buffer view costs several
   * times more to make. */
  private buffer: Uint8Array = batchBuffer(BATCH_BYTES);
  /** The same bytes, for the three big-endian u32s of a header (three stores, not twelve). */
  private view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  /** Bytes before `start` were handed out; `[start, end)` is queued for the next take. */
  private start = 0;
  private end = 0;
  /** Regions sealed because their buffer filled up, oldest first. */
  private sealed: Uint8Array[] = [];

  constructor(private readonly maxFrameBytes: number) {}

  /** Append a frame whose payload is `value`, encoded in place (invariant 3). */
  appendValue(service: number, correlation: number, value: unknown, serviceName: string): void {
    const at = this.end;
    const b = this.buffer;
    const written = writeScalar(b, at + HEADER_BYTES, Math.min(b.length, at + this.maxFrameBytes), value);
    if (written >= 0) {
      this.header(at, service, correlation, written);
      this.end = at + HEADER_BYTES + written;
    } else {
      this.appendEncoded(service, correlation, value, serviceName);
    }
  }

  /** `appendValue` for what is not a scalar: cborg. Its own method, so the scalar path stays small enough to inline. */
  private appendEncoded(service: number, correlation: number, value: unknown, serviceName: string): void {
    const at = this.end;
    const room = Math.min(this.buffer.length - at, this.maxFrameBytes) - HEADER_BYTES;
    if (room > 0) {
      let written = -1;
      try {
        written = encodeInto(value, this.buffer.subarray(at + HEADER_BYTES, at + HEADER_BYTES + room)).written;
      } catch {
        // No room, or not encodable: the slow path says which (invariant 4).
      }
      if (written >= 0) {
        this.header(at, service, correlation, written);
        this.end = at + HEADER_BYTES + written;
        return;
      }
    }
    this.appendPayload(service, correlation, encodePayload(value), serviceName);
  }

  /** Append a frame with an already encoded payload (copied). */
  appendPayload(service: number, correlation: number, payload: Uint8Array, serviceName: string): void {
    const size = HEADER_BYTES + payload.length;
    if (size > this.maxFrameBytes) {
      throw new RemoteError(
        "frame-too-large",
        `a ${size}-byte frame exceeds the limit of ${this.maxFrameBytes}`,
        serviceName,
      );
    }
    if (this.buffer.length - this.end < size) this.fresh(size);
    const at = this.end;
    this.header(at, service, correlation, payload.length);
    const b = this.buffer;
    const n = payload.length;
    // `set` is a builtin call whose fixed cost dwarfs a copy of a few bytes (most replies are one).
    if (n <= SMALL_COPY) for (let i = 0; i < n; i++) b[at + HEADER_BYTES + i] = payload[i]!;
    else b.set(payload, at + HEADER_BYTES);
    this.end = at + size;
  }

  /** The next bytes to write (sealed regions first, then what was appended since), or null. */
  take(): Buffer | null {
    const sealed = this.sealed;
    let region: Uint8Array;
    if (sealed.length > 0) region = sealed.shift()!;
    else if (this.end === this.start) return null;
    else {
      region = this.buffer.subarray(this.start, this.end);
      this.start = this.end;
    }
    return Buffer.from(region.buffer, region.byteOffset, region.byteLength);
  }

  /** Drop everything queued (the connection closed). */
  clear(): void {
    this.sealed = [];
    this.start = this.end;
  }

  private header(at: number, service: number, correlation: number, payloadLength: number): void {
    const v = this.view;
    v.setUint32(at, 8 + payloadLength);
    v.setUint32(at + 4, service);
    v.setUint32(at + 8, correlation);
  }

  /** Seal what is queued in the current buffer and continue in a new one of at least `size` bytes (invariant 1). */
  private fresh(size: number): void {
    if (this.end > this.start) this.sealed.push(this.buffer.subarray(this.start, this.end));
    const buffer = batchBuffer(Math.max(BATCH_BYTES, size));
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.start = this.end = 0;
  }
}

/**
 * A batch buffer, not zero-filled: only bytes a frame was written to are ever handed
 * out (`[start, end)`), so zeroing 64 KiB per batch — a fresh one every few thousand
 * small frames — would be work no byte on the wire depends on.
 */
function batchBuffer(size: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}
