/**
 * The remote and thread rows of `lab bench actors`: `tell` and `ask` through a peer
 * over TCP, over a Unix socket, and to a thread actor over a `MessagePort` — each
 * beside its physical floor, measured in the same run: the same frames (same bytes,
 * framed per message by the peer's frame writer from payloads encoded once, written in
 * the same BATCH_BYTES batches it hands out — a burst of tells queued in one turn goes
 * out as one write on both sides) over the same kind of stream to a minimal echo that
 * cuts them with the same frame reader (`advance`, the peer's), with no actor layer at
 * either end: no codec, no dispatch, no mailbox, no reactor. Subject `async-lab` is the
 * actor layer, `native` the floor.
 *
 * - `<kind>-tell`: REMOTE_BATCH tells, then one ask to wait until all were handled
 *   (floor: REMOTE_BATCH frames, then one frame the echo answers). Per message.
 * - `<kind>-ask`: REMOTE_ASKS sequential round trips (floor: frame out, echo back). Per ask.
 * Both ends live in this process (TCP / Unix) or in this process and one worker (port).
 */
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { MessageChannel } from "node:worker_threads";
import { ActorSystem } from "../src/actors/system.js";
import type { Recipient } from "../src/actors/actor.js";
import { connectPeer, servePeers } from "../src/actors/remote/connect-peer.js";
import type { Peer } from "../src/actors/remote/peer.js";
import { service, ServiceMap } from "../src/actors/remote/service-map.js";
import { FrameWriter } from "../src/actors/remote/frame-writer.js";
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, encodePayload, FrameReader } from "../src/actors/remote/wire.js";
import { spawnThreadActor, type ThreadActorRef } from "../src/actors/thread/thread-actor.js";
import { Listener } from "../src/runtime/io/listener.js";
import { siblingModule, startModuleWorker } from "../src/runtime/module-worker.js";
import { blockOn } from "../src/runtime/spawn.js";
import { measureCase } from "./harness.js";
import type { BenchOptions, BenchRow } from "./types.js";

const REMOTE_BATCH = 10_000;
const REMOTE_ASKS = 500;

type Msg = number | "get";
export const Counter = service<Msg, number>("bench", "Counter");

/** The counter actor served on the far side (also the thread actor's factory). */
export function benchCounter() {
  let sum = 0;
  return { handle: (m: Msg) => (m === "get" ? sum : ((sum += m), 0)) };
}

/** The payloads our peer encodes for a tell of 1 and an ask of "get", encoded once: the floor frames, never encodes. */
const tellPayload = encodePayload(1);
const getPayload = encodePayload("get");
/** The echo's answer to an ask frame, encoded once too. */
const echoPayload = encodePayload(0);
const askFrame = (correlation: number) => encodeFrame(Counter.id, correlation, getPayload);

/**
 * One burst of the floor's sender: REMOTE_BATCH tell frames then one ask frame, framed
 * now — a header and a copy of the payload bytes per message, by the frame writer the
 * peer uses (`appendPayload`: no codec) — and handed out in its BATCH_BYTES batches. So
 * both ends of the floor do their per-frame work in the measured time (the echo cuts
 * every frame; the sender writes every header), as both ends of a peer do.
 */
function tellBurst(writer: FrameWriter): Buffer[] {
  for (let i = 0; i < REMOTE_BATCH; i++) writer.appendPayload(Counter.id, 0, tellPayload, "");
  writer.appendPayload(Counter.id, 1, getPayload, "");
  const out: Buffer[] = [];
  for (let chunk = writer.take(); chunk !== null; chunk = writer.take()) out.push(chunk);
  return out;
}

/** A raw client: writes chunks, resolves when the echo sent one frame back. */
interface RawClient {
  roundTrip(chunks: Buffer[]): Promise<void>;
  close(): void;
}

/** The floor's echo for a stream: reads frames, answers each ask frame with a frame of the same size. */
function echoOn(write: (b: Buffer) => void): (chunk: Buffer) => void {
  const frames = new FrameReader();
  return (chunk) => {
    frames.push(chunk);
    while (frames.advance())
      if (frames.correlation !== 0) write(encodeFrame(0xffff_ffff, frames.correlation, echoPayload));
  };
}

function rawClient(
  send: (b: Buffer) => void,
  onData: (fn: (chunk: Buffer) => void) => void,
  close: () => void,
): RawClient {
  const frames = new FrameReader();
  let waiting: (() => void) | null = null;
  onData((chunk) => {
    frames.push(chunk);
    while (frames.advance()) {
      const w = waiting;
      waiting = null;
      w?.();
    }
  });
  return {
    roundTrip: (chunks) =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        for (const c of chunks) send(c);
      }),
    close,
  };
}

async function socketFloor(listen: net.ListenOptions): Promise<{ client: RawClient; close(): void }> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on(
      "data",
      echoOn((b) => socket.write(b)),
    );
  });
  await new Promise<void>((r) => server.listen(listen, r));
  const address = server.address();
  const socket = typeof address === "string" ? net.connect(address) : net.connect(address!.port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise<void>((r) => socket.once("connect", r));
  return {
    client: rawClient(
      (b) => void socket.write(b),
      (fn) => socket.on("data", fn),
      () => socket.destroy(),
    ),
    close: () => (socket.destroy(), server.close()),
  };
}

async function socketOurs(
  kind: "tcp" | "unix",
  system: ActorSystem,
): Promise<{ ref: Recipient<Msg, number>; close(): void }> {
  const target =
    kind === "tcp"
      ? { host: "127.0.0.1", port: 0 }
      : { path: path.join(os.tmpdir(), `lab-bench-${process.pid}-${Date.now()}.sock`) };
  const listener = await blockOn(Listener.bind(target));
  const served: Peer[] = [];
  const serving = servePeers(
    listener,
    { services: new ServiceMap().expose(Counter, system.spawn(benchCounter)) },
    (p) => served.push(p),
  );
  const peer = await blockOn(
    connectPeer(
      kind === "tcp" ? { host: "127.0.0.1", port: listener.port } : { path: (target as { path: string }).path },
    ),
  );
  return {
    ref: peer.address(Counter),
    close: () => {
      peer.close();
      for (const p of served) p.close();
      serving.cancel();
      listener.close();
    },
  };
}

async function oursTell(ref: Recipient<Msg, number>): Promise<void> {
  for (let i = 0; i < REMOTE_BATCH; i++) ref.tell(1);
  await ref.ask("get");
}
async function oursAsk(ref: Recipient<Msg, number>): Promise<void> {
  for (let i = 0; i < REMOTE_ASKS; i++) await ref.ask("get");
}

function perMessage(rows: BenchRow[], per: number): BenchRow[] {
  return rows.map((r) => ({ ...r, opsPerSec: (r.opsPerSec ?? 0) * per, batch: per }));
}

export async function remoteRows(options: BenchOptions, want: (c: string) => boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const system = new ActorSystem({ slowPollMs: 0 });
  const burst = new FrameWriter(DEFAULT_MAX_FRAME_BYTES);
  let correlation = 2;
  for (const kind of ["tcp", "unix"] as const) {
    if (!want(`${kind}-tell`) && !want(`${kind}-ask`)) continue;
    const ours = await socketOurs(kind, system);
    const floor = await socketFloor(
      kind === "tcp"
        ? { host: "127.0.0.1", port: 0 }
        : { path: path.join(os.tmpdir(), `lab-bench-floor-${process.pid}-${Date.now()}.sock`) },
    );
    if (want(`${kind}-tell`)) {
      rows.push(
        ...perMessage(
          await measureCase(
            `${kind}-tell`,
            [
              { subject: "async-lab", fn: () => oursTell(ours.ref) },
              { subject: "native", fn: () => floor.client.roundTrip(tellBurst(burst)) },
            ],
            options,
          ),
          REMOTE_BATCH,
        ),
      );
    }
    if (want(`${kind}-ask`)) {
      rows.push(
        ...perMessage(
          await measureCase(
            `${kind}-ask`,
            [
              { subject: "async-lab", fn: () => oursAsk(ours.ref) },
              {
                subject: "native",
                fn: async () => {
                  for (let i = 0; i < REMOTE_ASKS; i++)
                    await floor.client.roundTrip([askFrame((correlation = (correlation % 1_000_000) + 1))]);
                },
              },
            ],
            options,
          ),
          REMOTE_ASKS,
        ),
      );
    }
    ours.close();
    floor.close();
  }
  if (want("thread-tell") || want("thread-ask")) {
    const here = new URL(import.meta.url);
    const ref: ThreadActorRef<Msg, number> = spawnThreadActor(here, "benchCounter", { name: "bench-thread" });
    const { port1, port2 } = new MessageChannel();
    const worker = startModuleWorker(
      siblingModule(import.meta.url, "port-echo"),
      { port: port2 },
      { transferList: [port2] },
    );
    const floor = rawClient(
      (b) => port1.postMessage(new Uint8Array(b)),
      (fn) => port1.on("message", (d: Uint8Array) => fn(Buffer.from(d.buffer, d.byteOffset, d.byteLength))),
      () => port1.close(),
    );
    await ref.ask("get");
    if (want("thread-tell")) {
      rows.push(
        ...perMessage(
          await measureCase(
            "thread-tell",
            [
              { subject: "async-lab", fn: () => oursTell(ref) },
              { subject: "native", fn: () => floor.roundTrip(tellBurst(burst)) },
            ],
            options,
          ),
          REMOTE_BATCH,
        ),
      );
    }
    if (want("thread-ask")) {
      rows.push(
        ...perMessage(
          await measureCase(
            "thread-ask",
            [
              { subject: "async-lab", fn: () => oursAsk(ref) },
              {
                subject: "native",
                fn: async () => {
                  for (let i = 0; i < REMOTE_ASKS; i++)
                    await floor.roundTrip([askFrame((correlation = (correlation % 1_000_000) + 1))]);
                },
              },
            ],
            options,
          ),
          REMOTE_ASKS,
        ),
      );
    }
    ref.stop();
    await ref.join();
    floor.close();
    await worker.terminate();
  }
  return rows;
}
