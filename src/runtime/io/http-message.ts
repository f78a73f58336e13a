/**
 * HTTP/1.1 messages: parsing a head out of a Buffer and writing one back.
 *
 * Invariant: a head is parsed only once the whole head (`\r\n\r\n`) is buffered, by
 * `Buffer.indexOf` and string slicing — never a per-byte JavaScript loop (that is
 * what makes a JS parser slow next to llhttp). Anything that does not follow RFC 9112
 * closely enough to frame the body safely is an {@link HttpParseError} with the
 * status to answer (400, or 431 for an oversized head); a request is never guessed at.
 * Body framing: `Transfer-Encoding: chunked`, else `Content-Length`, else (requests)
 * no body / (responses) read until close. Both framings at once is rejected
 * (request smuggling).
 */

/** A parse failure, with the status code the server answers. */
export class HttpParseError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpParseError";
  }
}

export type Headers = Record<string, string>;

/** How the body that follows a head is delimited. */
export type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

export interface HttpRequest {
  method: string;
  target: string;
  version: "1.0" | "1.1";
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Headers;
  body: Buffer;
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
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^[0-9]{1,15}$/;

/** Parse the head `buf[0, end)` (end = index of `\r\n\r\n`). `isRequest` picks the start-line grammar. */
export function parseHead(buf: Buffer, end: number, isRequest: boolean): ParsedHead {
  const text = buf.toString("latin1", 0, end);
  let lineEnd = text.indexOf("\r\n");
  if (lineEnd < 0) lineEnd = text.length;
  const start = isRequest ? parseRequestLine(text, lineEnd) : parseStatusLine(text, lineEnd);
  const headers: Headers = {};
  let pos = lineEnd + 2;
  while (pos < text.length) {
    let next = text.indexOf("\r\n", pos);
    if (next < 0) next = text.length;
    const colon = text.indexOf(":", pos);
    if (colon < 0 || colon >= next) throw new HttpParseError(400, `malformed header line: ${JSON.stringify(text.slice(pos, Math.min(next, pos + 60)))}`);
    const name = text.slice(pos, colon);
    if (!TOKEN.test(name)) throw new HttpParseError(400, `invalid header name ${JSON.stringify(name)}`);
    const key = name.toLowerCase();
    const value = text.slice(colon + 1, next).trim();
    const prev = headers[key];
    headers[key] = prev === undefined ? value : `${prev}, ${value}`;
    pos = next + 2;
  }
  const version = start[2];
  const conn = headers["connection"]?.toLowerCase();
  const keepAlive = version === "1.1" ? conn !== "close" : conn === "keep-alive";
  const te = headers["transfer-encoding"];
  const cl = headers["content-length"];
  let framing: Framing;
  if (te !== undefined) {
    if (cl !== undefined) throw new HttpParseError(400, "both Content-Length and Transfer-Encoding");
    if (te.toLowerCase() !== "chunked") throw new HttpParseError(400, `unsupported Transfer-Encoding ${JSON.stringify(te)}`);
    framing = { kind: "chunked" };
  } else if (cl !== undefined) {
    if (!DIGITS.test(cl)) throw new HttpParseError(400, `invalid Content-Length ${JSON.stringify(cl)}`);
    const length = Number(cl);
    framing = length === 0 ? { kind: "none" } : { kind: "length", length };
  } else {
    framing = isRequest ? { kind: "none" } : { kind: "close" };
  }
  return { start, headers, framing, keepAlive };
}

function parseRequestLine(text: string, end: number): [string, string, "1.0" | "1.1"] {
  const sp1 = text.indexOf(" ");
  const sp2 = sp1 < 0 ? -1 : text.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 >= end) throw new HttpParseError(400, `malformed request line: ${JSON.stringify(text.slice(0, Math.min(end, 80)))}`);
  const method = text.slice(0, sp1);
  const target = text.slice(sp1 + 1, sp2);
  const version = text.slice(sp2 + 1, end);
  if (!TOKEN.test(method)) throw new HttpParseError(400, `invalid method ${JSON.stringify(method)}`);
  if (target.length === 0 || target.includes(" ")) throw new HttpParseError(400, "invalid request target");
  return [method, target, httpVersion(version)];
}

function parseStatusLine(text: string, end: number): [string, string, "1.0" | "1.1"] {
  const sp1 = text.indexOf(" ");
  if (sp1 <= 0 || sp1 >= end) throw new HttpParseError(502, `malformed status line: ${JSON.stringify(text.slice(0, Math.min(end, 80)))}`);
  let sp2 = text.indexOf(" ", sp1 + 1);
  if (sp2 < 0 || sp2 > end) sp2 = end;
  const status = text.slice(sp1 + 1, sp2);
  if (!/^[1-5][0-9][0-9]$/.test(status)) throw new HttpParseError(502, `invalid status ${JSON.stringify(status)}`);
  return [status, text.slice(sp2 + 1, end), httpVersion(text.slice(0, sp1))];
}

function httpVersion(v: string): "1.0" | "1.1" {
  if (v === "HTTP/1.1") return "1.1";
  if (v === "HTTP/1.0") return "1.0";
  throw new HttpParseError(400, `unsupported HTTP version ${JSON.stringify(v)}`);
}

/**
 * Decode a complete chunked body at the start of `buf`: `[body, bytesConsumed]`, or
 * `null` if more bytes are needed. Trailers are skipped.
 */
export function decodeChunked(buf: Buffer): [Buffer, number] | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, pos);
    if (lineEnd < 0) {
      if (buf.length - pos > 1024) throw new HttpParseError(400, "chunk size line too long");
      return null;
    }
    let sizeText = buf.toString("latin1", pos, lineEnd);
    const semi = sizeText.indexOf(";");
    if (semi >= 0) sizeText = sizeText.slice(0, semi);
    sizeText = sizeText.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new HttpParseError(400, `invalid chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailers, then an empty line.
      for (;;) {
        const end = buf.indexOf(CRLF, pos);
        if (end < 0) return null;
        if (end === pos) return [parts.length === 1 ? parts[0]! : Buffer.concat(parts), end + 2];
        pos = end + 2;
      }
    }
    if (buf.length < pos + size + 2) return null;
    if (buf[pos + size] !== 13 || buf[pos + size + 1] !== 10) throw new HttpParseError(400, "chunk not followed by CRLF");
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/** Encode `body` as one chunk plus the terminating zero chunk. */
export function encodeChunked(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]);
}

const REASONS: Record<number, string> = {
  200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
  400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
  431: "Request Header Fields Too Large", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
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

/** Serialise a response: head and body in one Buffer, so it leaves in one write. */
export function serializeResponse(res: HttpResponse, keepAlive: boolean, headRequest = false): Buffer {
  const body = res.body === undefined ? "" : res.body;
  const bodyLength = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  let head = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? "Unknown"}\r\nDate: ${httpDate()}\r\n`;
  const h = res.headers;
  if (h !== undefined) for (const k in h) head += `${k}: ${h[k]}\r\n`;
  head += `Content-Length: ${bodyLength}\r\n`;
  if (!keepAlive) head += "Connection: close\r\n";
  head += "\r\n";
  const headLength = head.length; // latin1: one byte per char
  const out = Buffer.allocUnsafe(headLength + (headRequest ? 0 : bodyLength));
  out.write(head, 0, "latin1");
  if (!headRequest && bodyLength > 0) {
    if (typeof body === "string") out.write(body, headLength, "utf8");
    else body.copy(out, headLength);
  }
  return out;
}

/** Serialise a request head (the client side). `body` gets a Content-Length. */
export function serializeRequest(method: string, target: string, host: string, headers: Headers, body: Buffer | null): Buffer {
  let head = `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
  if (body !== null) head += `Content-Length: ${body.length}\r\n`;
  head += "\r\n";
  const headBuf = Buffer.from(head, "latin1");
  return body === null || body.length === 0 ? headBuf : Buffer.concat([headBuf, body]);
}
