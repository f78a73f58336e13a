/**
 * `lab ch8 remote`: the chapter's key-value store split across real processes. The
 * key-value system (router, key-value actor, writer on an append-only log) runs in a
 * child process (remote-kv-process.ts) and is reached over a TCP peer on 127.0.0.1;
 * this process holds a supervisor actor that owns the connection.
 *
 * The run: the book's set / get / delete; then asks are left pending and the
 * key-value process is SIGKILLed — the pending asks fail with `ConnectionClosed` (the
 * lab measures how soon), the supervisor hears the peer close, starts a new process
 * on the same log and reconnects, and the store answers again from its log. Every
 * step is stamped on one timeline. The child exits when our stdin pipe to it closes,
 * so no process is left behind, however this one ends.
 */
import { spawn as spawnProcess, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ActorSystem,
  connectPeer,
  fromPromise,
  type ActorContext,
  type Co,
  type Peer,
  type PeerEvent,
  type RemoteRef,
} from "../../index.js";
import type { ExperimentResult, LabOptions } from "../types.js";
import { KvService, type KvRequest } from "./remote-kv-process.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const show = (v: Uint8Array | null) => (v === null ? "None" : `Some(${JSON.stringify(decoder.decode(v))})`);

/** Start the key-value process on `dir`; resolves with it and its port. */
function startKvProcess(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const here = fileURLToPath(import.meta.url);
  const fromSources = here.endsWith(".ts");
  const script = path.join(path.dirname(here), `remote-kv-process.${fromSources ? "ts" : "js"}`);
  const child = spawnProcess(process.execPath, [...(fromSources ? ["--import", "tsx"] : []), script, dir], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
    child.once("exit", (code) => reject(new Error(`the key-value process exited (${code}) before it listened`)));
  });
}

type SupervisorMsg =
  | { kind: "connected"; peer: Peer }
  | { kind: "down"; event: PeerEvent }
  | { kind: "request"; req: KvRequest }
  | { kind: "started"; child: ChildProcess; port: number };

export async function remoteStore(opts: LabOptions): Promise<ExperimentResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-ch8-remote-"));
  const t0 = performance.now();
  const timeline: [number, string][] = [];
  const mark = (event: string) => {
    timeline.push([performance.now() - t0, event]);
    opts.log(`${(performance.now() - t0).toFixed(1).padStart(8)} ms  ${event}`);
  };
  const children: ChildProcess[] = [];
  let connected: (() => void) | null = null;
  // resume: a request that fails (the connection dropped under it) fails its own ask
  // and nothing else — the supervisor keeps its state and goes on.
  const system = new ActorSystem({ supervision: { directive: "resume" } });
  // The supervisor: owns the connection; when the peer closes it starts a new
  // key-value process on the same log and reconnects (requests meanwhile fail fast).
  // Requests overlap (concurrency 16): each only reads `kv`, so none can lose an update.
  const supervisor = system.spawn<SupervisorMsg, Uint8Array | null>(
    () => {
      let kv: RemoteRef<KvRequest, Uint8Array | null> | null = null;
      const launch = (ctx: ActorContext<SupervisorMsg, Uint8Array | null>) =>
        ctx.task(fromPromise(startKvProcess(dir)), ({ child, port }) => ({ kind: "started" as const, child, port }));
      return {
        started: (ctx) => void launch(ctx),
        *handle(msg, ctx): Co<Uint8Array | null> {
          switch (msg.kind) {
            case "started":
              children.push(msg.child);
              mark(`key-value process started (pid ${msg.child.pid}, port ${msg.port})`);
              ctx.task(connectPeer({ host: "127.0.0.1", port: msg.port }, { name: "kv" }), (peer) => ({
                kind: "connected" as const,
                peer,
              }));
              return null;
            case "connected":
              kv = msg.peer.address(KvService);
              ctx.task(msg.peer.closed(), (event) => ({ kind: "down" as const, event }));
              mark("connected: TCP peer to 127.0.0.1");
              connected?.();
              return null;
            case "down":
              kv = null;
              mark(`supervisor: peer ${msg.event.kind}; restarting the key-value process`);
              launch(ctx);
              return null;
            case "request":
              if (kv === null) throw new Error("not connected");
              return (yield* kv.ask(msg.req, 10_000)) as Uint8Array | null;
          }
        },
      };
    },
    { name: "kv-supervisor", concurrency: 16 },
  );
  const ask = (req: KvRequest) => supervisor.ask({ kind: "request", req }, 15_000);
  const whenConnected = () => new Promise<void>((resolve) => (connected = resolve));
  try {
    await whenConnected();
    const lines: string[] = [];
    await ask({ op: "set", key: "hello", value: encoder.encode("world") });
    mark("set hello = world");
    lines.push(`value: ${show(await ask({ op: "get", key: "hello" }))}`);
    mark(`get hello → ${lines.at(-1)}`);
    await ask({ op: "delete", key: "hello" });
    mark("delete hello");
    lines.push(`value: ${show(await ask({ op: "get", key: "hello" }))}`);
    mark(`get hello → ${lines.at(-1)}`);
    await ask({ op: "set", key: "hello", value: encoder.encode("again") });
    mark("set hello = again (on the log)");

    // Three asks left pending in the key-value process, then SIGKILL.
    const pending = [1, 2, 3].map(() =>
      ask({ op: "sleep", ms: 60_000 }).then(
        () => null,
        (e: unknown) => ({ error: e as Error, at: performance.now() }),
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    const reconnected = whenConnected();
    const victim = children.at(-1)!;
    const killedAt = performance.now();
    victim.kill("SIGKILL");
    mark(`SIGKILL key-value process (pid ${victim.pid}) with 3 asks pending`);
    const failures = await Promise.all(pending);
    const failMs = Math.max(...failures.map((f) => (f === null ? Infinity : f.at - killedAt)));
    mark(
      `3 pending asks failed: ` +
        `${failures.map((f) => f?.error.name).join(", ")} (last ` +
        `${failMs.toFixed(1)} ms after the kill)`,
    );
    await reconnected;
    const recovered = show(await ask({ op: "get", key: "hello" }));
    mark(`get hello → value: ${recovered} (reloaded from the log)`);
    lines.push(`after restart: value: ${recovered}`);
    return {
      blocks: [
        { kind: "text", title: 'printout (book E8.4: value: Ok("world") / value: None)', lines },
        {
          kind: "table",
          title: "timeline: failure and recovery",
          columns: [{ header: "t", unit: "ms", digits: 1 }, { header: "event" }],
          rows: timeline,
        },
        {
          kind: "notice",
          lines: [
            `A dropped connection fails every pending ask at once: here ` +
              `${failMs.toFixed(1)} ms after SIGKILL (the kernel's reset reaches the ` +
              `peer's reader; no timeout involved).`,
            "The supervisor learns of the drop from peer.closed(), starts a new " +
              "process on the same append-only log and reconnects; the store answers " +
              "from its log.",
          ],
        },
      ],
    };
  } finally {
    supervisor.kill();
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once("exit", r)),
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
