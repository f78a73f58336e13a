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
 *    head parser rejects instead, and `Set-Cookie`, joined with "\n" (see below).
 *
 * Every check here runs per field of every message, so each is a `charCodeAt` loop
 * over a lookup table, not a regular expression: for the short strings a head holds
 * (a 4-letter name, a 60-byte section) a regex's entry cost is most of its price —
 * the loops below measured 3–5× cheaper, and they accept exactly the same strings.
 */
import { HttpParseError } from "./http-error.js";

export type FieldMap = Record<string, string>;

/** tchar (RFC 9110 §5.6.2). Kept as the reference grammar; {@link isToken} is its fast form. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `TCHAR[c] === 1` iff the code unit `c` (< 128) is a tchar. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;

/** `TOKEN.test(s)`: one or more tchars. */
export function isToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** `/^[\x21-\x7e]+$/.test(s)`: one or more visible ASCII characters (a request target's alphabet). */
export function isVisibleAscii(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Whether the client may send `value` (Node's `ERR_INVALID_CHAR` set): HTAB, SP–`~`, 0x80–0xFF only. */
function isSendableValue(value: string): boolean {
  for (let i = 0, n = value.length; i < n; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

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

/** A field name's map key: the name lower-cased, once it is known to be a token. */
function fieldKey(name: string, what: string): string {
  if (!isToken(name)) throw new HttpParseError(400, `invalid ${what} name ${JSON.stringify(name.slice(0, 60))}`);
  return name.toLowerCase();
}

/**
 * The names nearly every request carries, as constants: when `text[from, to)` is one
 * of them in any letter case, its key is the constant — no slice, no lower-casing,
 * and a key V8 already holds interned, so storing it in the map does not hash a
 * fresh string. (A match is a token by construction: the constants are.)
 */
const COMMON_NAMES = [
  "host",
  "connection",
  "content-length",
  "content-type",
  "transfer-encoding",
  "user-agent",
  "accept",
  "expect",
];
const COMMON_BY_LENGTH: (string[] | undefined)[] = [];
for (const n of COMMON_NAMES) (COMMON_BY_LENGTH[n.length] ??= []).push(n);

function commonName(text: string, from: number, to: number): string | null {
  const candidates = COMMON_BY_LENGTH[to - from];
  if (candidates === undefined) return null;
  next: for (const name of candidates) {
    for (let i = 0; i < name.length; i++) {
      const c = text.charCodeAt(from + i);
      const k = name.charCodeAt(i);
      // Only an ASCII capital folds (c + 32): any other byte must equal the constant's.
      if (c !== k && !(c >= 65 && c <= 90 && c + 32 === k)) continue next;
    }
    return name;
  }
  return null;
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
    const key = commonName(text, pos, colon) ?? fieldKey(text.slice(pos, colon), what);
    const value = trimOws(text, colon + 1, next);
    const prev = fields[key];
    if (prev === undefined) fields[key] = value;
    else if (SINGLETON.has(key)) throw new HttpParseError(400, `repeated ${text.slice(pos, colon)} ${what}`);
    // Set-Cookie is the one field whose lines cannot be joined with commas (RFC 9110
    // §5.3): its values hold commas (`Expires=Wed, 21 Oct …`). LF, which no value
    // can contain, keeps them apart.
    else fields[key] = key === "set-cookie" ? `${prev}\n${value}` : `${prev}, ${value}`;
    pos = next + 2;
  }
  return fields;
}

/**
 * Where a head or trailer section breaks the line grammar: a bare CR, a bare LF or
 * a CTL other than HTAB — as a message — or `null`. One pass: a CR must be followed
 * by LF (the pair is skipped), so any LF the loop meets is a bare one.
 */
export function badSectionByte(text: string): string | null {
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20) {
      if (c === 0x7f) return "control character 0x7f";
      continue;
    }
    if (c === 9) continue;
    if (c === 13) {
      if (text.charCodeAt(i + 1) !== 10) return "bare CR in a line ending";
      i++;
      continue;
    }
    if (c === 10) return "bare LF in a line ending";
    return `control character 0x${c.toString(16).padStart(2, "0")}`;
  }
  return null;
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
  if (!isToken(name)) throw new TypeError(`invalid HTTP header name ${JSON.stringify(name)}`);
  if (!isSendableValue(value))
    throw new TypeError(`invalid character in HTTP header ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
}
