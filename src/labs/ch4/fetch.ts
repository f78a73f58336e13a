/**
 * E4.2 our HTTP client on our executor, set up the way the book sets up hyper:
 *
 *   - an executor hook: the client hands every request to it, and the hook spawns it
 *     as a task and prints "sending request" (the book's CustomExecutor::execute);
 *   - a connector chosen by URL scheme: http → a plain stream, https → TLS, anything
 *     else → a clear "unsupported scheme" error (the book's CustomConnector);
 *   - DNS handed to a thread pool: Node's `dns.lookup` runs getaddrinfo on libuv's
 *     worker threads, as the book hands it to a blocking thread with smol::unblock.
 *
 * Everything runs on loopback; the HTTPS server uses a self-signed certificate.
 */
import { promises as dns } from "node:dns";
import {
  blockOn,
  co,
  connect,
  fromPromise,
  HttpClient,
  HttpServer,
  Listener,
  LiveRuntime,
  spawn,
  type BaseFuture,
  type Co,
  type PollStream,
} from "../../index.js";
import { col, table } from "../table.js";
import type { Block, ExperimentResult } from "../types.js";
import { page, selfSigned } from "./page.js";

export interface ConnectorLog {
  lookups: string[];
}

/** The book's CustomConnector: scheme → stream; DNS on the thread pool first. */
export function customConnector(log: ConnectorLog, ca?: string): (url: URL) => BaseFuture<PollStream> {
  return (url) =>
    co(function* (): Co<PollStream> {
      if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`unsupported scheme ${JSON.stringify(url.protocol.replace(/:$/, ""))}`);
      const secure = url.protocol === "https:";
      const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
      // getaddrinfo blocks, so libuv runs it on its thread pool and our task awaits the result.
      const { address } = yield* fromPromise(dns.lookup(url.hostname));
      log.lookups.push(`${url.hostname} → ${address}`);
      return yield* secure
        ? connect({ host: address, port, tls: { servername: url.hostname, ...(ca === undefined ? {} : { ca }) } })
        : connect({ host: address, port });
    });
}

export async function fetchLocal(): Promise<ExperimentResult> {
  const cert = selfSigned();
  const plain = HttpServer.serve(await blockOn(Listener.bind({ port: 0 })), page);
  const secure =
    typeof cert === "string" ? null : HttpServer.serve(await blockOn(Listener.bind({ port: 0, tls: cert })), page);
  const printed: string[] = [];
  const log: ConnectorLog = { lookups: [] };
  const client = new HttpClient({
    // The book's CustomExecutor: spawn the request as a task, say so.
    executor: (request) => {
      printed.push("sending request");
      return spawn(request);
    },
    connector: customConnector(log, typeof cert === "string" ? undefined : cert.cert),
  });
  const rows: (string | number)[][] = [];
  let unsupported = "";
  try {
    const urls = [`http://localhost:${plain.port}/`];
    if (secure !== null) urls.unshift(`https://localhost:${secure.port}/`);
    const rt = new LiveRuntime();
    for (const url of urls) {
      for (const attempt of ["first", "keep-alive"]) {
        const before = client.connectsMade;
        const lookups = log.lookups.length;
        const t0 = performance.now();
        const res = await rt.blockOn(
          co(function* (): Co<{ status: number; text: string }> {
            const r = yield* client.request(url);
            return { status: r.status, text: r.text() };
          }),
        );
        rows.push([
          url,
          attempt,
          res.status,
          Buffer.byteLength(res.text),
          client.connectsMade - before,
          log.lookups.length - lookups,
          performance.now() - t0,
        ]);
        if (attempt === "first" && url === urls[0]) printed.push(...res.text.trimEnd().split("\n"));
      }
    }
    try {
      await rt.blockOn(client.request("ftp://localhost/"));
      unsupported = "ftp:// fetched (unexpected)";
    } catch (error) {
      unsupported = `GET ftp://localhost/ → Error: ${(error as Error).message}`;
    }
  } finally {
    client.close();
    plain.close();
    secure?.close();
  }
  const sent = printed.filter((l) => l === "sending request").length;
  const blocks: Block[] = [
    {
      kind: "text",
      title: "what the book's main prints: the executor hook's line, then the page",
      lines: printed.slice(
        0,
        printed.indexOf("sending request", 1) === -1 ? undefined : printed.indexOf("sending request", 1),
      ),
    },
    table(
      "our client, through the executor hook and the connector",
      ["url", "request", "status", col("body", "B"), "new connections", "DNS lookups", col("time", "ms", 2, "min")],
      rows,
    ),
    {
      kind: "text",
      title: "the connector, beyond http and https",
      lines: [unsupported, ...log.lookups.slice(0, 1).map((l) => `DNS on the thread pool: ${l}`)],
    },
    {
      kind: "notice",
      lines: [
        `"sending request" was printed ${sent} times — once per request, by the ` +
          `executor hook the client called when it handed the request over to be ` +
          `spawned.`,
        keepAliveNotice(rows.filter((r) => r[1] === "keep-alive").map((r) => [r[4] as number, r[5] as number])),
        "The socket is Node's; the readiness (data → READABLE, drain → " +
          "WRITABLE) and the futures over it are ours — the book's CustomStream.",
        ...(typeof cert === "string" ? [`HTTPS skipped: ${cert}.`] : []),
      ],
    },
  ];
  return { blocks };
}

/** The keep-alive line, from the keep-alive rows' [new connections, DNS lookups]. */
export function keepAliveNotice(rows: readonly (readonly [connections: number, lookups: number])[]): string {
  const reused = rows.filter(([c, l]) => c === 0 && l === 0).length;
  return reused === rows.length
    ? "Keep-alive requests reused their connection: no new connection, no DNS " +
        "lookup (and for HTTPS, no second TLS handshake)."
    : `${rows.length - reused} of ${rows.length} keep-alive requests opened a ` +
        `new connection: the server closed the idle one.`;
}
