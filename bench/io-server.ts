/**
 * The server side of `lab bench io`, run in its own process so the load generator
 * (autocannon, in the bench process) does not share a thread with the server it
 * measures. `node --import tsx bench/io-server.ts <ours|native>` prints the port on
 * stdout and serves hello-world until stdin closes.
 */
import * as http from "node:http";
import { blockOn, HttpServer, Listener } from "../src/index.js";

const BODY = "Hello, World!";
const which = process.argv[2];

async function main(): Promise<void> {
  let close: () => void;
  let port: number;
  if (which === "ours") {
    const listener = await blockOn(Listener.bind({ port: 0 }));
    const server = HttpServer.serve(listener, () => ({ status: 200, headers: { "Content-Type": "text/plain" }, body: BODY }));
    port = server.port;
    close = () => server.close();
  } else if (which === "native") {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end(BODY);
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
