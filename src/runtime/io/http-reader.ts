/**
 * `MessageReader`: pulls HTTP heads and framed bodies off a {@link PollStream},
 * keeping the bytes it read too far (the next pipelined request) for next time.
 *
 * Invariants:
 * 1. `buf` holds exactly the bytes received and not yet consumed by a returned
 *    message. Reads happen only when the buffered bytes cannot complete the current
 *    message, so a pipelined request already buffered costs no read at all.
 * 2. Every byte is looked at a bounded number of times: a head is searched from
 *    where the last search stopped; a body with a length is copied once into a buffer
 *    of that length; a chunked body goes through the incremental
 *    {@link ChunkedDecoder}. (Concatenating the buffer per read would make a body
 *    sent in many small reads quadratic.)
 * 3. Limits hold however the bytes arrive: a head longer than `MAX_HTTP_HEAD` is a
 *    431 whether it came in one read or in a thousand; a body over `MAX_HTTP_BODY`
 *    is a 413 (a close-delimited one too). A bare LF in an unfinished head is a 400
 *    at once, not after waiting for a `\r\n\r\n` that a LF-speaking client never sends.
 * 4. A stream ending before a message is complete returns `null` from `readHead` (a
 *    clean close between messages) or throws {@link IncompleteMessage} (a peer that
 *    went away mid-message) — never a half-message handed on.
 * 5. With a {@link ReadDeadline}, every read that would block checks the current
 *    phase's timeout first (see that file for the phases).
 */
import { BaseFuture } from "../../futures/base-future.js";
import type { Co } from "../../futures/generator-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "../../futures/poll.js";
import { MAX_HTTP_BODY, MAX_HTTP_HEAD } from "../config.js";
import { ChunkedDecoder } from "./http-chunked.js";
import type { ReadDeadline } from "./http-deadline.js";
import { HEAD_END, HttpParseError, parseHead, type Framing, type Headers, type ParsedHead } from "./http-message.js";
import type { PollStream } from "./stream.js";

const EMPTY = Buffer.alloc(0);
const NO_TRAILERS: Readonly<Headers> = Object.freeze(Object.create(null) as Headers);

/** The peer closed the connection in the middle of a message. */
export class IncompleteMessage extends Error {
  constructor(what: string) {
    super(`connection closed in the middle of the ${what}`);
    this.name = "IncompleteMessage";
  }
}

/** One read, checking the reader's deadline when it would block. */
class TimedRead extends BaseFuture<Buffer | null> {
  private done = false;
  constructor(
    private readonly stream: PollStream,
    private readonly deadline: ReadDeadline,
  ) {
    super();
  }
  poll(cx: Context): Poll<Buffer | null> {
    if (this.done) throw new PolledAfterCompletion("read()");
    const r = this.stream.pollRead(cx);
    if (r !== PENDING) {
      this.done = true;
      return r;
    }
    this.deadline.check(cx);
    return PENDING;
  }
  override cancel(): void {
    if (!this.done) this.stream.forgetWaker("read");
    this.done = true;
  }
}

export interface MessageLimits {
  /** Largest head (start line and fields, with its CRLFs) before a 431. */
  maxHead: number;
  /** Largest body before a 413. */
  maxBody: number;
}

export class MessageReader {
  private buf: Buffer = EMPTY;
  /** The growable buffer `append` copies an unfinished head into (`buf` is then its prefix). */
  private acc: Buffer | null = null;
  /** Messages whose head this reader returned. */
  messages = 0;
  /** The trailer fields of the current message's body (only a chunked body has any; Node's `trailers`). */
  trailers: Readonly<Headers> = NO_TRAILERS;
  private readonly limits: MessageLimits;

  constructor(
    private readonly stream: PollStream,
    private readonly deadline: ReadDeadline | null = null,
    limits: Partial<MessageLimits> = {},
  ) {
    this.limits = { maxHead: limits.maxHead ?? MAX_HTTP_HEAD, maxBody: limits.maxBody ?? MAX_HTTP_BODY };
  }

  /** Bytes received beyond the last message returned (a client must find none before reusing a connection). */
  get buffered(): number {
    return this.buf.length;
  }

  /** The next message head, or `null` if the stream ended cleanly first. */
  *readHead(isRequest: boolean): Co<ParsedHead | null> {
    const maxHead = this.limits.maxHead;
    const deadline = this.deadline;
    // The first message's headers clock runs from the connection's start (as Node's
    // does); later ones get the keep-alive idle clock until their first byte.
    if (deadline !== null && this.messages > 0) deadline.enter(this.buf.length === 0 ? "idle" : "headers", true);
    let end: number;
    let searchFrom = 0;
    let checked = 0;
    for (;;) {
      if (isRequest && this.buf.length > 0 && (this.buf[0] === 10 || (this.buf[0] === 13 && this.buf[1] === 10))) {
        // RFC 9112 §2.2: empty lines before a request line are ignored. Node skips a bare
        // LF there too; it cannot move a message boundary, so we follow.
        this.buf = this.buf.subarray(this.buf[0] === 10 ? 1 : 2);
        searchFrom = checked = 0;
        continue;
      }
      end = this.buf.indexOf(HEAD_END, searchFrom);
      if (end >= 0) break;
      checkBareLf(this.buf, checked, isRequest);
      checked = this.buf.length;
      if (this.buf.length >= maxHead)
        throw new HttpParseError(isRequest ? 431 : 502, `head larger than ${maxHead} bytes`);
      searchFrom = Math.max(0, this.buf.length - 3);
      const chunk = yield* this.read();
      if (chunk === null) {
        if (this.buf.length === 0) return null;
        throw new IncompleteMessage("head");
      }
      if (deadline !== null && deadline.current === "idle") deadline.enter("headers", true);
      this.append(chunk);
    }
    if (end + 4 > maxHead) throw new HttpParseError(isRequest ? 431 : 502, `head larger than ${maxHead} bytes`);
    const head = parseHead(this.buf, end, isRequest);
    this.buf = this.buf.subarray(end + 4);
    this.messages++;
    this.trailers = NO_TRAILERS; // a new message: its body (if chunked) brings its own
    if (deadline !== null) deadline.enter("body", false);
    return head;
  }

  /** The body the framing describes. */
  *readBody(framing: Framing): Co<Buffer> {
    const maxBody = this.limits.maxBody;
    switch (framing.kind) {
      case "none":
        return EMPTY;
      case "length": {
        const length = framing.length;
        if (length > maxBody) throw new HttpParseError(413, `body larger than ${maxBody} bytes`);
        if (this.buf.length >= length) return this.take(length);
        const body = Buffer.allocUnsafe(length);
        let got = this.buf.copy(body);
        this.buf = EMPTY;
        while (got < length) {
          const chunk = yield* this.read();
          if (chunk === null) throw new IncompleteMessage("body");
          const n = Math.min(chunk.length, length - got);
          chunk.copy(body, got, 0, n);
          got += n;
          if (n < chunk.length) this.buf = chunk.subarray(n);
        }
        return body;
      }
      case "chunked": {
        const decoder = new ChunkedDecoder(maxBody, this.limits.maxHead);
        let input = this.buf;
        for (;;) {
          const used = decoder.push(input);
          if (decoder.done) {
            this.buf = input.subarray(used);
            this.trailers = decoder.trailers;
            return decoder.body();
          }
          const chunk = yield* this.read();
          if (chunk === null) {
            this.buf = EMPTY;
            throw new IncompleteMessage("chunked body");
          }
          input = chunk;
        }
      }
      case "close": {
        const parts: Buffer[] = this.buf.length === 0 ? [] : [this.buf];
        let size = this.buf.length;
        this.buf = EMPTY;
        for (;;) {
          if (size > maxBody) throw new HttpParseError(502, `close-delimited body larger than ${maxBody} bytes`);
          const chunk = yield* this.read();
          if (chunk === null) return Buffer.concat(parts, size);
          parts.push(chunk);
          size += chunk.length;
        }
      }
    }
  }

  private read(): BaseFuture<Buffer | null> {
    return this.deadline === null ? this.stream.read() : new TimedRead(this.stream, this.deadline);
  }

  /**
   * Add a read to an unfinished head. The first read is kept as is (the common case:
   * a whole head in one read, no copy); later ones are copied into a buffer that
   * doubles, so a head dribbled in byte by byte costs linear, not quadratic, copying.
   */
  private append(chunk: Buffer): void {
    const len = this.buf.length;
    if (len === 0) {
      this.buf = chunk;
      return;
    }
    const acc = this.acc;
    const total = len + chunk.length;
    if (
      acc !== null &&
      this.buf.buffer === acc.buffer &&
      this.buf.byteOffset === acc.byteOffset &&
      acc.length >= total
    ) {
      chunk.copy(acc, len);
      this.buf = acc.subarray(0, total);
      return;
    }
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * total, 4096));
    this.buf.copy(grown);
    chunk.copy(grown, len);
    this.acc = grown;
    this.buf = grown.subarray(0, total);
  }

  private take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}

/**
 * A LF not preceded by CR in `buf[from…]` (a head still being received) is a 400 now:
 * such a head may never contain `\r\n\r\n`, and waiting for one would let a client
 * speaking bare-LF HTTP hold the connection until the timeout.
 */
function checkBareLf(buf: Buffer, from: number, isRequest: boolean): void {
  let i = buf.indexOf(10, from);
  while (i >= 0) {
    if (i === 0 || buf[i - 1] !== 13) throw new HttpParseError(isRequest ? 400 : 502, "bare LF in a line ending");
    i = buf.indexOf(10, i + 1);
  }
}
