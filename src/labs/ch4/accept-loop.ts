/** E4.3 (continued): an accept loop that spawns a task per connection, on our listener and executor. */
import { co, HttpClient, HttpServer, Listener, LiveRuntime, type Co } from "../../index.js";
import type { ExperimentResult, LabOptions } from "../types.js";

export async function acceptLoop(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new LiveRuntime();
  const listener = await rt.blockOn(Listener.bind({ port: 0 }));
  const server = await rt.blockOn(
    co(function* (): Co<HttpServer> {
      return HttpServer.serve(listener, (req) => ({ status: 200, body: req.target }));
    }),
  );
  const clients = 20;
  const perClient = 5;
  const spawnedBefore = rt.stats.spawned;
  try {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        rt.blockOn(
          co(function* (): Co<void> {
            const client = new HttpClient();
            try {
              for (let i = 0; i < perClient; i++) {
                const res = yield* client.request(`http://127.0.0.1:${server.port}/c${c}/r${i}`);
                if (res.text() !== `/c${c}/r${i}`) throw new Error(`wrong answer ${res.text()}`);
              }
            } finally {
              client.close();
            }
          }),
        ),
      ),
    );
    const ms = performance.now() - t0;
    opts.log(`accept loop served ${clients * perClient} requests`);
    const spawned = rt.stats.spawned - spawnedBefore - clients; // minus the client tasks themselves
    return {
      blocks: [
        {
          kind: "table",
          title: `${clients} keep-alive clients × ${perClient} requests`,
          columns: [
            { header: "connections accepted" },
            { header: "connection tasks spawned" },
            { header: "requests" },
            { header: "malformed" },
            { header: "time", unit: "ms", digits: 1 },
          ],
          rows: [[server.stats.connections, spawned, server.stats.requests, server.stats.malformed, ms]],
        },
        {
          kind: "notice",
          lines: [
            "One task per connection, spawned by the accept loop (the book's " +
              "L3090-3106): a slow client blocks only its own task.",
          ],
        },
      ],
    };
  } finally {
    server.close();
  }
}
