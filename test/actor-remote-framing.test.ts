/**
 * The fast paths of the wire format (issue 15 §5: remote tell against its raw-frame
 * floor) against the plain ones they replace, which the golden frames in
 * actor-remote.test.ts pin byte for byte:
 * - the frame writer (encoded in place into a batch) writes exactly the bytes of
 *   `encodeFrame(service, correlation, encodePayload(value))`, in order, each
 *   handed-out region ending on a frame boundary, whatever the values and sizes;
 * - the frame reader (frames read in place) cuts any chunking of a stream into the
 *   same frames;
 * - `decodePayload` (cborg's tokenizer without its per-call copies) agrees with
 *   cborg's `decode` on any bytes: the same value, or both refuse.
 */
import fc from "fast-check";
import { decode, encode } from "cborg";
import { describe, expect, it } from "vitest";
import { BATCH_BYTES, FrameWriter } from "../src/actors/remote/frame-writer.js";
import { RemoteError } from "../src/actors/remote/remote-errors.js";
import { RemoteRef } from "../src/actors/remote/remote-ref.js";
import { service } from "../src/actors/remote/service-map.js";
import { decodePayload, encodeFrame, encodePayload, FrameReader } from "../src/actors/remote/wire.js";

/** Values CBOR carries (wire.ts lists the shapes), some large enough to cross a batch. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.jsonValue() },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, true, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 40)) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: BATCH_BYTES / 4, max: BATCH_BYTES + 100 }).map((n) => new Uint8Array(n).fill(7)),
  },
);

/** The same without the large ones (for tests whose counterexamples get printed). */
const smallValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(undefined, null, NaN, -Infinity),
);

const u32 = fc.nat({ max: 0xffff_ffff });

type Op = { kind: "frame"; service: number; correlation: number; value: unknown } | { kind: "take" };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("frame" as const), service: u32, correlation: u32, value }) },
  { weight: 1, arbitrary: fc.constant({ kind: "take" as const }) },
);

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

describe("frame writer: the same bytes as encodeFrame(encodePayload(v))", () => {
  it("any sequence of frames and takes: identical bytes in order, each region ends on a frame boundary", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const writer = new FrameWriter(1 << 20);
        const expected: Buffer[] = [];
        const written: Buffer[] = [];
        const reader = new FrameReader();
        const drain = () => {
          for (let chunk = writer.take(); chunk !== null; chunk = writer.take()) {
            written.push(Buffer.from(chunk));
            reader.push(chunk);
            while (reader.next() !== null);
            expect(reader.pending).toBe(0); // the region ended on a frame boundary
          }
        };
        for (const o of ops) {
          if (o.kind === "take") drain();
          else {
            writer.appendValue(o.service, o.correlation, o.value, "svc");
            expected.push(encodeFrame(o.service, o.correlation, encodePayload(o.value)));
          }
        }
        drain();
        expect(hex(Buffer.concat(written))).toBe(hex(Buffer.concat(expected)));
      }),
      { seed: 1515, numRuns: 150 },
    );
  });

  it("a frame over the limit or a value CBOR cannot carry is refused and leaves nothing behind", () => {
    fc.assert(
      fc.property(
        fc.array(smallValue, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 13, max: 300 }),
        (values, limit) => {
          const writer = new FrameWriter(limit);
          const expected: Buffer[] = [];
          for (const v of values) {
            const frame = encodeFrame(1, 0, encodePayload(v));
            if (frame.length > limit) {
              expect(() => writer.appendValue(1, 0, v, "svc")).toThrow(RemoteError);
            } else {
              writer.appendValue(1, 0, v, "svc");
              expected.push(frame);
            }
            expect(() => writer.appendValue(1, 0, () => 0, "svc")).toThrow(/unsupported type/);
          }
          const written: Buffer[] = [];
          for (let c = writer.take(); c !== null; c = writer.take()) written.push(Buffer.from(c));
          expect(hex(Buffer.concat(written))).toBe(hex(Buffer.concat(expected)));
        },
      ),
      { seed: 1516, numRuns: 200 },
    );
  });

  it("bytes handed out are never overwritten by later frames", () => {
    const writer = new FrameWriter(1 << 20);
    writer.appendValue(5, 0, "first", "svc");
    const first = writer.take()!;
    const copy = Buffer.from(first);
    for (let i = 0; i < 20_000; i++) writer.appendValue(5, 0, i, "svc"); // fills and replaces the batch buffer
    expect(hex(first)).toBe(hex(copy));
  });
});

describe("frame reader: any chunking gives the same frames", () => {
  it("frames split at arbitrary points (across, inside, between headers) read back whole and in order", () => {
    const frame = fc.record({ service: u32, correlation: u32, value: fc.jsonValue() });
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (frames, cuts) => {
          const stream = Buffer.concat(
            frames.map((f) => encodeFrame(f.service, f.correlation, encodePayload(f.value))),
          );
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const reader = new FrameReader();
          const out: { service: number; correlation: number; payload: string }[] = [];
          let from = 0;
          for (const to of [...points, stream.length]) {
            reader.push(stream.subarray(from, to));
            from = to;
            for (let f = reader.next(); f !== null; f = reader.next())
              out.push({ service: f.service, correlation: f.correlation, payload: hex(f.payload) });
          }
          expect(out).toEqual(
            frames.map((f) => ({
              service: f.service,
              correlation: f.correlation,
              payload: hex(encodePayload(f.value)),
            })),
          );
          expect(reader.pending).toBe(0);
        },
      ),
      { seed: 1517, numRuns: 200 },
    );
  });
});

describe("decodePayload agrees with cborg's decode", () => {
  const outcome = (f: () => unknown): { value: unknown } | { refused: true } => {
    try {
      return { value: f() };
    } catch {
      return { refused: true };
    }
  };

  it("on arbitrary bytes: the same value, or both refuse", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        expect(outcome(() => decodePayload(bytes))).toEqual(outcome(() => decode(bytes)));
        expect(outcome(() => decodePayload(Buffer.from(bytes)))).toEqual(outcome(() => decode(bytes)));
      }),
      { seed: 1518, numRuns: 2000 },
    );
  });

  it("on encoded values, with trailing bytes, and cut short", () => {
    fc.assert(
      fc.property(value, fc.uint8Array({ minLength: 1, maxLength: 3 }), (v, extra) => {
        const bytes = encode(v);
        expect(outcome(() => decodePayload(bytes))).toEqual(outcome(() => decode(bytes)));
        const longer = Buffer.concat([bytes, extra]);
        expect(outcome(() => decodePayload(longer))).toEqual({ refused: true });
        const shorter = bytes.subarray(0, bytes.length - 1);
        expect(outcome(() => decodePayload(shorter))).toEqual(outcome(() => decode(shorter)));
      }),
      { seed: 1519, numRuns: 120 },
    );
  });
});

describe("service ids past 2^31 (most of them) on the tell path", () => {
  it("a RemoteRef's tell writes the frame encodeFrame writes for the u32 id", () => {
    const svc = service<unknown, unknown>("test", "Wider");
    expect(svc.id).toBeGreaterThan(2 ** 31); // carried as the negative int32 with the same bits
    const writer = new FrameWriter(1 << 20);
    const channel = {
      name: "fake",
      askTimeoutMs: 1000,
      writeValue: (id: number, correlation: number, v: unknown, name: string) =>
        writer.appendValue(id, correlation, v, name),
    };
    const ref = new RemoteRef(channel as never, svc);
    for (const v of [1, "get", { a: [1, 2] }]) ref.tell(v);
    const expected = [1, "get", { a: [1, 2] }].map((v) => encodeFrame(svc.id, 0, encodePayload(v)));
    expect(hex(writer.take()!)).toBe(hex(Buffer.concat(expected)));
    const reader = new FrameReader();
    reader.push(Buffer.concat(expected));
    expect(reader.next()!.service).toBe(svc.id); // read back as the u32 the receiver's services are keyed by
  });
});
