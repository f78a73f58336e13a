/**
 * What our server's responses may carry — checked against RFC 9110 / RFC 9112 and
 * against Node's `http` server (the reference where the RFC leaves a choice). Each case
 * failed before its fix: a 204 with `Content-Length: 0`, a 304 claiming a 0-byte
 * representation, a HEAD handler's own Content-Length turned into a 500, a 1xx "final"
 * response, a second Date line, no trailers for the handler, a handler left running
 * after close(), no Keep-Alive hint, `Unknown` as the reason of well-known statuses.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  blockOn,
  co,
  HttpServer,
  Listener,
  sleep,
  type Co,
  type HttpHandler,
  type HttpResponse,
} from "../src/index.js";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

async function serve(handler: HttpHandler): Promise<HttpServer> {
  const server = HttpServer.serve(await blockOn(Listener.bind({ port: 0 })), handler);
  open.push(server);
  return server;
}

/**
 * Send `bytes`, collect what the server sends for `ms` (or until it closes), without the
 * Date and Keep-Alive lines (their own tests check them).
 */
function exchange(port: number, bytes: string, ms = 200): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const s = net.connect({ port, host: "127.0.0.1" }, () => s.write(Buffer.from(bytes, "latin1")));
    const done = () => resolve(out.replace(/(Date|Keep-Alive): [^\r]*\r\n/g, ""));
    const timer = setTimeout(() => (s.destroy(), done()), ms);
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    s.on("close", () => (clearTimeout(timer), done()));
    s.on("error", reject);
  });
}

describe("HttpServer: responses without content (RFC 9110 §6.4.1, §8.6)", () => {
  it("a 204 has no Content-Length and no body, even when the handler gives one (Node drops it too)", async () => {
    const server = await serve(() => ({ status: 204, body: "ignored" }));
    const reply = await exchange(server.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    // Two complete answers, nothing else: the second proves no stray body split the stream.
    expect(reply).toBe("HTTP/1.1 204 No Content\r\n\r\n".repeat(2));
  });

  it("a 304 has no body and no invented `Content-Length: 0`; the handler's own length passes", async () => {
    const server = await serve((req) =>
      req.target === "/len"
        ? { status: 304, headers: { ETag: '"v1"', "Content-Length": "1234" } }
        : { status: 304, headers: { ETag: '"v1"' }, body: "ignored" },
    );
    expect(await exchange(server.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")).toBe(
      'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n',
    );
    expect(await exchange(server.port, "GET /len HTTP/1.1\r\nHost: a\r\n\r\n")).toBe(
      'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 1234\r\n\r\n',
    );
  });

  it("a HEAD handler may give the GET's Content-Length without building the body (as in Node)", async () => {
    const server = await serve((req) =>
      req.method === "HEAD" ? { status: 200, headers: { "Content-Length": " 1234 " } } : { status: 200, body: "x" },
    );
    const reply = await exchange(server.port, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(reply).toBe("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
  });

  it("a HEAD handler's Content-Length that is not a number is still a 500", async () => {
    const server = await serve(() => ({ status: 200, headers: { "Content-Length": "12, 12" } }));
    expect(await exchange(server.port, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")).toMatch(/^HTTP\/1\.1 500 /);
  });

  it("a handler answering with a 1xx gets a 500: an interim response would leave the client waiting", async () => {
    const server = await serve(() => ({ status: 103, headers: { Link: "</a>" } }));
    expect(await exchange(server.port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")).toMatch(/^HTTP\/1\.1 500 /);
  });
});

describe("trailers reach the caller (Node's `req.trailers`)", () => {
  it("the server hands a chunked request's trailers to the handler, and none to the next request", async () => {
    const seen: string[] = [];
    const server = await serve((req) => {
      seen.push(JSON.stringify({ ...req.trailers }));
      return { status: 200, body: req.body };
    });
    const chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 7\r\n\r\n";
    await exchange(server.port, chunked + "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    expect(seen).toEqual(['{"x-sum":"7"}', "{}"]);
  });
});

describe("HttpServer: the Date field (RFC 9110 §6.6.1)", () => {
  it("is sent once: a handler's own Date replaces the server's (as in Node)", async () => {
    const date = "Tue, 01 Dec 2026 10:00:00 GMT";
    const server = await serve((req) => (req.target === "/own" ? { status: 200, headers: { date } } : { status: 200 }));
    const raw = (target: string) =>
      new Promise<string>((resolve) => {
        let out = "";
        const s = net.connect({ port: server.port, host: "127.0.0.1" }, () =>
          s.end(`GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`),
        );
        s.on("data", (d: Buffer) => (out += d.toString("latin1")));
        s.on("close", () => resolve(out));
      });
    const own = await raw("/own");
    expect(own.match(/^date:/gim)).toHaveLength(1);
    expect(own).toContain(`\r\ndate: ${date}\r\n`);
    expect((await raw("/")).match(/^Date: .+ GMT\r$/gm)).toHaveLength(1);
  });
});

describe("HttpServer.close() with a handler still working", () => {
  it("cancels the handler's future (its timers must not outlive the server) and closes the socket", async () => {
    let entered = false;
    let cancelled = false;
    const server = await serve(() =>
      co(function* (): Co<HttpResponse> {
        entered = true;
        try {
          yield* sleep(60_000);
          return { status: 200, body: "too late" };
        } finally {
          cancelled = true;
        }
      }),
    );
    const s = net.connect({ port: server.port, host: "127.0.0.1" });
    s.on("error", () => {});
    s.resume();
    const closed = new Promise((r) => s.on("close", r));
    s.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    while (!entered) await new Promise((r) => setTimeout(r, 5));
    server.close();
    await closed;
    await new Promise((r) => setTimeout(r, 20));
    expect([cancelled, server.openConnections]).toEqual([true, 0]);
  });
});

describe("HttpServer: the Keep-Alive hint (as Node's server sends it)", () => {
  it("a kept-alive response says how long the idle connection stays open; a closing one does not", async () => {
    const listener = await blockOn(Listener.bind({ port: 0 }));
    const server = HttpServer.serve(listener, () => ({ status: 200, body: "ok" }), { keepAliveTimeout: 2_500 });
    open.push(server);
    const reply = await new Promise<string>((resolve) => {
      let out = "";
      const s = net.connect({ port: server.port, host: "127.0.0.1" }, () =>
        s.write("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
      );
      s.on("data", (d: Buffer) => (out += d.toString("latin1")));
      s.on("close", () => resolve(out));
    });
    const [first, second] = reply.split("HTTP/1.1 200 OK").slice(1);
    // 2.5 s rounds down: the hint never promises more than the server keeps.
    expect(first).toMatch(/\r\nKeep-Alive: timeout=2\r\n/);
    expect(second).not.toMatch(/Keep-Alive/i);
  });
});

describe("HttpServer: reason phrases", () => {
  it("a status outside the short table gets Node's phrase, not `Unknown`", async () => {
    const server = await serve((req) => ({ status: Number(req.target.slice(1)) }));
    expect(await exchange(server.port, "GET /429 HTTP/1.1\r\nHost: a\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 429 Too Many Requests\r\n/,
    );
    expect(await exchange(server.port, "GET /401 HTTP/1.1\r\nHost: a\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 401 Unauthorized\r\n/,
    );
    // A status no one has named keeps a placeholder: the reason phrase is informative only (RFC 9112 §4).
    expect(await exchange(server.port, "GET /599 HTTP/1.1\r\nHost: a\r\n\r\n")).toMatch(/^HTTP\/1\.1 599 Unknown\r\n/);
  });
});

describe("HttpServer: the Host value (RFC 9112 §3.2: an invalid one MUST get a 400)", () => {
  it("refuses characters that change what the Host names; keeps names, IPs, ports and an empty Host", async () => {
    const server = await serve((req) => ({ status: 200, body: req.headers["host"] ?? "" }));
    for (const bad of ["a b", "a/b", "evil.test@good.test", "a?b", "a#b", "a\\b", "caf\xe9.test"])
      expect(await exchange(server.port, `GET / HTTP/1.1\r\nHost: ${bad}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    for (const good of ["example.test", "a.test:8080", "127.0.0.1:80", "[::1]:80", "xn--caf-dma.test", ""])
      expect(await exchange(server.port, `GET / HTTP/1.1\r\nHost: ${good}\r\n\r\n`)).toMatch(
        new RegExp(`^HTTP/1\\.1 200 OK\\r\\n[^]*\\r\\n\\r\\n${good.replace(/[.[\]]/g, "\\$&")}$`),
      );
  });
});

describe("HttpServer: a higher HTTP/1 minor version (RFC 9112 §2.3)", () => {
  it("HTTP/1.2 is answered as HTTP/1.1; HTTP/2.0 and HTTP/1.10 are still refused", async () => {
    const server = await serve((req) => ({ status: 200, body: req.version }));
    expect(await exchange(server.port, "GET / HTTP/1.2\r\nHost: a\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n1\.1$/,
    );
    expect(await exchange(server.port, "GET / HTTP/2.0\r\nHost: a\r\n\r\n")).toMatch(/^HTTP\/1\.1 505 /);
    expect(await exchange(server.port, "GET / HTTP/1.10\r\nHost: a\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
  });
});
