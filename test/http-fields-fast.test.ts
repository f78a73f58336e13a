/**
 * The per-field checks of the hot path are `charCodeAt` loops over lookup tables
 * (http-fields.ts). They must accept exactly what the grammar's regular expressions
 * accept — the regexes are written out here as the reference, and seeded fast-check
 * properties compare the two on strings biased toward the bytes that matter (CTLs,
 * CR/LF pairs, token delimiters, obs-text, code units above 0xFF).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  badSectionByte,
  checkOutgoingField,
  fieldMap,
  isToken,
  isVisibleAscii,
  parseFieldLines,
} from "../src/runtime/io/http-fields.js";
import { serializeResponse } from "../src/runtime/io/http-message.js";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VISIBLE = /^[\x21-\x7e]+$/;
// eslint-disable-next-line no-control-regex
const BAD_SECTION = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
const BAD_OUTGOING_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Characters a head is made of, with the troublesome ones over-represented. */
const interesting = fc.oneof(
  fc.constantFrom(
    "\r\n",
    "\r",
    "\n",
    "\t",
    " ",
    ":",
    ",",
    "\x00",
    "\x0b",
    "\x7f",
    "\x80",
    "\xa0",
    "\xff",
    "\u0100",
    "\u2028",
    "(",
    '"',
    "/",
    "@",
  ),
  fc.constantFrom(..."aZ09!#$%&'*+-.^_`|~"),
  fc.integer({ min: 0, max: 0x17f }).map((c) => String.fromCharCode(c)),
);
const text = fc.array(interesting, { maxLength: 40 }).map((parts) => parts.join(""));

function regexSection(s: string): string | null {
  const m = BAD_SECTION.exec(s);
  if (m === null) return null;
  return m[0] === "\n" ? "bare LF" : m[0] === "\r" ? "bare CR" : "control";
}
function loopSection(s: string): string | null {
  const r = badSectionByte(s);
  return r === null ? null : r.startsWith("bare LF") ? "bare LF" : r.startsWith("bare CR") ? "bare CR" : "control";
}
function throws(f: () => void): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

describe("http-fields: the table loops accept what the grammar's regexes accept", () => {
  it("isToken ≡ TOKEN, isVisibleAscii ≡ [\\x21-\\x7e]+", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(isToken(s)).toBe(TOKEN.test(s));
        expect(isVisibleAscii(s)).toBe(VISIBLE.test(s));
      }),
      { seed: 0x12f1, numRuns: 3000 },
    );
  });

  it("badSectionByte finds the first fault the regex finds (bare CR, bare LF, CTL) and passes what it passes", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(loopSection(s)).toBe(regexSection(s));
      }),
      { seed: 0x12f2, numRuns: 3000 },
    );
  });

  it("checkOutgoingField refuses exactly a non-token name or a value outside HTAB / SP–~ / 0x80–0xFF", () => {
    fc.assert(
      fc.property(text, text, (name, value) => {
        expect(throws(() => checkOutgoingField(name, value))).toBe(
          !TOKEN.test(name) || BAD_OUTGOING_VALUE_CHAR.test(value),
        );
      }),
      { seed: 0x12f3, numRuns: 3000 },
    );
  });

  it("examples at the edges: CR at the very end, CRLF pairs, HTAB, DEL, obs-text", () => {
    expect(badSectionByte("a\r\nb")).toBeNull();
    expect(badSectionByte("a\r")).toMatch(/bare CR/);
    expect(badSectionByte("a\r\r\nb")).toMatch(/bare CR/);
    expect(badSectionByte("a\n")).toMatch(/bare LF/);
    expect(badSectionByte("\r\n\n")).toMatch(/bare LF/);
    expect(badSectionByte("a\tb\xa0\xff")).toBeNull();
    expect(badSectionByte("a\x7f")).toBe("control character 0x7f");
    expect(badSectionByte("a\x00")).toBe("control character 0x00");
    expect(isToken("")).toBe(false);
    expect(isVisibleAscii("")).toBe(false);
    expect(isToken("Content-Type")).toBe(true);
    expect(isToken("Content Type")).toBe(false);
  });

  it(
    "parseFieldLines keys a common name in any letter case as that name " +
      "lower-cased, and still refuses a repeated Host / Content-Length",
    () => {
      const common = [
        "host",
        "connection",
        "content-length",
        "content-type",
        "transfer-encoding",
        "user-agent",
        "accept",
        "expect",
      ];
      // A name: a common one in random case, one a byte away from it (same length), or a random token.
      const name = fc.oneof(
        fc
          .tuple(fc.constantFrom(...common), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }))
          .map(([n, up]) => [...n].map((c, i) => (up[i] ? c.toUpperCase() : c)).join("")),
        fc
          .tuple(
            fc.constantFrom(...common),
            fc.nat(),
            fc.constantFrom("[", "{", "@", "`", "_", "-", "x", "\xc8", "\xe8"),
          )
          .map(([n, i, c]) => n.slice(0, i % n.length) + c + n.slice((i % n.length) + 1)),
        fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/),
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(name, fc.stringMatching(/^[a-z0-9 ]{0,8}$/)), { maxLength: 6 }), (lines) => {
          const text = lines.map(([n, v]) => `${n}:${v}`).join("\r\n");
          // The reference: the grammar as written, one slice and toLowerCase per name.
          let expected: Record<string, string> | number = {};
          for (const [n, v] of lines) {
            if (!TOKEN.test(n)) {
              expected = 400;
              break;
            }
            const key = n.toLowerCase();
            const value = v.replace(/^[ \t]+|[ \t]+$/g, "");
            if (expected[key] === undefined) expected[key] = value;
            else if (key === "host" || key === "content-length") {
              expected = 400;
              break;
            } else expected[key] = `${expected[key]}, ${value}`;
          }
          let got: Record<string, string> | number;
          try {
            got = { ...parseFieldLines(text, 0, text.length, fieldMap(), "header") };
          } catch (e) {
            got = (e as { status: number }).status;
          }
          expect(got).toEqual(expected);
        }),
        { seed: 0x12f4, numRuns: 3000 },
      );
    },
  );
});

/** A response head with its `Date:` line removed, so two heads built a second apart compare equal. */
function withoutDate(head: string): string {
  return head.replace(/\r\nDate: [^\r]*/, "");
}

describe("serializeResponse: one write for an ASCII string body, UTF-8 otherwise", () => {
  it(
    "writes the same bytes as head + UTF-8 body, for ASCII, Latin-1-range " + "and astral strings, and for a Buffer",
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.string({ unit: "binary", maxLength: 30 }),
            fc.constantFrom("é", "\xff", "✓", "😀", ""),
          ),
          fc.boolean(),
          (body, asBuffer) => {
            const res = {
              status: 200,
              headers: { "Content-Type": "text/plain" },
              body: asBuffer ? Buffer.from(body, "utf8") : body,
            };
            const text = serializeResponse(res, true).toString("latin1");
            const headEnd = text.indexOf("\r\n\r\n") + 4;
            const utf8 = Buffer.from(body, "utf8");
            expect(text.slice(0, headEnd)).toContain(`\r\nContent-Length: ${utf8.length}\r\n`);
            expect(Buffer.from(text.slice(headEnd), "latin1").equals(utf8)).toBe(true);
            // HEAD: the same head, no body bytes. The Date line is left out of the
            // comparison: the two calls can straddle a second boundary.
            const head = serializeResponse(res, true, true).toString("latin1");
            expect(withoutDate(head)).toBe(withoutDate(text.slice(0, headEnd)));
          },
        ),
        { seed: 0x12f5, numRuns: 1000 },
      );
    },
  );
});
