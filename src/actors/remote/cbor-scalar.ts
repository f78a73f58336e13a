/**
 * CBOR for the one-item scalars most messages are — an integer, a short ASCII
 * string, a boolean, null, undefined — read and written by hand, byte for byte what
 * cborg reads and writes; everything else goes to cborg (wire.ts, frame-writer.ts).
 *
 * Why: at millions of small frames per second, cborg's per-call set-up (a copy of
 * its options, a writer or tokenizer object, a result object, a view per payload)
 * cost more than the frame itself. A scalar is one head byte and at most four more
 * (RFC 8949 §3): major type in the top 3 bits, then either the value (< 24) or
 * 24/25/26 = a 1/2/4-byte big-endian argument.
 *
 * Invariants (the framing tests check them against cborg on arbitrary input):
 * 1. `writeScalar` writes exactly `encode(value)`'s bytes or nothing (returns -1):
 *    deterministic CBOR gives an integer its shortest head, and -0 is an integer, 0.
 *    Integers beyond 32 bits, floats, non-ASCII or longer strings are left to cborg.
 * 2. `readScalar` returns what cborg's `decode` (with the peer's options) returns for
 *    the bytes, or NOT_SCALAR when they are anything else — including a scalar with
 *    trailing bytes or cut short, which cborg then refuses with its own error.
 */

/** `readScalar` could not say: let cborg decode (or refuse) the bytes. */
export const NOT_SCALAR: unique symbol = Symbol("not a scalar");

const UINT = 0x00;
const NEGINT = 0x20;
const TEXT = 0x60;
const FALSE = 0xf4;
const TRUE = 0xf5;
const NULL = 0xf6;
const UNDEFINED = 0xf7;
/** Longest string written by hand: its length fits the head byte. */
const MAX_SHORT = 23;

/**
 * Write `value`'s CBOR at `at` in `b` if it is a scalar this file handles and fits
 * before `limit`; returns the bytes written, or -1 (nothing written: use cborg).
 */
export function writeScalar(b: Uint8Array, at: number, limit: number, value: unknown): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return -1;
    return value >= 0 ? writeHead(b, at, limit, UINT, value) : writeHead(b, at, limit, NEGINT, -1 - value);
  }
  if (typeof value === "string") return writeShortString(b, at, limit, value);
  if (typeof value === "boolean") return writeByte(b, at, limit, value ? TRUE : FALSE);
  if (value === undefined) return writeByte(b, at, limit, UNDEFINED);
  if (value === null) return writeByte(b, at, limit, NULL);
  return -1;
}

function writeShortString(b: Uint8Array, at: number, limit: number, s: string): number {
  const length = s.length;
  if (length > MAX_SHORT || at + 1 + length > limit) return -1;
  // UTF-8 needs more bytes than chars past ASCII: cborg counts them. Checked first, so a refusal writes nothing.
  for (let i = 0; i < length; i++) if (s.charCodeAt(i) >= 0x80) return -1;
  for (let i = 0; i < length; i++) b[at + 1 + i] = s.charCodeAt(i);
  b[at] = TEXT | length;
  return 1 + length;
}

function writeByte(b: Uint8Array, at: number, limit: number, byte: number): number {
  if (at >= limit) return -1;
  b[at] = byte;
  return 1;
}

/** Head of major type `major` with argument `n` (0 ≤ n < 2^32), shortest form. */
function writeHead(b: Uint8Array, at: number, limit: number, major: number, n: number): number {
  if (n < 24) return writeByte(b, at, limit, major | n);
  if (n < 0x100) {
    if (at + 2 > limit) return -1;
    b[at] = major | 24;
    b[at + 1] = n;
    return 2;
  }
  if (n < 0x1_0000) {
    if (at + 3 > limit) return -1;
    b[at] = major | 25;
    b[at + 1] = n >>> 8;
    b[at + 2] = n;
    return 3;
  }
  if (n < 0x1_0000_0000) {
    if (at + 5 > limit) return -1;
    b[at] = major | 26;
    b[at + 1] = n >>> 24;
    b[at + 2] = n >>> 16;
    b[at + 3] = n >>> 8;
    b[at + 4] = n;
    return 5;
  }
  return -1; // 8-byte argument: cborg's bigint-aware path
}

/**
 * The scalar in `b[at, end)`, or NOT_SCALAR. A one-byte payload — a small integer, a
 * boolean, null, undefined, "" — is one load from a table built by `readLonger`
 * itself, so the two cannot disagree; this function stays small enough for V8 to
 * inline into the peer's read loop. (Measured on a burst of tells of 1: the call to
 * the whole decoder was ~8 % of the receiving thread's time; thread-tell went from
 * 44.8 to 43.3 ns per tell, medians of four.)
 */
export function readScalar(b: Uint8Array, at: number, end: number): unknown {
  return end - at === 1 ? ONE_BYTE[b[at]!] : readLonger(b, at, end);
}

/** `readScalar` for any size (its own function: the one-byte path above is the hot one). */
function readLonger(b: Uint8Array, at: number, end: number): unknown {
  const size = end - at;
  if (size <= 0) return NOT_SCALAR;
  const head = b[at]!;
  const major = head & 0xe0;
  const info = head & 0x1f;
  if (major === UINT || major === NEGINT) {
    let n: number;
    if (info < 24) {
      if (size !== 1) return NOT_SCALAR;
      n = info;
    } else if (info === 24) {
      if (size !== 2) return NOT_SCALAR;
      n = b[at + 1]!;
    } else if (info === 25) {
      if (size !== 3) return NOT_SCALAR;
      n = (b[at + 1]! << 8) | b[at + 2]!;
    } else if (info === 26) {
      if (size !== 5) return NOT_SCALAR;
      n = ((b[at + 1]! << 24) | (b[at + 2]! << 16) | (b[at + 3]! << 8) | b[at + 4]!) >>> 0;
    } else {
      return NOT_SCALAR;
    }
    return major === UINT ? n : -1 - n;
  }
  if (major === TEXT) {
    if (info > MAX_SHORT || size !== 1 + info) return NOT_SCALAR;
    let s = "";
    for (let i = at + 1; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return NOT_SCALAR; // UTF-8 (or not): cborg's decoder
      s += String.fromCharCode(c);
    }
    return s;
  }
  if (size !== 1) return NOT_SCALAR;
  switch (head) {
    case FALSE:
      return false;
    case TRUE:
      return true;
    case NULL:
      return null;
    case UNDEFINED:
      return undefined;
    default:
      return NOT_SCALAR;
  }
}

/** What `readLonger` reads for each one-byte payload, indexed by that byte. */
const ONE_BYTE: unknown[] = Array.from({ length: 256 }, (_, byte) => readLonger(Uint8Array.of(byte), 0, 1));
