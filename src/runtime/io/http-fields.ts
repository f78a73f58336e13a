/**
 * Field lines (RFC 9110 §5, RFC 9112 §5): the grammar shared by a head's headers and
 * a chunked body's trailers, and by the client's outgoing headers.
 *
 * Invariants:
 * 1. A field map has no prototype (`Object.create(null)`): a header named
 *    `constructor` or `__proto__` is just a header, never `Object.prototype`'s.
 * 2. Names are tokens, lower-cased; a name is followed directly by `:` (whitespace
 *    before the colon is a 400 — RFC 9112 §5.1, the classic smuggling vector).
 * 3. Values lose only SP and HTAB around them (`String.prototype.trim` would also
 *    strip NBSP, VT, FF — so `Transfer-Encoding: \xa0chunked` would read as
 *    `chunked` to us and as something else to a proxy in front of us).
 * 4. A value holding a CTL (NUL, CR, LF, DEL, …; HTAB excepted) is a 400. Bytes
 *    0x80–0xFF (obs-text) pass, as in Node: they are opaque, never a delimiter.
 * 5. Repeated names are joined with ", " (RFC 9110 §5.3) — except those whose
 *    repetition changes framing or routing (`Host`, `Content-Length`), which the
 *    head parser rejects instead.
 */
import { HttpParseError } from "./http-error.js";

export type FieldMap = Record<string, string>;

/** tchar (RFC 9110 §5.6.2). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What the client refuses to send in a value (Node's `ERR_INVALID_CHAR` set). */
const BAD_OUTGOING_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Names whose second occurrence is an error, not a list (each would let two parsers disagree on framing or routing).
 * */
const SINGLETON = new Set(["host", "content-length"]);

/** A fresh, prototype-free field map. */
export function fieldMap(): FieldMap {
  return Object.create(null) as FieldMap;
}

/** `s[from, to)` without the SP / HTAB at both ends (only those: invariant 3). */
export function trimOws(s: string, from: number, to: number): string {
  while (from < to) {
    const c = s.charCodeAt(from);
    if (c !== 32 && c !== 9) break;
    from++;
  }
  while (to > from) {
    const c = s.charCodeAt(to - 1);
    if (c !== 32 && c !== 9) break;
    to--;
  }
  return s.slice(from, to);
}

/**
 * Parse the field lines of `text[pos, end)` (lines separated by CRLF; the caller has
 * already run {@link badSectionByte} over it, so no CTL, bare CR or bare LF is left —
 * invariant 4 holds by then, and this loop need not look at every byte again).
 */
export function parseFieldLines(text: string, pos: number, end: number, fields: FieldMap, what: string): FieldMap {
  while (pos < end) {
    let next = text.indexOf("\r\n", pos);
    if (next < 0 || next > end) next = end;
    const colon = text.indexOf(":", pos);
    if (colon < 0 || colon >= next)
      throw new HttpParseError(
        400,
        `malformed ${what} line: ${JSON.stringify(text.slice(pos, Math.min(next, pos + 60)))}`,
      );
    const name = text.slice(pos, colon);
    if (!TOKEN.test(name)) throw new HttpParseError(400, `invalid ${what} name ${JSON.stringify(name.slice(0, 60))}`);
    const key = name.toLowerCase();
    const value = trimOws(text, colon + 1, next);
    const prev = fields[key];
    if (prev === undefined) fields[key] = value;
    else if (SINGLETON.has(key)) throw new HttpParseError(400, `repeated ${name} ${what}`);
    else fields[key] = `${prev}, ${value}`;
    pos = next + 2;
  }
  return fields;
}

/**
 * Where a head or trailer section breaks the line grammar: a bare CR, a bare LF or
 * a CTL, or -1. One regular expression over the section — a per-byte JavaScript
 * loop would cost more than the rest of the parse.
 */
// Matching control characters is this expression's whole job (RFC 9112 forbids them here).
// eslint-disable-next-line no-control-regex
const BAD_SECTION = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
export function badSectionByte(text: string): string | null {
  const m = BAD_SECTION.exec(text);
  if (m === null) return null;
  const c = m[0];
  return c === "\n"
    ? "bare LF in a line ending"
    : c === "\r"
      ? "bare CR in a line ending"
      : `control character 0x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** `Connection` as a token list (RFC 9110 §7.6.1): does it name `token`? */
export function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  // One option (the usual `keep-alive` or `close`): no list to split.
  if (list.indexOf(",") < 0) return trimOws(list, 0, list.length).toLowerCase() === token;
  for (const part of list.split(",")) if (trimOws(part, 0, part.length).toLowerCase() === token) return true;
  return false;
}

/** Throw (Node's `ERR_INVALID_HTTP_TOKEN` / `ERR_INVALID_CHAR`) unless `name: value` can be sent as one field line. */
export function checkOutgoingField(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new TypeError(`invalid HTTP header name ${JSON.stringify(name)}`);
  if (BAD_OUTGOING_VALUE_CHAR.test(value))
    throw new TypeError(`invalid character in HTTP header ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
}
