/**
 * Parsing a message head (RFC 9112 §2–§6): start line, field lines, and the body
 * framing they imply.
 *
 * Invariant: a head is parsed only once the whole head (`\r\n\r\n`) is buffered,
 * from one latin1 string: one validating pass over it (`badSectionByte`), then
 * `indexOf` and slicing per line — never a byte-at-a-time state machine that must
 * remember where the last read stopped (that is what makes a JS parser slow next to
 * llhttp). Anything
 * that does not follow RFC 9112 closely enough to frame the body without guessing is
 * an {@link HttpParseError}; where the RFC leaves a choice we do what Node does,
 * unless Node's choice lets two parsers read different messages from the same bytes
 * (then we are stricter, and the differential fuzzer lists the case).
 *
 * Framing, in RFC 9112 §6.3's order:
 *   1. `Transfer-Encoding` and `Content-Length` together → 400 (smuggling: a proxy
 *      may frame by one and we by the other). Node rejects it too.
 *   2. A request's `Transfer-Encoding` must be exactly `chunked` → chunked. A coding
 *      list (`gzip, chunked`) is a 400 here — we decode no other coding, and Node's
 *      acceptance of it hands the handler bytes it cannot read. A response's list is
 *      framed as RFC 9112 §6.3 says (see `responseCoding`): a client must read it.
 *   3. `Content-Length`: 1–15 digits, at most once (a list such as `5, 5` is a 400).
 *   4. Otherwise a request has no body; a response runs until the connection closes.
 */
import { HttpParseError } from "./http-error.js";
import { badSectionByte, fieldMap, hasToken, isToken, isVisibleAscii, parseFieldLines } from "./http-fields.js";
import type { Framing, ParsedHead } from "./http-message.js";

const DIGITS = /^[0-9]{1,15}$/;
/**
 * Its form (RFC 9112 §3.2): origin-form `/…`, asterisk-form `*`, absolute-form
 * `scheme://authority[/…|?…]` whose authority holds only RFC 3986 authority
 * characters and at most one `@`; authority-form `host:port` only for CONNECT.
 * Anything else (`!x`, `a:b`, `http://a b`) is a 400 — llhttp's rules too.
 * (An origin-form target — the common one — is recognised by its `/` alone.)
 */
const TARGET_FORM =
  /^(?:[/*]|[A-Za-z]+:\/\/[A-Za-z0-9\-._~!$&'()*+,;=:%[\]]*(?:@[A-Za-z0-9\-._~!$&'()*+,;=:%[\]]*)?(?:[/?]|$))/;
const STATUS = /^[1-9][0-9][0-9]$/;

// The framings without a length are shared, not allocated per message (read-only by type).
const NO_BODY: Framing = Object.freeze({ kind: "none" });
const CHUNKED: Framing = Object.freeze({ kind: "chunked" });
const UNTIL_CLOSE: Framing = Object.freeze({ kind: "close" });

/** Parse the head `buf[0, end)` (end = index of `\r\n\r\n`). `isRequest` picks the start-line grammar. */
export function parseHead(buf: Buffer, end: number, isRequest: boolean): ParsedHead {
  const text = buf.toString("latin1", 0, end);
  const bad = badSectionByte(text);
  // A request's fault is the client's (400); a response's is the upstream's (502).
  const status = isRequest ? 400 : 502;
  if (bad !== null) throw new HttpParseError(status, `${bad} in the head`);
  let lineEnd = text.indexOf("\r\n");
  if (lineEnd < 0) lineEnd = text.length;
  const start = isRequest ? parseRequestLine(text, lineEnd) : parseStatusLine(text, lineEnd);
  const headers = parseFieldLines(text, lineEnd + 2, text.length, fieldMap(), "header");
  const version = start[2];
  const host = headers["host"];
  if (isRequest && version === "1.1" && host === undefined)
    throw new HttpParseError(400, "HTTP/1.1 request without Host");
  if (isRequest && host !== undefined && !isHostValue(host))
    throw new HttpParseError(400, `invalid Host ${JSON.stringify(host.slice(0, 40))}`);
  const conn = headers["connection"];
  let keepAlive =
    version === "1.1" ? !hasToken(conn, "close") : hasToken(conn, "keep-alive") && !hasToken(conn, "close");
  const te = headers["transfer-encoding"];
  const cl = headers["content-length"];
  let framing: Framing;
  if (te !== undefined) {
    if (cl !== undefined) throw new HttpParseError(status, "both Content-Length and Transfer-Encoding");
    if (te.toLowerCase() === "chunked") framing = CHUNKED;
    else if (isRequest) throw new HttpParseError(400, `unsupported Transfer-Encoding ${JSON.stringify(te)}`);
    else framing = responseCoding(te);
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 cannot be trusted by every hop; close after it.
    if (version === "1.0") keepAlive = false;
  } else if (cl !== undefined) {
    if (!DIGITS.test(cl)) throw new HttpParseError(status, `invalid Content-Length ${JSON.stringify(cl)}`);
    const length = Number(cl);
    framing = length === 0 ? NO_BODY : { kind: "length", length };
  } else {
    framing = isRequest ? NO_BODY : UNTIL_CLOSE;
  }
  return { start, headers, framing, keepAlive };
}

/**
 * A response's framing from a coding list other than a bare `chunked` (RFC 9112 §6.3,
 * rule 4): `chunked` last → chunked, and the body keeps the other codings (`gzip`) for
 * the caller to undo, as Node's client hands it on; no `chunked` → the body runs until
 * the connection closes. `chunked` anywhere but last, or a list that is not tokens, is
 * a 502 (a sender MUST NOT apply chunked twice or before another coding, §7).
 */
function responseCoding(te: string): Framing {
  const codings = te.toLowerCase().split(",");
  for (let i = 0; i < codings.length; i++) {
    const c = codings[i]!.replace(/^[ \t]+|[ \t]+$/g, "");
    if (!isToken(c) || (c === "chunked" && i < codings.length - 1))
      throw new HttpParseError(502, `unsupported Transfer-Encoding ${JSON.stringify(te)}`);
    codings[i] = c;
  }
  return codings[codings.length - 1] === "chunked" ? CHUNKED : UNTIL_CLOSE;
}

/** `HOST_CHAR[c] === 1` iff `c` may appear in `uri-host [":" port]` (RFC 3986 §3.2.2 and §3.2.3). */
const HOST_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=%:[]")
  HOST_CHAR[c.charCodeAt(0)] = 1;

/**
 * RFC 9112 §3.2: a Host "with an invalid field value" MUST get a 400. We check its
 * alphabet, not the whole grammar: enough to refuse what makes a Host mean something
 * else to a cache or a router (`a/b`, `a@b`, `a b`, `a?b`, `a#b`, `a\b`). Empty is valid
 * (a target with no authority). Node accepts any value; the fuzzer lists the case.
 */
function isHostValue(host: string): boolean {
  for (let i = 0, n = host.length; i < n; i++) {
    const c = host.charCodeAt(i);
    if (c >= 128 || HOST_CHAR[c] === 0) return false;
  }
  return true;
}

function parseRequestLine(text: string, end: number): [string, string, "1.0" | "1.1"] {
  const sp1 = text.indexOf(" ");
  const sp2 = sp1 < 0 ? -1 : text.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 >= end)
    throw new HttpParseError(400, `malformed request line: ${JSON.stringify(text.slice(0, Math.min(end, 80)))}`);
  const method = text.slice(0, sp1);
  const target = text.slice(sp1 + 1, sp2);
  if (!isToken(method)) throw new HttpParseError(400, `invalid method ${JSON.stringify(method.slice(0, 40))}`);
  // A request target is visible ASCII only: no CTL, no space, no byte ≥ 0x80 (RFC 9112 §3.2).
  if (!isVisibleAscii(target))
    throw new HttpParseError(400, "invalid request target (empty, or holding a control, space or non-ASCII byte)");
  if (method !== "CONNECT" && target.charCodeAt(0) !== 0x2f && !TARGET_FORM.test(target))
    throw new HttpParseError(400, `invalid request target ${JSON.stringify(target.slice(0, 40))}`);
  return [method, target, httpVersion(text.slice(sp2 + 1, end), 400)];
}

function parseStatusLine(text: string, end: number): [string, string, "1.0" | "1.1"] {
  const sp1 = text.indexOf(" ");
  if (sp1 <= 0 || sp1 >= end)
    throw new HttpParseError(502, `malformed status line: ${JSON.stringify(text.slice(0, Math.min(end, 80)))}`);
  let sp2 = text.indexOf(" ", sp1 + 1);
  if (sp2 < 0 || sp2 > end) sp2 = end;
  const status = text.slice(sp1 + 1, sp2);
  if (!STATUS.test(status)) throw new HttpParseError(502, `invalid status ${JSON.stringify(status)}`);
  return [status, text.slice(sp2 + 1, end), httpVersion(text.slice(0, sp1), 502)];
}

function httpVersion(v: string, status: number): "1.0" | "1.1" {
  if (v === "HTTP/1.1") return "1.1";
  if (v === "HTTP/1.0") return "1.0";
  // RFC 9112 §2.3: a higher minor version of HTTP/1 is processed as the highest one we
  // implement (its messages are HTTP/1.1-compatible by definition). Node answers 400.
  if (v.length === 8 && v.startsWith("HTTP/1.") && v.charCodeAt(7) >= 0x32 && v.charCodeAt(7) <= 0x39) return "1.1";
  throw new HttpParseError(
    status === 400 && /^HTTP\/[0-9]\.[0-9]$/.test(v) ? 505 : status,
    `unsupported HTTP version ${JSON.stringify(v.slice(0, 20))}`,
  );
}
