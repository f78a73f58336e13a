/**
 * The HTTP server under attack: each test sends the bytes of one attack named in
 * issue 12 (smuggling, CTLs, limits, timeouts, expectations) and checks the status
 * we answer and that the connection closes — and, for smuggling, that the hidden
 * request never reaches the handler.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { blockOn, HttpServer, Listener, type HttpRequest, type HttpServerOptions } from "../src/index.js";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

interface Served {
  server: HttpServer;
  seen: HttpRequest[];
}

async function serve(options: HttpServerOptions = {}): Promise<Served> {
  const seen: HttpRequest[] = [];
  const listener = await blockOn(Listener.bind({ port: 0 }));
  const server = HttpServer.serve(
    listener,
    (req) => {
      seen.push(req);
      return { status: 200, body: `${req.method} ${req.target} ${req.body.toString("latin1")}` };
    },
    options,
  );
  open.push(server);
  return { server, seen };
}

/**
 * Send `parts` (latin1 strings, one write each, a macrotask apart) and collect every
 * byte until the server closes. `end` half-closes after the last part; without it
 * the server must close by itself.
 */
function exchange(port: number, parts: string[], end = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1" }, async () => {
      for (const p of parts) {
        if (s.destroyed) break;
        s.write(Buffer.from(p, "latin1"));
        await new Promise((r) => setImmediate(r));
      }
      if (end && !s.destroyed) s.end();
    });
    let out = "";
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    s.on("close", () => resolve(out));
    s.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? resolve(out) : reject(e)));
  });
}

const statusOf = (reply: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
const statuses = (reply: string): number[] => [...reply.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

describe("no smuggling", () => {
  it(
    "a bare LF inside the head hides no Content-Length: 400, and the " + "would-be body never runs as a second request",
    async () => {
      const { server, seen } = await serve();
      const smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
      const reply = await exchange(server.port, [
        `POST /a HTTP/1.1\r\nHost: x\r\nX-Pad: a\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
      ]);
      expect(statuses(reply)).toEqual([400]);
      expect(reply).toMatch(/Connection: close/);
      expect(seen).toEqual([]);
    },
  );

  it(
    "a head using bare LF line endings is a 400 at once, without waiting " + "for a CRLF CRLF that never comes",
    async () => {
      const { server, seen } = await serve({ headersTimeout: 0, requestTimeout: 0 });
      const reply = await exchange(server.port, ["GET / HTTP/1.1\nHost: x\n\n"]);
      expect(statusOf(reply)).toBe(400);
      expect(seen).toEqual([]);
    },
  );

  it("a bare CR in a header line is a 400", async () => {
    const { server } = await serve();
    expect(
      statusOf(await exchange(server.port, ["GET / HTTP/1.1\r\nHost: x\r\nX: a\rContent-Length: 3\r\n\r\n"])),
    ).toBe(400);
  });

  it.each([
    ["NUL", "\x00"],
    ["DEL", "\x7f"],
    ["VT", "\x0b"],
    ["FF", "\x0c"],
    ["ESC", "\x1b"],
  ])("a field value holding %s is a 400", async (_name, ctl) => {
    const { server, seen } = await serve();
    expect(statusOf(await exchange(server.port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Value: a${ctl}b\r\n\r\n`]))).toBe(400);
    expect(seen).toEqual([]);
  });

  it(
    "only SP and HTAB are trimmed: `Transfer-Encoding: \\xa0chunked` and " + "`:\\x0bchunked` are not chunked (400)",
    async () => {
      const { server, seen } = await serve();
      const nbsp = await exchange(server.port, [
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \xa0chunked\r\n\r\n0\r\n\r\n",
      ]);
      expect(statusOf(nbsp)).toBe(400);
      const vt = await exchange(server.port, [
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n",
      ]);
      expect(statusOf(vt)).toBe(400);
      const ok = await exchange(server.port, [
        "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: " +
          "\t chunked \t\r\nX-Keep: \t\xa0v\xa0 \r\n\r\n2\r\nhi\r\n0\r\n\r\n",
      ]);
      expect(statusOf(ok)).toBe(200);
      expect(seen.map((r) => [r.body.toString(), r.headers["x-keep"]])).toEqual([["hi", "\xa0v\xa0"]]);
    },
  );

  it.each([
    ["a control byte", "/a\x01b"],
    ["a non-ASCII byte", "/caf\xe9"],
    ["DEL", "/a\x7f"],
  ])("a request target holding %s is a 400", async (_what, target) => {
    const { server, seen } = await serve();
    expect(statusOf(await exchange(server.port, [`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`]))).toBe(400);
    expect(seen).toEqual([]);
  });

  it("HTTP/1.1 without Host is a 400; two Host lines are a 400; HTTP/1.0 needs none", async () => {
    const { server, seen } = await serve();
    expect(statusOf(await exchange(server.port, ["GET / HTTP/1.1\r\nX: y\r\n\r\n"]))).toBe(400);
    expect(statusOf(await exchange(server.port, ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"]))).toBe(400);
    expect(statusOf(await exchange(server.port, ["GET /old HTTP/1.0\r\n\r\n"]))).toBe(200);
    expect(seen.map((r) => r.target)).toEqual(["/old"]);
  });

  it(
    "header names live in a prototype-free map: `constructor` and " +
      "`__proto__` are ordinary headers, absent ones read undefined",
    async () => {
      const { server, seen } = await serve();
      await exchange(server.port, [
        "GET /1 HTTP/1.1\r\nHost: x\r\nConstructor: c\r\n__proto__: " +
          "p\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      ]);
      expect(seen.length).toBe(2);
      expect(Object.getPrototypeOf(seen[0]!.headers)).toBe(null);
      expect(seen[0]!.headers["constructor"]).toBe("c");
      expect(seen[0]!.headers["__proto__"]).toBe("p");
      expect(seen[1]!.headers["constructor"]).toBe(undefined);
      expect(seen[1]!.headers["toString"]).toBe(undefined);
    },
  );

  it("Connection is a token list: `keep-alive, close` closes after the response", async () => {
    const { server, seen } = await serve();
    const reply = await exchange(server.port, [
      "GET /1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n",
    ]);
    expect(statuses(reply)).toEqual([200]);
    expect(reply).toMatch(/Connection: close/);
    expect(seen.map((r) => r.target)).toEqual(["/1"]);
    const old = await exchange(server.port, [
      "GET /3 HTTP/1.0\r\nConnection: Upgrade , Keep-Alive\r\n\r\nGET /4 HTTP/1.0\r\n\r\n",
    ]);
    expect(statuses(old)).toEqual([200, 200]);
  });

  it("framing conflicts are a 400: CL with TE, a repeated Content-Length, chunked twice, a coding list", async () => {
    const { server, seen } = await serve();
    for (const framing of [
      "Content-Length: 3\r\nTransfer-Encoding: chunked",
      "Content-Length: 3\r\nContent-Length: 3",
      "Content-Length: 3, 3",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: gzip, chunked",
      "Content-Length: +3",
      "Content-Length: 0x3",
    ]) {
      expect([
        framing,
        statusOf(await exchange(server.port, [`POST / HTTP/1.1\r\nHost: x\r\n${framing}\r\n\r\n0\r\n\r\n`])),
      ]).toEqual([framing, 400]);
    }
    expect(seen).toEqual([]);
  });

  it(
    "chunk sizes and extensions are checked: junk after the size, a CR in " +
      "an extension, a missing CRLF after data are 400s",
    async () => {
      const { server, seen } = await serve();
      for (const body of [
        "2 \r\nhi\r\n0\r\n\r\n",
        '2;a="x\rb"\r\nhi\r\n0\r\n\r\n',
        "2;a\x00\r\nhi\r\n0\r\n\r\n",
        "2\r\nhiX0\r\n\r\n",
        "2\nhi\r\n0\r\n\r\n",
        "-2\r\nhi\r\n0\r\n\r\n",
      ]) {
        expect([
          body,
          statusOf(
            await exchange(server.port, [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`]),
          ),
        ]).toEqual([body, 400]);
      }
      expect(seen).toEqual([]);
      const ok = await exchange(server.port, [
        "POST /ext HTTP/1.1\r\nHost: x\r\nConnection: " +
          'close\r\nTransfer-Encoding: chunked\r\n\r\n2;name=value;q="a;b \\" ' +
          'c"\r\nhi\r\n0\r\n\r\n',
      ]);
      expect(statusOf(ok)).toBe(200);
      expect(seen.map((r) => r.body.toString())).toEqual(["hi"]);
    },
  );
});

describe("trailers are validated and bounded like headers", () => {
  it(
    "a valid trailer passes; a CTL in one, a bare LF, a bad name are 400; " + "more than the head limit is 431",
    async () => {
      const { server, seen } = await serve();
      const send = (trailers: string) =>
        exchange(server.port, [
          `POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: ` +
            `chunked\r\n\r\n1\r\nz\r\n0\r\n${trailers}\r\n`,
        ]);
      expect(statusOf(await send("X-Sum: 1\r\n"))).toBe(200);
      expect(statusOf(await send("X-Sum: 1\x00\r\n"))).toBe(400);
      expect(statusOf(await send("X-Sum: 1\n"))).toBe(400);
      expect(statusOf(await send("Bad Name: 1\r\n"))).toBe(400);
      expect(statusOf(await send(`X-Big: ${"b".repeat(17 * 1024)}\r\n`))).toBe(431);
      expect(seen.length).toBe(1);
    },
  );
});

describe("limits that always hold", () => {
  it("a 60 KB head in one read is a 431", async () => {
    const { server, seen } = await serve();
    const reply = await exchange(server.port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(60_000)}\r\n\r\n`]);
    expect(statusOf(reply)).toBe(431);
    expect(seen).toEqual([]);
  });

  it("a 20 KB head dribbled in 200-byte reads is a 431, and a head just under the limit passes", async () => {
    const { server, seen } = await serve();
    const head = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`;
    const parts = head.match(/[\s\S]{1,200}/g)!;
    expect(statusOf(await exchange(server.port, parts))).toBe(431);
    const fits = `GET /fits HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${"a".repeat(16 * 1024 - 80)}\r\n\r\n`;
    expect(fits.length).toBeLessThanOrEqual(16 * 1024);
    expect(statusOf(await exchange(server.port, [fits]))).toBe(200);
    expect(seen.map((r) => r.target)).toEqual(["/fits"]);
  });

  it("a body over the limit is a 413, by Content-Length and by chunked framing", async () => {
    const { server, seen } = await serve({ maxBodySize: 1000 });
    expect(statusOf(await exchange(server.port, ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n"]))).toBe(
      413,
    );
    const chunks = "64\r\n" + "c".repeat(100) + "\r\n";
    expect(
      statusOf(
        await exchange(server.port, [
          `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunks.repeat(11)}0\r\n\r\n`,
        ]),
      ),
    ).toBe(413);
    expect(
      statusOf(
        await exchange(server.port, [
          "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
        ]),
      ),
    ).toBe(413);
    expect(seen).toEqual([]);
  });

  it("a chunked body of 1-byte chunks, split at every byte, decodes to the right body", async () => {
    const { server, seen } = await serve();
    const text = "incremental";
    const framed = [...text].map((c) => `1\r\n${c}\r\n`).join("") + "0\r\n\r\n";
    const reply = await exchange(server.port, [
      "POST /bytes HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
      ...framed,
    ]);
    expect(statusOf(reply)).toBe(200);
    expect(seen.map((r) => r.body.toString())).toEqual([text]);
  });
});

describe("timeouts (Node's three, configurable)", () => {
  it("the defaults are Node's: keep-alive 5 s, headers 60 s, request 300 s", async () => {
    const { server } = await serve();
    expect(server.timeouts).toEqual({ keepAliveTimeout: 5_000, headersTimeout: 60_000, requestTimeout: 300_000 });
  });

  it("half a request line held open: 408, then the connection closes", async () => {
    const { server, seen } = await serve({ headersTimeout: 150 });
    const reply = await exchange(server.port, ["GET /slow HT"]);
    expect(statusOf(reply)).toBe(408);
    expect(reply).toMatch(/Connection: close/);
    expect(server.stats.timedOut).toBe(1);
    expect(seen).toEqual([]);
  });

  it("a connection that sends nothing gets the headers timeout too (as in Node): 408", async () => {
    const { server } = await serve({ headersTimeout: 150 });
    expect(statusOf(await exchange(server.port, []))).toBe(408);
  });

  it("a body that stops coming: the request timeout answers 408", async () => {
    const { server, seen } = await serve({ requestTimeout: 200 });
    const reply = await exchange(server.port, ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"]);
    expect(statusOf(reply)).toBe(408);
    expect(seen).toEqual([]);
  });

  it(
    "an idle kept-alive connection is closed quietly after the keep-alive " + "timeout, after its answered request",
    async () => {
      const { server, seen } = await serve({ keepAliveTimeout: 150 });
      const reply = await exchange(server.port, ["GET /once HTTP/1.1\r\nHost: x\r\n\r\n"]);
      expect(statuses(reply)).toEqual([200]);
      expect(seen.map((r) => r.target)).toEqual(["/once"]);
      expect(server.stats.timedOut).toBe(1);
      expect(server.openConnections).toBe(0);
    },
  );

  it("the keep-alive clock restarts for every request", async () => {
    const { server, seen } = await serve({ keepAliveTimeout: 1500 });
    const s = net.connect({ port: server.port, host: "127.0.0.1" });
    await new Promise((r) => s.once("connect", r));
    let got = "";
    s.on("data", (d: Buffer) => (got += d.toString("latin1")));
    for (let i = 0; i < 3; i++) {
      s.write(`GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await new Promise((r) => setTimeout(r, 700)); // each gap is under the idle timeout; together they exceed it
    }
    await new Promise((r) => s.once("close", r));
    expect(statuses(got)).toEqual([200, 200, 200]);
    expect(seen.map((r) => r.target)).toEqual(["/0", "/1", "/2"]);
  });
});

describe("Expect", () => {
  it("`100-continue` gets `100 Continue` before the body is read; the body then completes the request", async () => {
    const { server, seen } = await serve();
    const s = net.connect({ port: server.port, host: "127.0.0.1" });
    let got = "";
    const interim = new Promise<void>((resolve) =>
      s.on("data", (d: Buffer) => {
        got += d.toString("latin1");
        if (got.includes("\r\n\r\n")) resolve();
      }),
    );
    s.write("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n");
    await interim;
    expect(got).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    expect(seen).toEqual([]);
    s.write("body");
    await new Promise((r) => s.once("close", r));
    expect(statuses(got)).toEqual([100, 200]);
    expect(seen.map((r) => r.body.toString())).toEqual(["body"]);
  });

  it("`100-continue` with a body over the limit gets the 413 at once, not an invitation to send it", async () => {
    const { server, seen } = await serve({ maxBodySize: 100 });
    const reply = await exchange(server.port, [
      "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n",
    ]);
    expect(statuses(reply)).toEqual([413]);
    expect(seen).toEqual([]);
  });

  it("an unknown expectation is a 417 and the handler is not called", async () => {
    const { server, seen } = await serve();
    expect(
      statusOf(
        await exchange(server.port, ["POST / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\nhi"]),
      ),
    ).toBe(417);
    expect(seen).toEqual([]);
  });
});

describe("responses", () => {
  it("a handler header holding CR LF cannot split the response: it becomes a 500", async () => {
    const listener = await blockOn(Listener.bind({ port: 0 }));
    const server = HttpServer.serve(listener, () => ({
      status: 200,
      headers: { "X-Echo": "a\r\nSet-Cookie: evil=1" },
      body: "x",
    }));
    open.push(server);
    const reply = await exchange(server.port, ["GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    expect(statusOf(reply)).toBe(500);
    const head = reply.slice(0, reply.indexOf("\r\n\r\n"));
    expect(head).not.toMatch(/Set-Cookie/i);
  });
});

describe("responses frame themselves", () => {
  async function serveWith(
    answer: () => { status: number; headers?: Record<string, string>; body?: string },
  ): Promise<HttpServer> {
    const server = HttpServer.serve(await blockOn(Listener.bind({ port: 0 })), answer);
    open.push(server);
    return server;
  }

  it(
    "a handler's own Content-Length never doubles ours: a matching one is " + "sent once, a wrong one is a 500",
    async () => {
      const right = await serveWith(() => ({ status: 200, headers: { "content-length": "2" }, body: "ok" }));
      const reply = await exchange(right.port, ["GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
      expect(reply.match(/content-length/gi)).toHaveLength(1);
      const wrong = await serveWith(() => ({ status: 200, headers: { "Content-Length": "5" }, body: "ok" }));
      expect(statusOf(await exchange(wrong.port, ["GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]))).toBe(
        500,
      );
    },
  );

  it("a handler's `Connection: close` closes the connection after its response", async () => {
    const server = await serveWith(() => ({ status: 200, headers: { Connection: "close" }, body: "bye" }));
    const reply = await exchange(server.port, ["GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"]);
    expect(statuses(reply)).toEqual([200]);
    expect(reply.match(/connection:/gi)).toHaveLength(1);
  });

  it(
    "an HTTP/1.0 keep-alive request is told `Connection: keep-alive` (a 1.0 " + "client assumes close otherwise)",
    async () => {
      const server = await serveWith(() => ({ status: 200, body: "k" }));
      const reply = await exchange(server.port, [
        "GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
      ]);
      expect(statuses(reply)).toEqual([200, 200]);
      expect(reply.split("HTTP/1.1 200")[1]).toMatch(/Connection: keep-alive\r\n/);
      expect(reply.split("HTTP/1.1 200")[2]).toMatch(/Connection: close\r\n/);
    },
  );

  it("a status that is not a 3-digit integer is a 500, never written into the status line", async () => {
    const server = await serveWith(() => ({ status: "200 OK\r\nX-Injected: 1\r\n" as unknown as number, body: "x" }));
    const reply = await exchange(server.port, ["GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    expect(statusOf(reply)).toBe(500);
    expect(reply.slice(0, reply.indexOf("\r\n\r\n"))).not.toMatch(/X-Injected/);
  });
});

describe("what already held keeps holding", () => {
  it(
    "backpressure: a client that pipelines requests and never reads stops " +
      "the server reading; once it reads, every response arrives in order",
    async () => {
      const big = "r".repeat(64 * 1024);
      let handled = 0;
      const listener = await blockOn(Listener.bind({ port: 0 }));
      const server = HttpServer.serve(listener, (req) => {
        handled++;
        return { status: 200, body: `${req.target}:${big}` };
      });
      open.push(server);
      const n = 400; // 400 × 64 KiB = 25 MiB of answers: beyond the socket buffers on the way
      const s = net.connect({ port: server.port, host: "127.0.0.1" });
      await new Promise((r) => s.once("connect", r));
      s.pause();
      let requests = "";
      for (let i = 0; i < n; i++)
        requests += `GET /${i} HTTP/1.1\r\nHost: x\r\n${i === n - 1 ? "Connection: close\r\n" : ""}\r\n`;
      s.write(requests);
      // Wait until the server stops making progress (two equal looks 300 ms apart).
      let last = -1;
      while (handled !== last) {
        last = handled;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(handled).toBeGreaterThan(0);
      expect(handled).toBeLessThan(n);
      const parts: Buffer[] = [];
      s.on("data", (d: Buffer) => parts.push(d));
      s.resume();
      await new Promise((r) => s.once("close", r));
      expect(handled).toBe(n);
      const all = Buffer.concat(parts);
      const targets: number[] = [];
      for (let at = all.indexOf("\r\n\r\n/"); at >= 0; at = all.indexOf("\r\n\r\n/", at + 4))
        targets.push(Number(all.toString("latin1", at + 5, all.indexOf(":", at + 5))));
      expect(targets).toEqual(Array.from({ length: n }, (_, i) => i));
    },
    60_000,
  );
});
