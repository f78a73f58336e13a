/** `lab ch4 serve`: the chapter's HTTP server, kept running on a port until Ctrl-C. */
import { blockOn, HttpServer, Listener } from "../../index.js";
import { UsageError, type ExperimentResult, type LabOptions } from "../types.js";
import { page } from "./page.js";

export async function serveForever(opts: LabOptions): Promise<ExperimentResult> {
  const raw = opts.extra["port"];
  const port = raw === undefined ? 8080 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer 0-65535, got ${JSON.stringify(raw)}`);
  const timeouts: Record<string, number> = {};
  for (const [key, flag] of [
    ["keepAliveTimeout", "--keep-alive-timeout"],
    ["headersTimeout", "--headers-timeout"],
    ["requestTimeout", "--request-timeout"],
  ] as const) {
    const v = opts.extra[key];
    if (v === undefined) continue;
    const ms = Number(v);
    if (!Number.isFinite(ms) || ms < 0)
      throw new UsageError(`${flag} must be a number of ms ≥ 0 (0 = off), got ${JSON.stringify(v)}`);
    timeouts[key] = ms;
  }
  const listener = await blockOn(Listener.bind({ host: "127.0.0.1", port }));
  const server = HttpServer.serve(
    listener,
    (req) => {
      opts.log(`${req.method} ${req.target}`);
      return page(req);
    },
    timeouts,
  );
  opts.log(
    `serving on http://127.0.0.1:${server.port}/ — try: curl -i http://127.0.0.1:${server.port}/   (Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  server.close();
  return {
    blocks: [
      {
        kind: "table",
        title: "served",
        columns: [
          { header: "connections" },
          { header: "requests" },
          { header: "malformed" },
          { header: "abandoned" },
          { header: "timed out" },
        ],
        rows: [
          [
            server.stats.connections,
            server.stats.requests,
            server.stats.malformed,
            server.stats.abandoned,
            server.stats.timedOut,
          ],
        ],
      },
    ],
  };
}
