/**
 * A burst of tells through a TCP peer: the frame writer batches them into writes of up
 * to BATCH_BYTES (the peer's socket has that write window, stream.ts), and the handler
 * sees every message, in order, with its value —
 * scalars (written by hand, cbor-scalar.ts) and cborg-encoded values interleaved.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import { connectPeer, servePeers } from "../src/actors/remote/connect-peer.js";
import { BATCH_BYTES } from "../src/actors/remote/frame-writer.js";
import type { Peer } from "../src/actors/remote/peer.js";
import { service, ServiceMap } from "../src/actors/remote/service-map.js";
import { FrameReader } from "../src/actors/remote/wire.js";
import { Listener } from "../src/runtime/io/listener.js";
import { blockOn } from "../src/runtime/spawn.js";

const Record = service<unknown, number>("test", "Record");

const realWrite = net.Socket.prototype.write;
afterEach(() => {
  net.Socket.prototype.write = realWrite;
});

/** Message i of the burst: every scalar kind and head size, and values only cborg writes. */
function message(i: number): unknown {
  switch (i % 9) {
    case 0:
      return i;
    case 1:
      return -i * 70_001;
    case 2:
      return `m${i}`;
    case 3:
      return i % 2 === 0;
    case 4:
      return null;
    case 5:
      return { i, s: "é" };
    case 6:
      return [i, [i + 1]];
    case 7:
      return i + 0.5;
    default:
      return "ü".repeat(i % 30);
  }
}

describe("batched writes of a peer", () => {
  it("a burst of 30,000 tells: writes up to a batch, wider than 16 KiB, every message in order", async () => {
    const system = new ActorSystem();
    const seen: unknown[] = [];
    const recorder = system.spawn<unknown, number>(() => ({
      handle: (m) => (m === "count" ? seen.length : (seen.push(m), 0)),
    }));
    const listener = await blockOn(Listener.bind({ host: "127.0.0.1", port: 0 }));
    const served: Peer[] = [];
    const serving = servePeers(listener, { services: new ServiceMap().expose(Record, recorder) }, (p) =>
      served.push(p),
    );
    const client = await blockOn(connectPeer({ host: "127.0.0.1", port: listener.port }));

    // Every write of the client's socket, as the kernel gets it.
    const writes: Buffer[] = [];
    net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
      if (this.remotePort === listener.port) writes.push(Buffer.from(chunk as Buffer));
      return (realWrite as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof realWrite;

    const remote = client.address(Record);
    const sent = Array.from({ length: 30_000 }, (_, i) => message(i));
    for (const m of sent) remote.tell(m);
    expect(await remote.ask("count")).toBe(sent.length);
    expect(seen).toEqual(sent);

    // The writes carry exactly the frames, none over a batch, and batches wider than the socket's own 16 KiB
    // high-water mark went out as one write. (Whether each write also ends on a frame boundary depends on the
    // kernel taking the previous one at once — a partial write may cut a frame, as TCP allows — so it is not asserted.)
    const frames = new FrameReader();
    let count = 0;
    for (const w of writes) {
      expect(w.length).toBeLessThanOrEqual(BATCH_BYTES);
      frames.push(w);
      while (frames.advance()) count++;
    }
    expect(count).toBe(sent.length + 1); // the tells and the ask
    expect(frames.pending).toBe(0);
    expect(Math.max(...writes.map((w) => w.length))).toBeGreaterThan(16 * 1024);

    client.close();
    for (const p of served) p.close();
    serving.cancel();
    listener.close();
    recorder.stop();
  });
});
