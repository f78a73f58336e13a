/**
 * HTTP/1.1 messages: the types a server and a client exchange, and writing them.
 * Parsing lives beside this file: a head in `http-head.ts`, field lines in
 * `http-fields.ts`, chunked bodies in `http-chunked.ts` (re-exported here).
 *
 * Invariant for writing: what we send is one field per line — a name or value that
 * would break the line grammar (CR, LF, other CTLs) throws before any byte leaves,
 * as Node's `ERR_INVALID_CHAR` does, so a handler or a caller can never inject a
 * header or split a response.
 */
import { STATUS_CODES } from "node:http";
import { checkOutgoingField, hasToken, TOKEN } from "./http-fields.js";

export { HttpParseError } from "./http-error.js";
export { parseHead } from "./http-head.js";
export { ChunkedDecoder, decodeChunked } from "./http-chunked.js";

/** Field names → values; parsed maps are prototype-free with lower-case names. */
export type Headers = Record<string, string>;

/** How the body that follows a head is delimited. */
export type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

export interface HttpRequest {
  method: string;
  target: string;
  version: "1.0" | "1.1";
  /** Lower-case names; repeated headers joined with ", " (`set-cookie` with "\n"). */
  headers: Headers;
  body: Buffer;
  /** Fields sent after a chunked body (lower-case names; empty otherwise), as Node's `req.trailers`. */
  trailers: Readonly<Headers>;
  keepAlive: boolean;
}

export interface HttpResponse {
  status: number;
  headers?: Headers;
  body?: string | Buffer;
}

export interface ParsedHead {
  /** Method / status-code, target / reason, version of the start line. */
  start: [string, string, "1.0" | "1.1"];
  headers: Headers;
  framing: Framing;
  keepAlive: boolean;
}

export const CRLF = Buffer.from("\r\n");
export const HEAD_END = Buffer.from("\r\n\r\n");

/** Encode `body` as one chunk plus the terminating zero chunk. */
export function encodeChunked(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]);
}

/** Reason phrases in RFC 9110's wording; any other status takes Node's (`http.STATUS_CODES`). */
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Content Too Large",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

let cachedDate = "";
let cachedDateAt = 0;
/** The `Date` header, formatted at most once a second (formatting costs more than a small response). */
function httpDate(): string {
  const now = Date.now();
  if (now - cachedDateAt >= 1000) {
    cachedDate = new Date(now).toUTCString();
    cachedDateAt = now - (now % 1000);
  }
  return cachedDate;
}

/**
 * Serialise a response: head and body in one Buffer, so it leaves in one write.
 *
 * Which responses carry content and a length (RFC 9110 §6.4.1, §8.6; Node does the same):
 * - 204 and 304 never carry content: a handler's body is dropped, as Node drops it.
 *   A 204 has no Content-Length at all ("MUST NOT send"); a 304 has one only if the
 *   handler gave it — the length its 200 would have had, never our 0.
 * - A HEAD answer has no content but the head its GET would have: the body's length,
 *   or the handler's own Content-Length (a HEAD handler need not build the body).
 * - A 1xx is not a final response: a client would keep waiting for one, so it throws.
 * `keepAliveHint` is a whole `Keep-Alive: …` line, written only on a kept-alive connection.
 */
export function serializeResponse(
  res: HttpResponse,
  keepAlive: boolean,
  headRequest = false,
  http10 = false,
  keepAliveHint = "",
): Buffer {
  const status = res.status;
  if (!Number.isInteger(status) || status < 200 || status > 999)
    throw new TypeError(`invalid HTTP status ${String(status)} for a final response`);
  const noContent = status === 204 || status === 304;
  const body = res.body === undefined || noContent ? "" : res.body;
  const bodyLength = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  // The Content-Length line we write: our count, unless the handler's may stand instead (see above).
  let length: string | null = noContent ? null : String(bodyLength);
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? STATUS_CODES[status] ?? "Unknown"}\r\n`;
  // `Date` is a singleton (RFC 9110 §6.6.1): a handler's own replaces ours, as in Node.
  let dated = false;
  const h = res.headers;
  if (h !== undefined) {
    for (const k in h) {
      const v = h[k]!;
      checkOutgoingField(k, v);
      if (k.length === 4 && k.toLowerCase() === "date") dated = true;
      if (isFramingField(k)) {
        // Framing is ours: the body is written whole with our Content-Length, and our
        // Connection line says what we will do. A second, different Content-Length
        // would let the client and a proxy split the stream in different places.
        const lower = k.toLowerCase();
        if (lower === "content-length" && status !== 204) {
          const given = trimSpTab(v);
          if ((headRequest || status === 304) && DIGITS.test(given)) length = given;
          else if (given !== String(bodyLength))
            throw new TypeError(`Content-Length ${JSON.stringify(v)} does not match the ${bodyLength}-byte body`);
        }
        if (lower === "transfer-encoding")
          throw new TypeError("Transfer-Encoding is not supported in a response (bodies are written whole)");
        continue;
      }
      head += `${k}: ${v}\r\n`;
    }
  }
  if (!dated) head += `Date: ${httpDate()}\r\n`;
  if (length !== null) head += `Content-Length: ${length}\r\n`;
  if (!keepAlive) head += "Connection: close\r\n";
  else if (http10) head += "Connection: keep-alive\r\n"; // an HTTP/1.0 client assumes close unless told
  // How long an idle connection stays open (Node's `Keep-Alive: timeout=N`): a client
  // pool that reads it stops reusing the connection before we close it, instead of
  // racing our close with its next request.
  if (keepAlive && keepAliveHint !== "") head += keepAliveHint;
  head += "\r\n";
  const headLength = head.length; // latin1: one byte per char
  const out = Buffer.allocUnsafe(headLength + (headRequest ? 0 : bodyLength));
  // A string body as long in UTF-8 as in characters is ASCII, so latin1 encodes it
  // the same: head and body then go into the buffer in one write, not two.
  if (!headRequest && typeof body === "string" && bodyLength === body.length) {
    out.write(head + body, 0, "latin1");
    return out;
  }
  out.write(head, 0, "latin1");
  if (!headRequest && bodyLength > 0) {
    if (typeof body === "string") out.write(body, headLength, "utf8");
    else body.copy(out, headLength);
  }
  return out;
}

const DIGITS = /^[0-9]{1,15}$/;

/** `v` without the SP / HTAB around it (the only whitespace a field value may be padded with). */
function trimSpTab(v: string): string {
  return v.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** `Connection`, `Content-Length`, `Transfer-Encoding` (checked by length first: this runs per response header). */
function isFramingField(name: string): boolean {
  const n = name.length;
  if (n !== 10 && n !== 14 && n !== 17) return false;
  const lower = name.toLowerCase();
  return lower === "connection" || lower === "content-length" || lower === "transfer-encoding";
}

/** Whether a handler's response asks to close the connection (`Connection: close` among its headers). */
export function responseCloses(res: HttpResponse): boolean {
  return asksToClose(res.headers);
}

/** Whether `Connection: close` is among `h` (names in any case, as a caller or handler wrote them). */
export function asksToClose(h: Headers | undefined): boolean {
  if (h === undefined) return false;
  for (const k in h) if (k.length === 10 && k.toLowerCase() === "connection" && hasToken(h[k], "close")) return true;
  return false;
}

/** The methods Node's client sends without a length when they have no body. */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/**
 * Serialise a request (the client side). `body` gets a Content-Length; a `Host` in
 * `headers` replaces the default one. Throws a `TypeError` before anything is built
 * for a method that is not a token, a target with a space or CTL, or a field that
 * could not be sent as one line; framing fields are ours to set (a caller's
 * `Content-Length` or `Transfer-Encoding` could disagree with the body we write).
 */
export function serializeRequest(
  method: string,
  target: string,
  host: string,
  headers: Headers,
  body: Buffer | null,
): Buffer {
  if (!TOKEN.test(method)) throw new TypeError(`invalid HTTP method ${JSON.stringify(method)}`);
  if (!/^[\x21-\x7e]+$/.test(target)) throw new TypeError(`invalid request target ${JSON.stringify(target)}`);
  let fields = "";
  let hostGiven = false;
  for (const k in headers) {
    const v = headers[k]!;
    checkOutgoingField(k, v);
    const lower = k.toLowerCase();
    if (lower === "content-length" || lower === "transfer-encoding")
      throw new TypeError(`${k} is set by the client from the body`);
    if (lower === "host") hostGiven = true;
    fields += `${k}: ${v}\r\n`;
  }
  let head = hostGiven
    ? `${method} ${target} HTTP/1.1\r\n${fields}`
    : `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n${fields}`;
  if (body !== null) head += `Content-Length: ${body.length}\r\n`;
  // RFC 9110 §8.6: a request whose method gives content a meaning SHOULD say its
  // length even when it is 0; Node's client sends `Content-Length: 0` for every
  // method but these six, and so do we.
  else if (!BODYLESS_METHODS.has(method)) head += "Content-Length: 0\r\n";
  head += "\r\n";
  const headBuf = Buffer.from(head, "latin1");
  return body === null || body.length === 0 ? headBuf : Buffer.concat([headBuf, body]);
}
