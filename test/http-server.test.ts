import { execFile, spawnSync } from "node:child_process";
import * as net from "node:net";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  blockOn,
  co,
  HttpClient,
  HttpServer,
  Listener,
  type Co,
  type HttpHandler,
  type HttpRequest,
} from "../src/index.js";
import { hasCommand, selfSignedCert } from "./io-suite.js";

const run = promisify(execFile);
const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function echo(req: HttpRequest) {
  return {
    status: 200,
    headers: { "Content-Type": "text/plain" },
    body: `${req.method} ${req.target} ${req.body.toString()}`,
  };
}

async function serve(handler: HttpHandler = echo, tls?: { key: string; cert: string }): Promise<HttpServer> {
  const listener = await blockOn(tls === undefined ? Listener.bind({ port: 0 }) : Listener.bind({ port: 0, tls }));
  const server = HttpServer.serve(listener, handler);
  open.push(server);
  return server;
}

/** Send raw bytes, collect everything the server sends until it closes. */
function raw(port: number, bytes: string, endAfterWrite = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1" }, () => {
      s.write(bytes);
      if (endAfterWrite) s.end();
    });
    let out = "";
    s.on("data", (d) => (out += d));
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

describe("HttpServer", () => {
  it("answers Node's fetch: GET, and POST with a Content-Length body", async () => {
    const server = await serve();
    const get = await fetch(`http://127.0.0.1:${server.port}/hello?x=1`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("GET /hello?x=1 ");
    const post = await fetch(`http://127.0.0.1:${server.port}/p`, { method: "POST", body: "payload" });
    expect(await post.text()).toBe("POST /p payload");
  });

  it("reads a chunked request body", async () => {
    const server = await serve();
    const reply = await raw(
      server.port,
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " +
        "chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n " +
        "world\r\n0\r\n\r\n",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reply.endsWith("\r\n\r\nPOST /c hello world")).toBe(true);
  });

  it("keeps a connection alive and answers pipelined requests in order", async () => {
    const server = await serve();
    const reply = await raw(
      server.port,
      "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: " +
        "x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    expect(reply.match(/GET \/\d/g)).toEqual(["GET /1", "GET /2", "GET /3"]);
    expect(server.stats).toMatchObject({ connections: 1, requests: 3 });
  });

  it.skipIf(!hasCommand("curl"))("answers a real curl", async () => {
    const server = await serve();
    const { stdout } = await run("curl", ["-s", "-i", "--data", "from-curl", `http://127.0.0.1:${server.port}/curl`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(stdout).toMatch(/Content-Length: 20\r\n/);
    expect(stdout.endsWith("POST /curl from-curl")).toBe(true);
  });

  it("answers a malformed request with 400 and keeps serving", async () => {
    const server = await serve();
    const bad = await raw(server.port, "THIS IS NOT HTTP\r\n\r\n");
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(bad).toMatch(/Connection: close/);
    const smuggle = await raw(
      server.port,
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    expect(smuggle).toMatch(/^HTTP\/1\.1 400 .*\r\n[\s\S]*both Content-Length and Transfer-Encoding/);
    const badLength = await raw(server.port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    expect(badLength).toMatch(/400 Bad Request[\s\S]*invalid Content-Length/);
    expect(server.stats.malformed).toBe(3);
    expect(await (await fetch(`http://127.0.0.1:${server.port}/still`)).text()).toBe("GET /still ");
  });

  it("survives a client that disconnects mid-body", async () => {
    const server = await serve();
    const reply = await raw(server.port, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-ten!!", true);
    expect(reply).toBe("");
    await new Promise((r) => setTimeout(r, 20));
    expect(server.stats.abandoned).toBe(1);
    expect(server.openConnections).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${server.port}/after`)).text()).toBe("GET /after ");
  });

  it("a handler that throws is a 500, and a handler may answer with a future", async () => {
    const server = await serve((req) => {
      if (req.target === "/boom") throw new Error("kaput");
      return co(function* (): Co<{ status: number; body: string }> {
        return { status: 201, body: "later" };
      });
    });
    const boom = await fetch(`http://127.0.0.1:${server.port}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).toBe("internal error: kaput\n");
    const later = await fetch(`http://127.0.0.1:${server.port}/later`);
    expect([later.status, await later.text()]).toEqual([201, "later"]);
  });

  it("close() ends every open connection", async () => {
    const server = await serve();
    const s = net.connect({ port: server.port, host: "127.0.0.1" });
    const closed = new Promise((r) => s.on("close", r));
    s.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => s.once("data", r));
    expect(server.openConnections).toBe(1);
    server.close();
    await closed;
    expect(server.openConnections).toBe(0);
  });
});

describe("HttpClient", () => {
  it("reuses one keep-alive connection for sequential requests", async () => {
    const server = await serve();
    const client = new HttpClient();
    open.push(client);
    const bodies = await blockOn(
      co(function* (): Co<string[]> {
        const out: string[] = [];
        for (let i = 0; i < 5; i++)
          out.push(
            (yield* client.request(`http://127.0.0.1:${server.port}/${i}`, { method: "POST", body: `b${i}` })).text(),
          );
        return out;
      }),
    );
    expect(bodies).toEqual(["POST /0 b0", "POST /1 b1", "POST /2 b2", "POST /3 b3", "POST /4 b4"]);
    expect(client.connectsMade).toBe(1);
    expect(server.stats.connections).toBe(1);
  });

  it("reads a chunked response from Node's http server", async () => {
    const http = await import("node:http");
    const node = http.createServer((_q, res) => {
      res.write("part one, ");
      res.end("part two");
    });
    await new Promise<void>((r) => node.listen(0, "127.0.0.1", r));
    open.push({
      close: () => {
        node.close();
        node.closeAllConnections();
      },
    });
    const client = new HttpClient();
    open.push(client);
    const res = await blockOn(client.request(`http://127.0.0.1:${(node.address() as net.AddressInfo).port}/`));
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.text()).toBe("part one, part two");
  });

  it.skipIf(!hasCommand("openssl"))(
    "HTTPS round trip against our TLS server with a generated self-signed certificate",
    async () => {
      const { key, cert } = selfSignedCert();
      const server = await serve(echo, { key, cert });
      const client = new HttpClient({ tls: { ca: cert } });
      open.push(client);
      const res = await blockOn(client.request(`https://localhost:${server.port}/secure`));
      expect([res.status, res.text()]).toEqual([200, "GET /secure "]);
    },
  );

  it("rejects an unsupported scheme with a clear error", async () => {
    await expect(blockOn(new HttpClient().request("ftp://example.com/"))).rejects.toThrow('unsupported scheme "ftp:"');
  });
});

describe("process exit", () => {
  it("a program that serves and closes exits by itself (no leaked sockets or handles)", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/http-exit.ts"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(r.signal).toBe(null);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("ok ok\n");
  });
});
