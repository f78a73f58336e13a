/**
 * What a response may carry, and how the client reads unusual ones — checked against
 * RFC 9110 / RFC 9112 and against Node's `http` (the reference where the RFC leaves a
 * choice). Each case here failed before its fix: a 204 with `Content-Length: 0`, a 304
 * claiming a 0-byte representation, a HEAD handler's own Content-Length turned into a
 * 500, a 1xx "final" response that left the client waiting, a response coding list the
 * client refused although RFC 9112 §6.3 frames it, an unrequested 101 that hung the
 * client, and a bodiless POST sent without `Content-Length: 0`.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  blockOn,
  co,
  HttpClient,
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

/** A raw server answering every request head with `reply` (then closing if `end`); records the heads. */
async function rawServer(reply: string, end = false): Promise<{ port: number; heads: string[] }> {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      let at: number;
      while ((at = buf.indexOf("\r\n\r\n")) >= 0) {
        heads.push(buf.slice(0, at));
        buf = buf.slice(at + 4);
        if (end) s.end(Buffer.from(reply, "latin1"));
        else s.write(Buffer.from(reply, "latin1"));
      }
    });
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  open.push({
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  });
  return { port: (server.address() as net.AddressInfo).port, heads };
}

function client(): HttpClient {
  // The timeout only bounds a regression (a hang); no case here should come near it.
  const c = new HttpClient({ timeout: 3_000 });
  open.push(c);
  return c;
}

describe("HttpClient: framing and interim responses (RFC 9112 §6.3, RFC 9110 §15.2)", () => {
  it("a response coding list ending in chunked is read as chunked; the other codings are the caller's", async () => {
    const { port } = await rawServer(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n",
    );
    const res = await blockOn(client().request(`http://127.0.0.1:${port}/`));
    expect([res.status, res.text(), res.headers["transfer-encoding"]]).toEqual([200, "xyz", "gzip, chunked"]);
  });

  it("a response coding without chunked runs until the server closes (as Node's client reads it)", async () => {
    const { port } = await rawServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw bytes", true);
    const res = await blockOn(client().request(`http://127.0.0.1:${port}/`));
    expect([res.status, res.text()]).toEqual([200, "raw bytes"]);
  });

  it("chunked anywhere but last in a response is still refused", async () => {
    const { port } = await rawServer(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nxyz\r\n0\r\n\r\n",
    );
    await expect(blockOn(client().request(`http://127.0.0.1:${port}/`))).rejects.toThrow(/Transfer-Encoding/);
  });

  it("an unrequested 101 is an error at once, not a wait for a response that never comes", async () => {
    const { port } = await rawServer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n");
    await expect(blockOn(client().request(`http://127.0.0.1:${port}/`))).rejects.toThrow(/101 Switching Protocols/);
  });

  it("a POST without a body says `Content-Length: 0` (RFC 9110 §8.6, as Node's client); GET does not", async () => {
    const server = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    const c = client();
    await blockOn(c.request(`http://127.0.0.1:${server.port}/`, { method: "POST" }));
    await blockOn(c.request(`http://127.0.0.1:${server.port}/`));
    expect(server.heads[0]).toMatch(/\r\nContent-Length: 0$/);
    expect(server.heads[1]).not.toMatch(/Content-Length/i);
  });
});

describe("trailers reach the caller (Node's `req.trailers` / `res.trailers`)", () => {
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

  it("the client returns a chunked response's trailers; a Content-Length response has none", async () => {
    const chunked = await rawServer(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Sum: 7\r\n\r\n",
    );
    const res = await blockOn(client().request(`http://127.0.0.1:${chunked.port}/`));
    expect([res.text(), { ...res.trailers }]).toEqual(["ok", { "x-sum": "7" }]);
    const plain = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    expect({ ...(await blockOn(client().request(`http://127.0.0.1:${plain.port}/`))).trailers }).toEqual({});
  });
});

describe("HttpClient: a caller's `Connection: close` (RFC 9112 §9.6)", () => {
  it("ends that connection even when the server's answer would keep it", async () => {
    const server = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    const c = client();
    const url = `http://127.0.0.1:${server.port}/`;
    await blockOn(c.request(url, { headers: { connection: "Close" } }));
    await blockOn(c.request(url));
    // A second connection: the first, announced as closing, was never reused.
    expect(c.connectsMade).toBe(2);
  });
});

describe("HttpClient: an answer that comes before the whole body was sent (RFC 9112 §9.5)", () => {
  it("our own server's early 413 reaches the caller, not the failed write (Node's client returns it too)", async () => {
    const server = HttpServer.serve(
      await blockOn(Listener.bind({ port: 0 })),
      () => ({ status: 200, body: "read it all" }),
      { maxBodySize: 1024 },
    );
    open.push(server);
    const c = client();
    for (let i = 0; i < 3; i++) {
      const res = await blockOn(
        c.request(`http://127.0.0.1:${server.port}/`, { method: "POST", body: Buffer.alloc(4 << 20) }),
      );
      expect(res.status).toBe(413);
    }
    // That connection was not reused: each attempt opened its own.
    expect(c.connectsMade).toBe(3);
  });

  it("a server that closes without answering still gets the write error or a clear one", async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.once("data", () => s.destroy());
      s.on("error", () => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    open.push({ close: () => (sockets.forEach((s) => s.destroy()), server.close()) });
    const port = (server.address() as net.AddressInfo).port;
    const request = client().request(`http://127.0.0.1:${port}/`, { method: "POST", body: Buffer.alloc(4 << 20) });
    await expect(blockOn(request)).rejects.toThrow(/closed|ECONNRESET|EPIPE/);
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

describe("HttpClient: Set-Cookie (RFC 9110 §5.3: its lines cannot be joined with commas)", () => {
  it("keeps each line apart, commas in Expires included (Node gives an array, fetch getSetCookie())", async () => {
    const expires = "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT";
    const server = await rawServer(
      `HTTP/1.1 200 OK\r\nSet-Cookie: ${expires}\r\nVary: a\r\nSet-Cookie: b=2\r\nVary: b\r\nContent-Length: 0\r\n\r\n`,
    );
    const res = await blockOn(client().request(`http://127.0.0.1:${server.port}/`));
    expect(res.getSetCookie()).toEqual([expires, "b=2"]);
    // Every other repeated field is still one comma-separated list.
    expect(res.headers["vary"]).toBe("a, b");
    const none = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    expect((await blockOn(client().request(`http://127.0.0.1:${none.port}/`))).getSetCookie()).toEqual([]);
  });
});

describe("HttpClient: the method", () => {
  it("is upper-cased as Node's client does, so a `head` request reads no body after its answer", async () => {
    const server = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    const res = await blockOn(client().request(`http://127.0.0.1:${server.port}/`, { method: "head" }));
    expect([res.status, res.body.length]).toEqual([200, 0]);
    expect(server.heads[0]).toMatch(/^HEAD \/ HTTP\/1\.1\r\n/);
  });
});
