/**
 * The server side of `lab bench io`, run in its own process so the load generator
 * (autocannon, in the bench process) does not share a thread with the server it
 * measures. `node --import tsx bench/io-server.ts <ours|native>` prints the port on
 * stdout and serves until stdin closes:
 *   GET  /     hello-world (the keep-alive case);
 *   POST /…    reads the whole body and answers its length (the chunked CPU case);
 *   GET  /cpu  this process's CPU time so far, in µs (`process.cpuUsage()`, user +
 *              system) — so the bench measures the server's CPU, not its own.
 */
import * as http from "node:http";
import { blockOn, HttpServer, Listener } from "../src/index.js";

const BODY = "Hello, World!";
const which = process.argv[2];

function cpuMicros(): string {
  const u = process.cpuUsage();
  return String(u.user + u.system);
}

async function main(): Promise<void> {
  let close: () => void;
  let port: number;
  if (which === "ours") {
    const listener = await blockOn(Listener.bind({ port: 0 }));
    const server = HttpServer.serve(listener, (req) => {
      if (req.method === "POST")
        return { status: 200, headers: { "Content-Type": "text/plain" }, body: String(req.body.length) };
      if (req.target === "/cpu") return { status: 200, headers: { "Content-Type": "text/plain" }, body: cpuMicros() };
      return { status: 200, headers: { "Content-Type": "text/plain" }, body: BODY };
    });
    port = server.port;
    close = () => server.close();
  } else if (which === "native") {
    const server = http.createServer((req, res) => {
      if (req.method === "POST") {
        let length = 0;
        req.on("data", (d: Buffer) => (length += d.length));
        req.on("end", () => {
          const body = String(length);
          res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": body.length });
          res.end(body);
        });
        return;
      }
      const body = req.url === "/cpu" ? cpuMicros() : BODY;
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    close = () => {
      server.close();
      server.closeAllConnections();
    };
  } else {
    process.stderr.write(`usage: io-server.ts ours|native (got ${JSON.stringify(which)})\n`);
    process.exit(2);
  }
  process.stdout.write(`${port}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    close();
    process.stdin.pause();
  });
}

void main();
