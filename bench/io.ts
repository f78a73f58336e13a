/**
 * `lab bench io`: HTTP over keep-alive, ours against Node's.
 *
 * - `server_hello_keepalive`: autocannon (in this process) loads a hello-world server
 *   running in a child process — our `HttpServer` on our runtime and Node's `http`
 *   server, same run, same settings, taking turns (see `serverCase`). Each server
 *   gets its own process so the load generator does not share its thread.
 * - `client_keepalive`: sequential GETs from this process to a Node `http` server in a
 *   child process, over one kept-alive connection: our `HttpClient` vs Node's
 *   `http.request` with a keep-alive agent vs `fetch` (undici).
 * - `chunked_1byte_cpu`: one POST whose 8,000,000-byte body comes as 1-byte chunks
 *   (48 MB of framing), to each server in its child process; the row is the
 *   server's own CPU time for it (`process.cpuUsage()` read over `GET /cpu` before
 *   and after), so the figure is the decoder's cost, not the sender's. `opsPerSec`
 *   is 1 / CPU-seconds; `cpuMs` and, on our row, `cpuRatio` (ours / Node's) say it plainly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { loadPeer } from "./peers.js";
import { blockOn, HttpClient } from "../src/index.js";
import { measureCase } from "./harness.js";
import type { BenchOptions, BenchRow, BenchSuite } from "./types.js";

/** Seconds of load per turn: long enough that opening the 50 connections is a small part of it. */
const TURN_SECONDS = 2;

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

/**
 * Both servers run at once (one child process each) and take turns under load, in
 * ABBA order, one second a turn: on a shared machine the load from elsewhere drifts
 * over a run, and measuring one server after the other would hand the drift to
 * whichever went second. Each subject's figure is the median of its turns.
 */
async function serverCase(options: BenchOptions): Promise<BenchRow[]> {
  const turns = Math.max(3, Math.round(options.time / 1000)); // per subject
  const autocannon = (await loadPeer("autocannon", () => import("autocannon"), options.warn))?.default;
  if (!autocannon) return []; // the load generator is the peer: no rows without it
  const subjects = [["async-lab", "ours"], ["native", "native"]] as const;
  const servers = await Promise.all(subjects.map(([, which]) => startServer(which)));
  try {
    for (const s of servers) await load(autocannon, s.port, 1); // warm-up: JIT, connection setup
    const rps: number[][] = [[], []];
    for (let t = 0; t < turns; t++) {
      const order = t % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const r = await load(autocannon, servers[i]!.port, TURN_SECONDS);
        if (r.errors > 0) throw new Error(`server_hello_keepalive/${subjects[i]![0]}: ${r.errors} errors, timeouts or non-2xx answers`);
        rps[i]!.push(r.rps);
      }
    }
    return subjects.map(([subject], i) => {
      const sorted = [...rps[i]!].sort((x, y) => x - y);
      const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      const mean = sorted.reduce((x, y) => x + y, 0) / sorted.length;
      const sd = Math.sqrt(sorted.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, sorted.length - 1));
      options.log(`  server_hello_keepalive · ${subject}: median ${median.toFixed(0)} req/s over ${sorted.length} turns of ${TURN_SECONDS} s (${sorted.map((v) => v.toFixed(0)).join(", ")})`);
      return { case: "server_hello_keepalive", subject, opsPerSec: median, rme: median > 0 ? (100 * 1.96 * sd) / Math.sqrt(sorted.length) / median : 0, samples: sorted.length, connections: LOAD_CONNECTIONS };
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Body bytes of the chunked CPU case (under the 8 MiB body limit). */
const CHUNKED_BODY_BYTES = 8_000_000;

/** `1\r\nx\r\n` per body byte, then the last chunk: the framing a 1-byte-chunk sender writes. */
function oneByteChunks(n: number): Buffer {
  const unit = Buffer.from("1\r\nx\r\n", "latin1");
  const out = Buffer.allocUnsafe(n * unit.length + 5);
  for (let i = 0; i < n; i++) unit.copy(out, i * unit.length);
  out.write("0\r\n\r\n", n * unit.length, "latin1");
  return out;
}

/** Send raw bytes on a new connection; resolve with the response body once the server closes. */
function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1" }, () => s.end(bytes));
    const parts: Buffer[] = [];
    s.on("data", (d: Buffer) => parts.push(d));
    s.on("error", reject);
    s.on("close", () => {
      const text = Buffer.concat(parts).toString("latin1");
      resolve(text.slice(text.indexOf("\r\n\r\n") + 4));
    });
  });
}

async function serverCpuMicros(port: number): Promise<number> {
  return Number(await rawExchange(port, Buffer.from("GET /cpu HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n", "latin1")));
}

async function chunkedCpuCase(options: BenchOptions): Promise<BenchRow[]> {
  const framing = oneByteChunks(CHUNKED_BODY_BYTES);
  const request = Buffer.concat([Buffer.from("POST /upload HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", "latin1"), framing]);
  const rows: BenchRow[] = [];
  const cpuMs: Record<string, number> = {};
  for (const [subject, which] of [["async-lab", "ours"], ["native", "native"]] as const) {
    const server = await startServer(which);
    try {
      // Warm-up: a small 1-byte-chunk body, so the measured run is not the JIT's first.
      const warm = Buffer.concat([Buffer.from("POST /warm HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", "latin1"), oneByteChunks(100_000)]);
      await rawExchange(server.port, warm);
      const before = await serverCpuMicros(server.port);
      const answer = await rawExchange(server.port, request);
      const after = await serverCpuMicros(server.port);
      if (answer !== String(CHUNKED_BODY_BYTES)) throw new Error(`chunked_1byte_cpu/${subject}: server answered ${JSON.stringify(answer.slice(0, 80))}, not the body length`);
      const ms = (after - before) / 1000;
      cpuMs[subject] = ms;
      rows.push({ case: "chunked_1byte_cpu", subject, opsPerSec: 1000 / ms, rme: 0, samples: 1, cpuMs: ms, framingBytes: request.length });
      options.log(`  chunked_1byte_cpu · ${subject}: ${ms.toFixed(0)} ms of server CPU for ${CHUNKED_BODY_BYTES} body bytes in 1-byte chunks`);
    } finally {
      await server.stop();
    }
  }
  const ratio = cpuMs["async-lab"]! / cpuMs["native"]!;
  rows[0]!["cpuRatio"] = ratio;
  options.log(`  chunked_1byte_cpu · CPU ours / Node's: ${ratio.toFixed(2)}×`);
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
  summary: "HTTP keep-alive: our server vs Node's (autocannon), our client vs http.request, fetch; 1-byte-chunk CPU",
  cases: ["server_hello_keepalive", "client_keepalive", "chunked_1byte_cpu"],
  async run(options) {
    const want = (c: string) => options.cases.length === 0 || options.cases.includes(c);
    const rows: BenchRow[] = [];
    if (want("server_hello_keepalive")) rows.push(...(await serverCase(options)));
    if (want("client_keepalive")) rows.push(...(await clientCase(options)));
    if (want("chunked_1byte_cpu")) rows.push(...(await chunkedCpuCase(options)));
    return rows;
  },
};
