/**
 * How our client reads unusual responses and what it sends — checked against RFC 9110 /
 * RFC 9112 and Node's `http` client. Each case failed before its fix: a response coding
 * list refused although RFC 9112 §6.3 frames it, an unrequested 101 that hung the
 * client, a bodiless POST without `Content-Length: 0`, trailers dropped, a connection
 * reused after the caller sent `Connection: close`, an early 413 reported as a failed
 * write, Set-Cookie lines comma-joined, a lower-case `head` that waited for a body.
 * Raw `net` servers play the server, so every byte is the test's choice.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { blockOn, HttpClient, HttpServer, Listener } from "../src/index.js";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
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

describe("trailers reach the caller (Node's `res.trailers`)", () => {
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
