/**
 * `ChunkedDecoder`: the chunked transfer coding (RFC 9112 §7.1) as an incremental
 * state machine.
 *
 * Invariant: every byte handed to `push` is examined a bounded number of times (once,
 * or twice for the first byte of an extension name), and body bytes are copied once,
 * into one growing output buffer. Nothing is re-scanned when the next
 * read arrives and the input is never concatenated — so decoding is linear in the
 * bytes received however they are split (rejected: re-decode the whole buffer after
 * every read — quadratic: 8.4 MB of 1-byte-chunk framing cost 58 CPU-seconds — and keep one
 * `subarray` per chunk — one object per body byte for 1-byte chunks).
 *
 * The states, in the order a chunk passes through them:
 *   SIZE      the first hex digit of a chunk size (anything else: 400)
 *   SIZE_MORE more hex digits, `;` (→ EXT) or CR (→ SIZE_LF)
 *   EXT …     chunk extensions: `;` name [`=` token | quoted-string], checked the
 *             way llhttp checks them (EXT_NAME, EXT_VALUE, EXT_QUOTE, EXT_ESCAPE
 *             after a `\`, EXT_QUOTED after the closing quote), then ignored
 *   SIZE_LF   the LF after the size line's CR; then DATA, or TRAILER after size 0
 *   DATA      `remaining` body bytes, copied in one go when they are buffered
 *   DATA_CR / DATA_LF  the CRLF that must close every chunk's data
 *   TRAILER   field lines until an empty line; kept (bounded like a head) and
 *             parsed with the header grammar once complete
 *   DONE      `push` consumes nothing more: what follows is the next message.
 * A bare LF or CR anywhere in the framing is a 400, as in a head.
 */
import { HttpParseError } from "./http-error.js";
import { badSectionByte, fieldMap, parseFieldLines, type FieldMap } from "./http-fields.js";

const SIZE = 0,
  SIZE_MORE = 1,
  EXT = 2,
  EXT_NAME = 3,
  EXT_VALUE = 4,
  EXT_QUOTE = 5,
  EXT_ESCAPE = 6,
  EXT_QUOTED = 7,
  SIZE_LF = 8;
const DATA = 9,
  DATA_CR = 10,
  DATA_LF = 11,
  TRAILER = 12,
  TRAILER_LF = 13,
  DONE = 14;

/** Longest chunk-size line (size and extensions) we read before answering 400. */
const MAX_SIZE_LINE = 4096;

/** hex value of a byte, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** tchar (RFC 9110 §5.6.2), as a byte table. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 1;
for (let c = 97; c <= 122; c++) TCHAR[c] = 1;

export class ChunkedDecoder {
  private state = SIZE;
  /** Body bytes still to come in the current chunk (DATA), or the size being read. */
  private remaining = 0;
  /** Bytes of the current size line (bounded) or of the trailer section (bounded). */
  private lineBytes = 0;
  private out: Buffer = Buffer.allocUnsafe(0);
  private outLength = 0;
  private trailerText = "";
  /** Bytes in the current trailer line (0 at the start of a line). */
  private trailerLine = 0;
  /** The trailer fields, once `done` (prototype-free, like headers). */
  trailers: FieldMap = fieldMap();

  constructor(
    private readonly maxBody: number,
    private readonly maxTrailer: number,
  ) {}

  get done(): boolean {
    return this.state === DONE;
  }

  /** The decoded body (valid once `done`). */
  body(): Buffer {
    return this.out.subarray(0, this.outLength);
  }

  /**
   * Decode from `input`; returns how many bytes were consumed: all of them, unless
   * the body ended inside `input` (the rest belongs to the next message).
   */
  push(input: Buffer): number {
    const n = input.length;
    let i = 0;
    let state = this.state;
    while (i < n && state !== DONE) {
      const c = input[i]!;
      switch (state) {
        case SIZE:
        case SIZE_MORE: {
          const h = hexValue(c);
          if (h >= 0) {
            this.remaining = this.remaining * 16 + h;
            if (this.remaining > this.maxBody - this.outLength)
              throw new HttpParseError(413, `body larger than ${this.maxBody} bytes`);
            state = SIZE_MORE;
          } else if (state === SIZE) throw new HttpParseError(400, "invalid chunk size");
          else if (c === 13) state = SIZE_LF;
          else if (c === 59 /* ; */) state = EXT;
          else throw new HttpParseError(400, "invalid chunk size");
          i++;
          break;
        }
        case EXT:
          // Extensions are ignored, but checked (as llhttp does): a CR, LF or CTL hidden
          // in one is how a lenient parser and a strict one come to read different
          // chunk boundaries. After `;` comes a name — not a space, not the line's end.
          if (c === 32 || c === 13 || c === 10) throw new HttpParseError(400, "invalid character in a chunk extension");
          state = EXT_NAME;
          break; // the same byte is read again as part of the name
        case EXT_NAME:
        case EXT_VALUE:
          if (TCHAR[c] === 1) {
            /* name or token value continues */
          } else if (c === 59 /* ; */) state = EXT;
          else if (c === 13) state = SIZE_LF;
          else if (c === 61 /* = */ && state === EXT_NAME) state = EXT_VALUE;
          else if (c === 34 /* " */ && state === EXT_VALUE) state = EXT_QUOTE;
          else throw new HttpParseError(400, "invalid character in a chunk extension");
          i++;
          break;
        case EXT_QUOTE:
          if (c === 34) state = EXT_QUOTED;
          else if (c === 92 /* \ */) state = EXT_ESCAPE;
          else if ((c < 32 && c !== 9) || c === 127)
            throw new HttpParseError(400, "invalid character in a chunk extension");
          i++;
          break;
        case EXT_ESCAPE:
          if ((c < 32 && c !== 9) || c === 127) throw new HttpParseError(400, "invalid character in a chunk extension");
          state = EXT_QUOTE;
          i++;
          break;
        case EXT_QUOTED:
          if (c === 59) state = EXT;
          else if (c === 13) state = SIZE_LF;
          else throw new HttpParseError(400, "invalid character after a quoted chunk extension");
          i++;
          break;
        case SIZE_LF:
          if (c !== 10) throw new HttpParseError(400, "chunk size line not ended by CRLF");
          i++;
          this.lineBytes = 0;
          state = this.remaining === 0 ? TRAILER : DATA;
          break;
        case DATA: {
          const take = Math.min(this.remaining, n - i);
          this.append(input, i, take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) state = DATA_CR;
          break;
        }
        case DATA_CR:
          if (c !== 13) throw new HttpParseError(400, "chunk data not followed by CRLF");
          state = DATA_LF;
          i++;
          break;
        case DATA_LF:
          if (c !== 10) throw new HttpParseError(400, "chunk data not followed by CRLF");
          state = SIZE;
          this.lineBytes = 0;
          i++;
          break;
        case TRAILER:
          // Trailers are collected byte by byte: they are bounded (like a head), so
          // this loop is too, and it keeps the CRLF bookkeeping in one place.
          if (c === 13) state = TRAILER_LF;
          else if (c === 10) throw new HttpParseError(400, "bare LF in the trailers");
          else {
            this.trailerLine++;
            this.trailerText += String.fromCharCode(c);
          }
          if (++this.lineBytes > this.maxTrailer)
            throw new HttpParseError(431, `trailers larger than ${this.maxTrailer} bytes`);
          i++;
          break;
        case TRAILER_LF:
          if (c !== 10) throw new HttpParseError(400, "bare CR in the trailers");
          i++;
          if (this.trailerLine === 0) {
            this.finishTrailers();
            state = DONE;
          } else {
            this.trailerText += "\r\n";
            this.trailerLine = 0;
            state = TRAILER;
          }
          break;
      }
      if (state <= SIZE_LF && ++this.lineBytes > MAX_SIZE_LINE)
        throw new HttpParseError(400, "chunk size line too long");
    }
    this.state = state;
    return i;
  }

  private finishTrailers(): void {
    // trailerText: the field lines, CRLF-separated (none after the last one).
    const text = this.trailerText;
    const bad = badSectionByte(text);
    if (bad !== null) throw new HttpParseError(400, `${bad} in the trailers`);
    parseFieldLines(text, 0, text.length, this.trailers, "trailer");
  }

  private append(input: Buffer, from: number, count: number): void {
    const need = this.outLength + count;
    if (need > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBody, Math.max(need, this.out.length * 2, 1024)));
      this.out.copy(grown, 0, 0, this.outLength);
      this.out = grown;
    }
    if (count <= 16) for (let k = 0; k < count; k++) this.out[this.outLength + k] = input[from + k]!;
    else input.copy(this.out, this.outLength, from, from + count);
    this.outLength = need;
  }
}

/**
 * Decode a complete chunked body at the start of `buf`: `[body, bytesConsumed]`, or
 * `null` if more bytes are needed. (One-shot form of {@link ChunkedDecoder}.)
 */
export function decodeChunked(
  buf: Buffer,
  maxBody = Number.MAX_SAFE_INTEGER,
  maxTrailer = 16 * 1024,
): [Buffer, number] | null {
  const d = new ChunkedDecoder(maxBody, maxTrailer);
  const used = d.push(buf);
  return d.done ? [d.body(), used] : null;
}
