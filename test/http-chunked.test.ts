/**
 * The incremental chunked decoder and the message reader, in memory: whatever the
 * read boundaries, the outcome (body, trailers, leftover bytes — or the error
 * status) is the one the bytes give in a single read. Seeded fast-check properties,
 * plus the example that was quadratic before (8 MB of 1-byte chunks, fed in small
 * reads).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockOn, ChunkedDecoder, co, HttpParseError, ready, type Co, type PollStream } from "../src/index.js";
import { MessageReader } from "../src/internals.js";

type Outcome = { body: string; trailers: [string, string][]; rest: string } | { status: number };

/** Feed `pieces` to a fresh decoder; what it decoded, or the error status. */
function decode(pieces: Buffer[], maxBody = 1 << 20): Outcome {
  const d = new ChunkedDecoder(maxBody, 16 * 1024);
  try {
    for (let i = 0; i < pieces.length; i++) {
      const used = d.push(pieces[i]!);
      if (d.done) {
        const rest = Buffer.concat([pieces[i]!.subarray(used), ...pieces.slice(i + 1)]).toString("latin1");
        return { body: d.body().toString("latin1"), trailers: Object.entries(d.trailers), rest };
      }
    }
    return { status: 0 }; // needs more bytes
  } catch (e) {
    if (e instanceof HttpParseError) return { status: e.status };
    throw e;
  }
}

function split(bytes: Buffer, points: number[]): Buffer[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

const byte = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const framed = fc
  .record({
    body: fc.string({ unit: byte, maxLength: 60 }),
    cuts: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
    ext: fc.constantFrom("", ";a", ";a=b", ';q="x \\" y"', ";"),
    trailers: fc.array(
      fc.tuple(
        fc.constantFrom("X-Sum", "constructor", "Etag"),
        fc.string({ unit: fc.constantFrom("a", "1", " ", "\t", "!"), maxLength: 8 }),
      ),
      { maxLength: 2 },
    ),
    next: fc.constantFrom("", "GET / HTTP/1.1\r\n\r\n"),
  })
  .map((r) => {
    let out = "";
    let at = 0;
    for (let i = 0; at < r.body.length; i++) {
      const n = Math.min(r.cuts[i % r.cuts.length]!, r.body.length - at);
      out += `${n.toString(16)}${r.ext}\r\n${r.body.slice(at, at + n)}\r\n`;
      at += n;
    }
    out += `0\r\n${r.trailers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n${r.next}`;
    return { ...r, bytes: out };
  });

describe("ChunkedDecoder", () => {
  it("decodes what was framed, whatever the read boundaries (property, seeded)", () => {
    fc.assert(
      fc.property(framed, fc.array(fc.nat(), { maxLength: 8 }), (f, points) => {
        const out = decode(split(Buffer.from(f.bytes, "latin1"), points));
        if (f.ext === ";" && f.body.length > 0) {
          expect(out).toEqual({ status: 400 }); // `;` with no name, as llhttp
          return;
        }
        expect(out).toEqual({
          body: f.body,
          trailers: f.trailers
            .map(([k, v]) => [k.toLowerCase(), v.replace(/^[ \t]+|[ \t]+$/g, "")])
            .reduce<[string, string][]>((acc, [k, v]) => {
              if (k === undefined || v === undefined) return acc;
              const prev = acc.find((e) => e[0] === k);
              if (prev) prev[1] = `${prev[1]}, ${v}`;
              else acc.push([k, v]);
              return acc;
            }, []),
          rest: f.next,
        });
      }),
      { seed: 12, numRuns: 2000 },
    );
  });

  it(
    "a mutated framing gives the same outcome split or whole: the state " +
      "machine carries nothing across reads but its state (property, seeded)",
    () => {
      fc.assert(
        fc.property(
          framed,
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
          (f, at, b, points) => {
            const bytes = Buffer.from(f.bytes, "latin1");
            if (bytes.length > 0) bytes[at % bytes.length] = b;
            expect(decode(split(bytes, points))).toEqual(decode([bytes]));
          },
        ),
        { seed: 13, numRuns: 3000 },
      );
    },
  );

  it("trailers are prototype-free: a `constructor` trailer is just a trailer", () => {
    const d = new ChunkedDecoder(100, 1000);
    d.push(Buffer.from("0\r\nconstructor: x\r\n\r\n"));
    expect(d.done).toBe(true);
    expect(Object.getPrototypeOf(d.trailers)).toBe(null);
    expect(d.trailers["constructor"]).toBe("x");
  });

  it(
    "8 MB of 1-byte chunks, fed in 1,000-byte reads, decodes to the 8 MB " +
      "body (was: re-decoded from byte 0 after every read)",
    () => {
      const n = 8_000_000;
      const unit = Buffer.from("1\r\nz\r\n");
      const all = Buffer.allocUnsafe(n * unit.length + 5);
      for (let i = 0; i < n; i++) unit.copy(all, i * unit.length);
      all.write("0\r\n\r\n", n * unit.length);
      const d = new ChunkedDecoder(8 * 1024 * 1024, 16 * 1024);
      for (let at = 0; at < all.length && !d.done; at += 1000) d.push(all.subarray(at, at + 1000));
      expect(d.done).toBe(true);
      const body = d.body();
      expect(body.length).toBe(n);
      expect(body.every((c) => c === 0x7a)).toBe(true);
    },
  );
});

/** A stand-in stream that hands the reader the given pieces, one per read, then end of stream. */
function piecesStream(pieces: Buffer[]): PollStream {
  let i = 0;
  return { read: () => ready(i < pieces.length ? pieces[i++]! : null) } as unknown as PollStream;
}

/** Read every request in `bytes` with a MessageReader; the list of [method, target, body], then the error status if
 * any. */
function readAll(pieces: Buffer[]): (string | number)[] {
  const reader = new MessageReader(piecesStream(pieces));
  return blockOn(
    co(function* (): Co<(string | number)[]> {
      const out: (string | number)[] = [];
      try {
        for (;;) {
          const head = yield* reader.readHead(true);
          if (head === null) return out;
          const body = yield* reader.readBody(head.framing);
          out.push(`${head.start[0]} ${head.start[1]} ${JSON.stringify(head.headers)} ${body.toString("latin1")}`);
        }
      } catch (e) {
        out.push(e instanceof HttpParseError ? e.status : (e as Error).name);
        return out;
      }
    }),
  ) as unknown as (string | number)[];
}

describe("MessageReader", () => {
  const request = fc
    .record({
      target: fc.constantFrom("/", "/a?b=c", "*"),
      framing: fc.constantFrom("", "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n"),
      extra: fc.constantFrom("", "X-A: 1\r\n", "X-A: 1\r\nX-A: 2\r\n", "Connection: keep-alive\r\n"),
    })
    .map(
      (r) =>
        `GET ${r.target} HTTP/1.1\r\nHost: ` +
        `h\r\n${r.extra}${r.framing}\r\n` +
        (r.framing.startsWith("Content") ? "hello" : r.framing === "" ? "" : "5\r\nhello\r\n0\r\n\r\n"),
    );

  it(
    "pipelined requests (and a flipped byte) read the same whatever the " + "read boundaries (property, seeded)",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(request, { minLength: 1, maxLength: 3 }),
          fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
          fc.array(fc.nat(), { maxLength: 10 }),
          async (reqs, flip, points) => {
            const bytes = Buffer.from(reqs.join(""), "latin1");
            if (flip !== null) bytes[flip[0] % bytes.length] = flip[1];
            expect(await readAll(split(bytes, points))).toEqual(await readAll([bytes]));
          },
        ),
        { seed: 14, numRuns: 1000 },
      );
    },
  );
});
