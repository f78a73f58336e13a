/**
 * The HTTP client against servers that misbehave: extra bytes after a response, a
 * body on a HEAD answer, a close-delimited flood, silence — and callers whose method
 * or headers would inject lines. Raw `net` servers play the server, so every byte is
 * the test's choice.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { blockOn, co, HttpClient, HttpClientTimeout, type Co } from "../src/index.js";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

interface RawServer {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Sockets closed by the client (end or reset). */
  closedByClient: number;
  /** Request heads received, in order. */
  heads: string[];
}

/**
 * A raw server: `answer(head, index)` returns the bytes to send for each request
 * head, `null` to say nothing, or `{ bytes, end: true }` to send and then close.
 */
async function rawServer(
  answer: (head: string, index: number) => string | null | { bytes: string; end: true },
): Promise<RawServer> {
  const state: RawServer = { port: 0, connections: 0, closedByClient: 0, heads: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    state.connections++;
    sockets.add(s);
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      let end: number;
      while ((end = buf.indexOf("\r\n\r\n")) >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const reply = answer(head, state.heads.push(head) - 1);
        if (typeof reply === "string") s.write(Buffer.from(reply, "latin1"));
        else if (reply !== null) s.end(Buffer.from(reply.bytes, "latin1"));
      }
    });
    s.on("error", () => {});
    s.on("close", () => {
      state.closedByClient++;
      sockets.delete(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.port = (server.address() as net.AddressInfo).port;
  open.push({
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  });
  return state;
}

function client(options: ConstructorParameters<typeof HttpClient>[0] = {}): HttpClient {
  const c = new HttpClient(options);
  open.push(c);
  return c;
}

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe("HttpClient: bytes beyond a response", () => {
  it("an unsolicited second response is not handed to the next request: that connection is closed", async () => {
    const server = await rawServer((_h, i) => (i === 0 ? ok("first") + ok("UNSOLICITED") : ok(`answer ${i}`)));
    const c = client();
    const url = `http://127.0.0.1:${server.port}/`;
    const bodies = await blockOn(
      co(function* (): Co<string[]> {
        const a = (yield* c.request(url)).text();
        const b = (yield* c.request(url)).text();
        return [a, b];
      }),
    );
    expect(bodies).toEqual(["first", "answer 1"]);
    expect(c.connectsMade).toBe(2);
  });

  it("a HEAD answered with a body does not break the next request", async () => {
    const server = await rawServer((head, i) => (head.startsWith("HEAD") ? ok("body-after-HEAD") : ok(`get ${i}`)));
    const c = client();
    const url = `http://127.0.0.1:${server.port}/`;
    const [head, get] = await blockOn(
      co(function* (): Co<[number, string]> {
        const h = yield* c.request(url, { method: "HEAD" });
        const g = yield* c.request(url);
        return [h.body.length, g.text()];
      }),
    );
    expect([head, get]).toEqual([0, "get 1"]);
    expect(c.connectsMade).toBe(2);
  });

  it("a well-behaved server keeps one connection for many requests", async () => {
    const server = await rawServer((_h, i) => ok(`n${i}`));
    const c = client();
    const url = `http://127.0.0.1:${server.port}/`;
    const bodies = await blockOn(
      co(function* (): Co<string[]> {
        const out: string[] = [];
        for (let i = 0; i < 4; i++) out.push((yield* c.request(url)).text());
        return out;
      }),
    );
    expect(bodies).toEqual(["n0", "n1", "n2", "n3"]);
    expect(server.connections).toBe(1);
  });
});

describe("HttpClient: nothing invalid is sent", () => {
  it.each([
    ["a method with CR LF", { method: "GET / HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET" }, /invalid HTTP method/],
    ["a method with a space", { method: "GE T" }, /invalid HTTP method/],
    ["a header value with CR LF", { headers: { "X-A": "v\r\nX-Injected: 1" } }, /invalid character in HTTP header/],
    ["a header value with NUL", { headers: { "X-A": "v\x00" } }, /invalid character in HTTP header/],
    ["a header name with a space", { headers: { "Bad Name": "v" } }, /invalid HTTP header name/],
    ["a header name with a colon", { headers: { "X-A:": "v" } }, /invalid HTTP header name/],
    ["a caller-set Content-Length", { headers: { "Content-Length": "1" }, body: "xyz" }, /set by the client/],
  ] as const)("%s throws a TypeError before connecting", async (_what, init, message) => {
    const server = await rawServer(() => ok("x"));
    const c = client();
    const err = await blockOn(c.request(`http://127.0.0.1:${server.port}/`, init)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(String(err)).toMatch(message);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.connections).toBe(0);
  });

  it("a caller's Host header replaces the default one (sent once)", async () => {
    const server = await rawServer(() => ok("x"));
    await blockOn(client().request(`http://127.0.0.1:${server.port}/h`, { headers: { Host: "example.test" } }));
    expect(server.heads[0]!.match(/^host:/gim)).toHaveLength(1);
    expect(server.heads[0]).toMatch(/\r\nHost: example\.test(\r\n|$)/);
  });
});

describe("HttpClient: limits and timeouts", () => {
  it("a close-delimited body obeys the body cap", async () => {
    const server = await rawServer(() => ({
      bytes: `HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n${"z".repeat(5000)}`,
      end: true,
    }));
    const err = await blockOn(client({ maxBodySize: 4096 }).request(`http://127.0.0.1:${server.port}/`)).catch(
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/close-delimited body larger than 4096 bytes/);
    const fits = await blockOn(client({ maxBodySize: 8192 }).request(`http://127.0.0.1:${server.port}/`));
    expect(fits.body.length).toBe(5000);
  });

  it("a Content-Length or chunked body over the cap is refused too", async () => {
    const server = await rawServer((_h, i) =>
      i === 0
        ? ok("y".repeat(5000))
        : `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n${"y".repeat(5000)}\r\n0\r\n\r\n`,
    );
    const c = client({ maxBodySize: 4096 });
    const url = `http://127.0.0.1:${server.port}/`;
    expect(String(await blockOn(c.request(url)).catch((e: unknown) => e))).toMatch(/larger than 4096/);
    expect(String(await blockOn(c.request(url)).catch((e: unknown) => e))).toMatch(/larger than 4096/);
  });

  it(
    "response-headers timeout: a server that never answers → " +
      "HttpClientTimeout('headers'), and the socket is closed",
    async () => {
      const server = await rawServer(() => null);
      const err = await blockOn(client({ headersTimeout: 100 }).request(`http://127.0.0.1:${server.port}/`)).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpClientTimeout);
      expect((err as HttpClientTimeout).phase).toBe("headers");
      await new Promise((r) => setTimeout(r, 50));
      expect(server.closedByClient).toBe(1);
    },
  );

  it("total timeout: a body that never finishes → HttpClientTimeout('total'), and the socket is closed", async () => {
    const server = await rawServer(() => "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly some");
    const err = await blockOn(client({ timeout: 150 }).request(`http://127.0.0.1:${server.port}/`)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpClientTimeout);
    expect((err as HttpClientTimeout).phase).toBe("total");
    await new Promise((r) => setTimeout(r, 50));
    expect(server.closedByClient).toBe(1);
  });

  it(
    "connect timeout: a TLS handshake the server never answers → " + "HttpClientTimeout('connect'), socket closed",
    async () => {
      const server = await rawServer(() => null); // plain TCP: accepts, never speaks TLS
      const err = await blockOn(
        client({ connectTimeout: 100, tls: { rejectUnauthorized: false } }).request(
          `https://127.0.0.1:${server.port}/`,
        ),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpClientTimeout);
      expect((err as HttpClientTimeout).phase).toBe("connect");
      await new Promise((r) => setTimeout(r, 50));
      expect(server.closedByClient).toBe(1);
    },
  );
});
