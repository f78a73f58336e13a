/**
 * `MessageReader`: pulls HTTP heads and framed bodies off a {@link PollStream},
 * keeping the bytes it read too far (the next pipelined request) for next time.
 *
 * Invariant: `buf` holds exactly the bytes received and not yet consumed by a
 * returned message. Reads happen only when the buffered bytes cannot complete the
 * current message, so a pipelined request already buffered costs no read at all.
 * A stream ending before a message is complete returns `null` from `readHead` (a
 * clean close between messages) or throws {@link IncompleteMessage} (a peer that
 * went away mid-message) — never a crash and never a half-message handed on.
 */
import type { Co } from "../../futures/generator-future.js";
import { decodeChunked, HEAD_END, HttpParseError, parseHead, type Framing, type ParsedHead } from "./http-message.js";
import type { PollStream } from "./stream.js";
import { MAX_HTTP_BODY, MAX_HTTP_HEAD } from "../config.js";

const EMPTY = Buffer.alloc(0);

/** The peer closed the connection in the middle of a message. */
export class IncompleteMessage extends Error {
  constructor(what: string) {
    super(`connection closed in the middle of the ${what}`);
    this.name = "IncompleteMessage";
  }
}

export class MessageReader {
  private buf: Buffer = EMPTY;
  constructor(private readonly stream: PollStream) {}

  /** The next message head, or `null` if the stream ended cleanly first. */
  *readHead(isRequest: boolean): Co<ParsedHead | null> {
    let end = this.buf.indexOf(HEAD_END);
    while (end < 0) {
      if (this.buf.length > MAX_HTTP_HEAD) throw new HttpParseError(431, `head larger than ${MAX_HTTP_HEAD} bytes`);
      const searchFrom = Math.max(0, this.buf.length - 3);
      const chunk = yield* this.stream.read();
      if (chunk === null) {
        if (this.buf.length === 0) return null;
        throw new IncompleteMessage("head");
      }
      this.append(chunk);
      end = this.buf.indexOf(HEAD_END, searchFrom);
    }
    const head = parseHead(this.buf, end, isRequest);
    this.buf = this.buf.subarray(end + 4);
    return head;
  }

  /** The body the framing describes. */
  *readBody(framing: Framing): Co<Buffer> {
    switch (framing.kind) {
      case "none":
        return EMPTY;
      case "length": {
        if (framing.length > MAX_HTTP_BODY) throw new HttpParseError(413, `body larger than ${MAX_HTTP_BODY} bytes`);
        while (this.buf.length < framing.length) {
          const chunk = yield* this.stream.read();
          if (chunk === null) throw new IncompleteMessage("body");
          this.append(chunk);
        }
        const body = this.buf.subarray(0, framing.length);
        this.buf = this.buf.subarray(framing.length);
        return body;
      }
      case "chunked": {
        for (;;) {
          const decoded = decodeChunked(this.buf);
          if (decoded !== null) {
            this.buf = this.buf.subarray(decoded[1]);
            return decoded[0];
          }
          if (this.buf.length > MAX_HTTP_BODY) throw new HttpParseError(413, `body larger than ${MAX_HTTP_BODY} bytes`);
          const chunk = yield* this.stream.read();
          if (chunk === null) throw new IncompleteMessage("chunked body");
          this.append(chunk);
        }
      }
      case "close": {
        const rest = yield* this.stream.readToEnd();
        const body = this.buf.length === 0 ? rest : Buffer.concat([this.buf, rest]);
        this.buf = EMPTY;
        return body;
      }
    }
  }

  private append(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }
}
