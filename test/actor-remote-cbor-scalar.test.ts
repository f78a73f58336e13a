/**
 * The hand-written CBOR scalars (cbor-scalar.ts) against cborg: the same bytes out,
 * the same values in, and "not mine" (cborg takes over) for everything else.
 */
import fc from "fast-check";
import { decode, encode } from "cborg";
import { describe, expect, it } from "vitest";
import { NOT_SCALAR, readScalar, writeScalar } from "../src/actors/remote/cbor-scalar.js";
import { decodeAt } from "../src/actors/remote/wire.js";

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** Every integer head boundary, both signs. */
const EDGES = [0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER].flatMap((n) => [
  n,
  -n,
  -n - 1,
]);

function written(value: unknown, limit = 64): string | null {
  const b = new Uint8Array(70).fill(0xaa);
  const n = writeScalar(b, 3, 3 + limit, value);
  if (n < 0) {
    expect(hex(b)).toBe("aa".repeat(70)); // nothing written
    return null;
  }
  return hex(b.subarray(3, 3 + n));
}

describe("writeScalar writes cborg's bytes or nothing", () => {
  it("integers at every head boundary; -0 as 0; beyond 32 bits left to cborg", () => {
    for (const n of [...EDGES, -0]) {
      const out = written(n);
      if ((n < 0 ? -1 - n : n) < 2 ** 32) expect(out).toBe(hex(encode(n)));
      else expect(out).toBeNull();
    }
    expect(written(-0)).toBe("00");
    expect(written(1)).toBe("01");
    expect(written(-(2 ** 32))).toBe("3affffffff");
  });

  it("short ASCII strings, booleans, null, undefined by hand; the rest left to cborg", () => {
    expect(written("get")).toBe("63676574");
    expect(written("")).toBe("60");
    expect(written("x".repeat(23))).toBe(hex(encode("x".repeat(23))));
    expect(written("x".repeat(24))).toBeNull();
    expect(written("é")).toBeNull();
    for (const v of [true, false, null, undefined]) expect(written(v)).toBe(hex(encode(v)));
    for (const v of [1.5, NaN, Infinity, 2n, [1], { a: 1 }, new Uint8Array(1)]) expect(written(v)).toBeNull();
  });

  it("any value: the same bytes as cborg's encode, or nothing", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.maxSafeInteger(),
          fc.string({ maxLength: 30 }),
          fc.string({ unit: "binary" }),
          fc.jsonValue(),
        ),
        (v) => {
          const out = written(v);
          if (out !== null) expect(out).toBe(hex(encode(v)));
        },
      ),
      { seed: 1520, numRuns: 2000 },
    );
  });

  it("never writes past the limit", () => {
    for (const v of [0, 24, 256, 65_536, -(2 ** 31), "abc", true]) {
      const size = encode(v).length;
      expect(written(v, size)).toBe(hex(encode(v)));
      expect(written(v, size - 1)).toBeNull();
    }
  });
});

describe("readScalar reads what cborg's decode reads, or leaves it to cborg", () => {
  const decoded = (bytes: Uint8Array): unknown => {
    try {
      return { value: decode(bytes) };
    } catch {
      return "refused";
    }
  };

  it("on arbitrary bytes: the same value, never a value cborg refuses", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.nat({ max: 4 }), (bytes, pad) => {
        const padded = new Uint8Array(pad + bytes.length + pad).fill(0xff);
        padded.set(bytes, pad);
        const out = readScalar(padded, pad, pad + bytes.length);
        if (out !== NOT_SCALAR) expect({ value: out }).toEqual(decoded(bytes));
      }),
      { seed: 1521, numRuns: 5000 },
    );
  });

  it("every one-byte payload (its table): cborg's value, or left to cborg", () => {
    for (let byte = 0; byte < 256; byte++) {
      const padded = Uint8Array.of(0xff, byte, 0xff);
      const out = readScalar(padded, 1, 2);
      if (out !== NOT_SCALAR) expect({ value: out }).toEqual(decoded(Uint8Array.of(byte)));
    }
    // The one-byte items it must read by hand, not leave to cborg: small integers, booleans, null, undefined, "".
    expect(
      [0x00, 0x17, 0x20, 0x37, 0xf4, 0xf5, 0xf6, 0xf7, 0x60].map((b) => readScalar(Uint8Array.of(b), 0, 1)),
    ).toEqual([0, 23, -1, -24, false, true, null, undefined, ""]);
    // Containers are fresh objects per decode: never shared from a table.
    for (const b of [0x80, 0xa0]) expect(readScalar(Uint8Array.of(b), 0, 1)).toBe(NOT_SCALAR);
  });

  it("reads every scalar it writes, in place", () => {
    for (const v of [...EDGES.filter((n) => (n < 0 ? -1 - n : n) < 2 ** 32), "get", "", true, false, null, undefined]) {
      const b = encode(v);
      expect(readScalar(b, 0, b.length)).toBe(decode(b));
      expect(readScalar(b, 0, b.length)).not.toBe(NOT_SCALAR);
    }
    expect(readScalar(Uint8Array.of(0x18, 0x05), 0, 2)).toBe(decode(Uint8Array.of(0x18, 0x05), { strict: false }));
    expect(readScalar(Uint8Array.of(0x01, 0x02), 0, 2)).toBe(NOT_SCALAR); // trailing bytes: cborg refuses them
  });

  it("decodeAt: a payload in the middle of a chunk, scalar or not", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 5 }), (v, before) => {
        const payload = encode(v);
        const chunk = Buffer.concat([before, payload, Uint8Array.of(0xff)]);
        expect(decodeAt(chunk, before.length, before.length + payload.length)).toEqual(decode(payload));
      }),
      { seed: 1522, numRuns: 300 },
    );
  });
});
