/**
 * `HttpParseError`: a message that cannot be framed safely, with the status the
 * server answers (400 bad syntax, 413 body too large, 417 unknown expectation, 431
 * head too large, 502 for a bad response seen by the client). Thrown by the head
 * parser, the chunked decoder and the reader; the server turns it into its answer
 * and closes, so a message is never guessed at.
 */
export class HttpParseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpParseError";
  }
}
