/**
 * Differential fuzzer: our HTTP server against Node's `http` server (llhttp), fed the
 * same bytes over loopback.
 *
 * A fast-check generator builds HTTP/1.1 requests — valid ones, and mutations of
 * them: bytes flipped, CR or LF removed or doubled, framing headers duplicated or
 * combined, chunk sizes and extensions mangled — and sends each to both servers on a
 * fresh connection, its head split across writes at random points, then half-closes.
 * Both handlers record what they were given. The property:
 *   1. both servers hand their handler the same number of requests (accept vs reject
 *      agree — a smuggled second request counts as one more);
 *   2. every request both accepted has the same method, target, headers (names
 *      lower-cased, repeats joined with ", ") and body;
 * unless the case is one of the deliberate disagreements listed in `DELIBERATE`,
 * each with its reason (they are the places where we are stricter than Node).
 *
 * Runs: `FUZZ_RUNS` (default 2,000 per `npm test`), seed `FUZZ_SEED` (default fixed).
 */
import * as http from "node:http";
import * as net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { blockOn, HttpServer, Listener } from "../src/index.js";

const RUNS = Number(process.env["FUZZ_RUNS"] ?? 2000);
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261130);

interface Seen {
  method: string;
  target: string;
  /** [name, value] sorted by name (a plain list: no object key is special). */
  headers: [string, string][];
  body: string;
}

const sortedFields = (m: Record<string, string>): [string, string][] =>
  Object.keys(m)
    .sort()
    .map((k) => [k, m[k]!]);

interface Outcome {
  seen: Seen[];
  statuses: number[];
}

/** Where we deliberately disagree with Node, each with its reason. `applies` recognises the case from its bytes. */
const DELIBERATE: { reason: string; applies: (bytes: string, ours: Outcome, node: Outcome) => boolean }[] = [
  {
    reason:
      "extension method: RFC 9110 §9.1 allows any token as a method; llhttp " +
      "knows a fixed list (http.METHODS) and answers 400 to others",
    applies: (_b, o, n) =>
      o.seen.length > n.seen.length && o.seen.slice(n.seen.length).some((r) => !http.METHODS.includes(r.method)),
  },
  {
    reason:
      "a request line with no HTTP version (`GET /x`): llhttp takes it for " +
      "HTTP/0.9 and still reads headers and a body; RFC 9112 has no such " +
      "request and we answer 400",
    applies: (b, o, n) =>
      stricter(o, n) &&
      (!/^[^ \r\n]+ [^ \r\n]+ HTTP\/1\.[01]\r\n/.test(b) ||
        b.split("\r\n").some((l) => /^[A-Za-z]+ [^ ]+$/.test(l)) ||
        n.seen.some((r) => /HTTP\/\d\.\d$/.test(r.target))),
  },
  {
    reason:
      "requests pipelined behind an HTTP/1.1 request without Host: Node " +
      "answers that one 400 (Connection: close) but still parses and runs the " +
      "requests behind it, whose answers are lost; we stop reading at the " +
      "first rejected request",
    applies: (b, o, n) =>
      stricter(o, n) &&
      n.statuses.includes(400) &&
      JSON.stringify(n.seen).startsWith(JSON.stringify(o.seen).slice(0, -1)) &&
      b.split("\r\n\r\n").some((h) => / HTTP\/1\.1(\r\n|$)/.test(h) && !/\r\nhost:/i.test(h)),
  },
  {
    reason:
      "HTTP/1.0 with `Connection: keep-alive, close`: RFC 9112 §9.3 says " +
      "`close` ends the connection; llhttp lets `keep-alive` win for 1.0 and " +
      "reads the next request",
    applies: (b, o, n) =>
      stricter(o, n) &&
      JSON.stringify(n.seen).startsWith(JSON.stringify(o.seen).slice(0, -1)) &&
      /HTTP\/1\.0\r\n(?:[^\r]*\r\n)*connection:[^\r]*close/i.test(b),
  },
  {
    reason:
      "two Host lines: RFC 9112 §3.2 says a server MUST answer 400; Node joins them (and req.headers keeps the first)",
    applies: (b, o, n) => stricter(o, n) && count(b, /^host:/i) > 1,
  },
  {
    reason:
      "HTTP/1.2 to HTTP/1.9: RFC 9112 §2.3 says to process a higher minor " +
      "version as the highest one implemented (1.1); llhttp answers 400",
    applies: (b, o, n) => o.seen.length > n.seen.length && /^[^\r\n]* HTTP\/1\.[2-9]\r\n/m.test(b),
  },
  {
    reason:
      "a Host value with a character outside RFC 3986's host and port (`a/b`, " +
      "`a b`, `a@b`): RFC 9112 §3.2 says a server MUST answer 400; Node accepts any value",
    applies: (b, o, n) =>
      stricter(o, n) &&
      b
        .split("\r\n\r\n")
        .some((h) =>
          h
            .split("\r\n")
            .some(
              (l) =>
                /^host:/i.test(l) &&
                !/^[A-Za-z0-9\-._~!$&'()*+,;=%:[\]]*$/.test(l.slice(5).replace(/^[ \t]+|[ \t]+$/g, "")),
            ),
        ),
  },
  {
    reason:
      "a Transfer-Encoding other than exactly `chunked` (a coding list such " +
      "as `identity, chunked` or `gzip, chunked`, or chunked twice): we " +
      "decode no other coding and RFC 9112 §6.1 forbids chunked twice; llhttp " +
      "frames by the final `chunked` and hands the handler bytes still coded",
    applies: (b, o, n) => {
      if (!stricter(o, n)) return false;
      const te = headLines(b)
        .filter((l) => /^transfer-encoding:/i.test(l))
        .map((l) => l.slice(l.indexOf(":") + 1).replace(/^[ \t]+|[ \t]+$/g, ""));
      return te.length > 0 && te.join(", ").toLowerCase() !== "chunked";
    },
  },
];

/** The field lines of the first head in `bytes` (up to its first empty line). */
function headLines(bytes: string): string[] {
  const end = bytes.indexOf("\r\n\r\n");
  return (end < 0 ? bytes : bytes.slice(0, end)).split("\r\n").slice(1);
}
const count = (bytes: string, name: RegExp): number => headLines(bytes).filter((l) => name.test(l)).length;
/** Ours handed on fewer requests than Node (we rejected what Node accepted). */
const stricter = (o: Outcome, n: Outcome): boolean => o.seen.length < n.seen.length;

let ours: HttpServer;
let node: http.Server;
let oursSeen: Seen[] = [];
let nodeSeen: Seen[] = [];

beforeAll(async () => {
  ours = HttpServer.serve(await blockOn(Listener.bind({ port: 0 })), (req) => {
    oursSeen.push({
      method: req.method,
      target: req.target,
      headers: sortedFields(req.headers),
      body: req.body.toString("latin1"),
    });
    return { status: 200, body: "ok" };
  });
  node = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const headers = Object.create(null) as Record<string, string>;
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i]!.toLowerCase();
        const v = req.rawHeaders[i + 1]!;
        headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
      }
      nodeSeen.push({
        method: req.method!,
        target: req.url!,
        headers: sortedFields(headers),
        body: Buffer.concat(parts).toString("latin1"),
      });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => node.listen(0, "127.0.0.1", r));
});

afterAll(() => {
  ours.close();
  node.close();
  node.closeAllConnections();
});

/** Send `pieces` (one write each), half-close, collect the reply until the server closes. */
function exchange(port: number, pieces: Buffer[]): Promise<number[]> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" }, async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (s.destroyed) break;
        s.write(pieces[i]!);
        if (i < pieces.length - 1) await new Promise((r) => setImmediate(r));
      }
      if (!s.destroyed) s.end();
    });
    s.setNoDelay(true);
    let out = "";
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    // A server that never closes a half-closed connection is a finding too: status -1.
    const stuck = setTimeout(() => {
      out += "HTTP/1.1 -1 ";
      s.destroy();
    }, 10_000);
    const done = () => {
      clearTimeout(stuck);
      resolve([...out.matchAll(/HTTP\/1\.[01] (-1|\d{3})/g)].map((m) => Number(m[1])));
    };
    s.on("close", done);
    s.on("error", () => {});
  });
}

async function outcomeOf(port: number, pieces: Buffer[], which: "ours" | "node"): Promise<Outcome> {
  const statuses = await exchange(port, pieces);
  const seen = which === "ours" ? oursSeen : nodeSeen;
  if (which === "ours") oursSeen = [];
  else nodeSeen = [];
  return { seen, statuses };
}

// ------------------------------------------------------------------ generators

const tchar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~");
const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 });
const vchar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const fieldValue = fc
  .tuple(
    fc.string({ unit: vchar, maxLength: 16 }),
    fc.string({ unit: fc.constantFrom(" ", "\t", ...Array.from("abc xyz")), maxLength: 6 }),
    fc.string({ unit: vchar, maxLength: 8 }),
  )
  .map(([a, mid, b]) => (b === "" ? a : `${a}${mid}${b}`));
const target = fc.oneof(
  fc.constant("/"),
  fc
    .string({ unit: fc.constantFrom(..."abcxyz019/-._~%?=&;:@!$'()*+,"), minLength: 1, maxLength: 24 })
    .map((s) => `/${s}`),
  fc.constant("*"),
  fc.constant("http://example.test/abs?q=1"),
);
const bodyText = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

type Framing = "none" | "length" | "chunked";

interface RequestSpec {
  method: string;
  target: string;
  version: "1.1" | "1.0";
  host: boolean;
  fields: [string, string][];
  framing: Framing;
  body: string;
  /** Chunk lengths the body is cut into (chunked framing). */
  cuts: number[];
  extensions: string[];
  trailers: [string, string][];
}

const requestSpec: fc.Arbitrary<RequestSpec> = fc.record({
  method: fc.oneof(
    {
      arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "PROPFIND", "PURGE"),
      weight: 20,
    },
    { arbitrary: token, weight: 1 },
  ),
  target,
  version: fc.constantFrom("1.1", "1.1", "1.1", "1.0"),
  host: fc.constant(true), // the mutations remove it
  fields: fc.array(
    fc.tuple(
      fc.oneof(token, fc.constantFrom("Accept", "User-Agent", "X-Dup", "Cookie", "constructor", "__proto__")),
      fieldValue,
    ),
    { maxLength: 5 },
  ),
  framing: fc.constantFrom<Framing>("none", "length", "chunked"),
  body: bodyText,
  cuts: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 8 }),
  extensions: fc.array(fc.constantFrom("", "", ";a", ";a=b", ';q="x y"', ";n=1;m=2"), { maxLength: 8 }),
  trailers: fc.array(fc.tuple(token, fieldValue), { maxLength: 2 }),
});

function render(r: RequestSpec): string {
  let head = `${r.method} ${r.target} HTTP/${r.version}\r\n`;
  if (r.host) head += "Host: example.test\r\n";
  for (const [k, v] of r.fields) head += `${k}: ${v}\r\n`;
  let body = "";
  if (r.framing === "length") {
    head += `Content-Length: ${r.body.length}\r\n`;
    body = r.body;
  } else if (r.framing === "chunked") {
    head += "Transfer-Encoding: chunked\r\n";
    let at = 0;
    let i = 0;
    while (at < r.body.length) {
      const n = Math.min(r.cuts[i % Math.max(1, r.cuts.length)] ?? r.body.length, r.body.length - at);
      body += `${n.toString(16)}${r.extensions[i] ?? ""}\r\n${r.body.slice(at, at + n)}\r\n`;
      at += n;
      i++;
    }
    body += `0\r\n${r.trailers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  }
  return `${head}\r\n${body}`;
}

type Mutation = (s: string) => string;
const at = (s: string, i: number): number => (s.length === 0 ? 0 : i % s.length);
/** The framing-header edits a smuggler tries. */
const FRAMING_EDITS = [
  "Content-Length: 3\r\n",
  "Content-Length: 0\r\n",
  "Content-Length: 3\r\nContent-Length: 3\r\n",
  "Content-Length: 3, 3\r\n",
  "Transfer-Encoding: chunked\r\n",
  "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
  "Transfer-Encoding: chunked, chunked\r\n",
  "Transfer-Encoding: Chunked\r\n",
  "Transfer-Encoding:  chunked \r\n",
  "Transfer-Encoding: xchunked\r\n",
  "Transfer-Encoding: identity\r\n",
  "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
  "Content-Length : 3\r\n",
  " Content-Length: 3\r\n",
  "Content-Length: +3\r\n",
  "Content-Length: 3 3\r\n",
  "Connection: close\r\n",
  "Connection: keep-alive, close\r\n",
  "Host: other\r\n",
];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([i, b]): Mutation =>
      (s) =>
        s.slice(0, at(s, i)) + String.fromCharCode(b) + s.slice(at(s, i) + 1),
  ),
  fc.tuple(fc.nat(), fc.constantFrom("\r", "\n")).map(([i, c]): Mutation => (s) => {
    const hits = [...s.matchAll(c === "\r" ? /\r/g : /\n/g)].map((m) => m.index!);
    if (hits.length === 0) return s;
    const p = hits[i % hits.length]!;
    return s.slice(0, p) + s.slice(p + 1);
  }),
  fc.tuple(fc.nat(), fc.constantFrom("\r", "\n", "\r\n")).map(([i, c]): Mutation => (s) => {
    const hits = [...s.matchAll(/\r\n/g)].map((m) => m.index!);
    if (hits.length === 0) return s;
    const p = hits[i % hits.length]!;
    return s.slice(0, p) + c + s.slice(p);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...FRAMING_EDITS)).map(([i, line]): Mutation => (s) => {
    const heads = [...s.matchAll(/\r\n/g)].map((m) => m.index! + 2);
    const headEnd = s.indexOf("\r\n\r\n");
    const inHead = heads.filter((p) => headEnd < 0 || p <= headEnd + 2);
    if (inHead.length === 0) return s;
    const p = inHead[i % inHead.length]!;
    return s.slice(0, p) + line + s.slice(p);
  }),
  fc.constant<Mutation>((s) => s.replace(/\r\n/g, "\n")),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        " folded",
        "\tfolded",
        "X-Sp : v",
        "X-Obs: caf\xe9",
        "X-Nul: a\x00b",
        "X-Vt: \x0bv",
        "X-Empty:",
        ": no-name",
        "X-Nbsp: \xa0v",
      ),
    )
    .map(([i, line]): Mutation => (s) => {
      const headEnd = s.indexOf("\r\n\r\n");
      const lines = [...s.matchAll(/\r\n/g)].map((m) => m.index! + 2).filter((p) => headEnd < 0 || p <= headEnd);
      if (lines.length === 0) return s;
      const p = lines[i % lines.length]!;
      return `${s.slice(0, p)}${line}\r\n${s.slice(p)}`;
    }),
  fc
    .tuple(fc.nat(), fc.constantFrom("Host: example.test\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: "))
    .map(
      ([_i, line]): Mutation =>
        (s) =>
          s.replace(line, ""),
    ),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(" ", "\t", "0", "00", "x", ";", "; a", ';a="b', ";\x00", "g", "-", "+", "ffffffffffffffffff"),
    )
    .map(([i, junk]): Mutation => (s) => {
      // Mangle a chunk-size line: insert junk into one (lines that start with a hex digit after the head).
      const headEnd = s.indexOf("\r\n\r\n");
      if (headEnd < 0) return s;
      const lines = [...s.slice(headEnd + 4).matchAll(/(^|\r\n)([0-9a-f]+)/g)].map(
        (m) => headEnd + 4 + m.index! + m[1]!.length + m[2]!.length,
      );
      if (lines.length === 0) return s;
      const p = lines[i % lines.length]!;
      return s.slice(0, p) + junk + s.slice(p);
    }),
);

const testCase = fc.record({
  spec: requestSpec,
  /** A second request pipelined behind the first: mutations may land in either, or shift the boundary. */
  next: fc.option(requestSpec, { freq: 4 }),
  mutations: fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutation, { minLength: 1, maxLength: 2 })),
  splits: fc.array(fc.nat(), { maxLength: 3 }),
});

function pieces(bytes: string, splits: number[]): Buffer[] {
  const points = [...new Set(splits.map((s) => (bytes.length <= 1 ? 0 : 1 + (s % (bytes.length - 1)))))]
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(Buffer.from(bytes.slice(from, p), "latin1"));
    from = p;
  }
  out.push(Buffer.from(bytes.slice(from), "latin1"));
  return out;
}

describe(`differential fuzzer vs Node's http server (${RUNS} cases, seed ${SEED})`, () => {
  it("accepts and rejects what Node does, and parses accepted requests alike", async () => {
    const tally = { cases: 0, valid: 0, accepted: 0, deliberate: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(testCase, async ({ spec, next, mutations, splits }) => {
        let bytes = render(spec) + (next === null ? "" : render(next));
        for (const m of mutations) bytes = m(bytes);
        const parts = pieces(bytes, splits);
        const [o, n] = await Promise.all([
          outcomeOf(ours.port, parts, "ours"),
          outcomeOf((node.address() as net.AddressInfo).port, parts, "node"),
        ]);
        tally.cases++;
        if (mutations.length === 0) tally.valid++;
        if (o.seen.length > 0 && n.seen.length > 0) tally.accepted++;
        if (o.statuses.includes(-1))
          throw new Error(`our server held a half-closed connection open on ${JSON.stringify(bytes)}`);
        if (o.seen.length === n.seen.length && JSON.stringify(o.seen) === JSON.stringify(n.seen)) return;
        const why = DELIBERATE.find((d) => d.applies(bytes, o, n));
        if (why !== undefined) {
          tally.deliberate.set(why.reason, (tally.deliberate.get(why.reason) ?? 0) + 1);
          return;
        }
        throw new Error(
          `disagreement on ${JSON.stringify(bytes)}:\n  ours: ${JSON.stringify(o)}\n  node: ${JSON.stringify(n)}`,
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `fuzz: ${tally.cases} cases (${tally.valid} valid), ${tally.accepted} ` +
        `accepted by both; deliberate disagreements: ` +
        `${JSON.stringify([...tally.deliberate])}`,
    );
  }, 600_000);
});
