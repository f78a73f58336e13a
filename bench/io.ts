/**
 * `lab bench io`: HTTP over keep-alive, ours against Node's.
 *
 * - `server_hello_keepalive`: autocannon (in this process) loads a hello-world server
 *   running in a child process — our `HttpServer` on our runtime, then Node's `http`
 *   server, same run, same settings. The server gets its own process so the load
 *   generator does not share its thread (on 2 cores: one for each).
 * - `client_keepalive`: sequential GETs from this process to a Node `http` server in a
 *   child process, over one kept-alive connection: our `HttpClient` vs Node's
 *   `http.request` with a keep-alive agent vs `fetch` (undici).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import * as http from "node:http";
import { fileURLToPath } from "node:url";
import { loadPeer } from "./peers.js";
import { blockOn, HttpClient } from "../src/index.js";
import { measureCase } from "./harness.js";
import type { BenchOptions, BenchRow, BenchSuite } from "./types.js";

/** Concurrent keep-alive connections autocannon opens (its default is 10; 50 keeps both servers saturated). */
const LOAD_CONNECTIONS = 50;

interface ServerProcess {
  port: number;
  stop(): Promise<void>;
}

/** Start bench/io-server in a child process: the compiled .js when built, else the .ts through tsx. */
async function startServer(which: "ours" | "native"): Promise<ServerProcess> {
  const js = fileURLToPath(new URL("./io-server.js", import.meta.url));
  const args = existsSync(js) ? [js, which] : ["--import", "tsx", fileURLToPath(new URL("./io-server.ts", import.meta.url)), which];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once("data", (d) => resolve(Number(String(d).trim())));
    child.once("exit", (code) => reject(new Error(`io-server ${which} exited with ${code}: ${stderr.trim()}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill(), 2000).unref();
      }),
  };
}

type Autocannon = typeof import("autocannon").default;

async function load(autocannon: Autocannon, port: number, seconds: number): Promise<{ rps: number; rme: number; errors: number }> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: LOAD_CONNECTIONS, duration: seconds, pipelining: 1 });
  const errors = r.errors + r.timeouts + r.non2xx;
  const samples = Math.max(1, r.requests.total > 0 ? seconds : 1);
  return { rps: r.requests.average, rme: r.requests.average > 0 ? (100 * 1.96 * r.requests.stddev) / Math.sqrt(samples) / r.requests.average : 0, errors };
}

async function serverCase(options: BenchOptions): Promise<BenchRow[]> {
  const seconds = Math.max(2, Math.round(options.time / 1000));
  const rows: BenchRow[] = [];
  const autocannon = (await loadPeer("autocannon", () => import("autocannon"), options.warn))?.default;
  if (!autocannon) return rows; // the load generator is the peer: no rows without it
  for (const [subject, which] of [["async-lab", "ours"], ["native", "native"]] as const) {
    const server = await startServer(which);
    try {
      await load(autocannon, server.port, 1); // warm-up: JIT, connection setup
      const r = await load(autocannon, server.port, seconds);
      if (r.errors > 0) throw new Error(`server_hello_keepalive/${subject}: ${r.errors} errors, timeouts or non-2xx answers`);
      rows.push({ case: "server_hello_keepalive", subject, opsPerSec: r.rps, rme: r.rme, samples: seconds, connections: LOAD_CONNECTIONS });
      options.log(`  server_hello_keepalive · ${subject}: ${r.rps.toFixed(0)} req/s`);
    } finally {
      await server.stop();
    }
  }
  return rows;
}

async function clientCase(options: BenchOptions): Promise<BenchRow[]> {
  const server = await startServer("native");
  const url = `http://127.0.0.1:${server.port}/`;
  const ours = new HttpClient();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const nodeGet = () =>
    new Promise<void>((resolve, reject) => {
      http.get(url, { agent }, (res) => {
        res.resume();
        res.on("end", resolve);
      }).on("error", reject);
    });
  try {
    return await measureCase("client_keepalive", [
      { subject: "async-lab", fn: () => blockOn(ours.request(url)) },
      { subject: "native", fn: nodeGet },
      { subject: "fetch", fn: () => fetch(url).then((r) => r.text()) },
    ], options);
  } finally {
    ours.close();
    agent.destroy();
    await server.stop();
  }
}

export const ioSuite: BenchSuite = {
  id: "io",
  summary: "HTTP keep-alive: our server vs Node's http server (autocannon), our client vs http.request and fetch",
  cases: ["server_hello_keepalive", "client_keepalive"],
  async run(options) {
    const want = (c: string) => options.cases.length === 0 || options.cases.includes(c);
    const rows: BenchRow[] = [];
    if (want("server_hello_keepalive")) rows.push(...(await serverCase(options)));
    if (want("client_keepalive")) rows.push(...(await clientCase(options)));
    return rows;
  },
};
