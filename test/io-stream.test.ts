import * as net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  blockOn,
  co,
  connect,
  Listener,
  PENDING,
  Poller,
  PollStream,
  READABLE,
  WRITABLE,
  type Co,
} from "../src/index.js";
import { CountingWaker, hasCommand, selfSignedCert } from "./io-suite.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A connected pair: our PollStream on the server side, a raw Node socket as the peer. */
async function pair(): Promise<{ stream: PollStream; peer: net.Socket; listener: Listener }> {
  const listener = await blockOn(Listener.bind({ port: 0 }));
  const peer = net.connect({ port: listener.port, host: "127.0.0.1" });
  const stream = await blockOn(listener.accept());
  cleanups.push(() => {
    stream.close();
    peer.destroy();
    listener.close();
  });
  return { stream, peer, listener };
}

describe("PollStream reads", () => {
  it("a read on an empty socket returns PENDING and completes after data arrives, woken once", async () => {
    const { stream, peer } = await pair();
    const waker = new CountingWaker();
    const read = stream.read();
    expect(read.poll(waker.cx)).toBe(PENDING);
    expect(stream.io.readiness & READABLE).toBe(0);
    const woken = waker.next();
    peer.write("that's so dingo!\n");
    await woken;
    expect(waker.wakes).toBe(1);
    const got = read.poll(waker.cx);
    expect(String(got)).toBe("that's so dingo!\n");
    await new Promise((r) => setTimeout(r, 20)); // any stray event would wake again
    expect(waker.wakes).toBe(1);
  });

  it("partial reads take at most `max` bytes and keep the rest buffered", async () => {
    const { stream, peer } = await pair();
    peer.write("abcdefghij");
    const parts = await blockOn(
      co(function* (): Co<string[]> {
        const a = yield* stream.read(4);
        const b = yield* stream.readExact(6);
        return [String(a), String(b)];
      }),
    );
    expect(parts).toEqual(["abcd", "efghij"]);
    expect(stream.buffered).toBe(0);
  });

  it("end of stream reads as null; readExact past it is an error", async () => {
    const { stream, peer } = await pair();
    peer.end("xy");
    await expect(blockOn(stream.readExact(3))).rejects.toThrow(/unexpected end of stream: wanted 3 bytes, got 2/);
    expect(await blockOn(stream.read())).toBe(null);
  });
});

describe("PollStream writes and backpressure", () => {
  it("pollWrite accepts only the room under the high-water mark (a partial write)", async () => {
    const { stream } = await pair();
    const big = Buffer.alloc(stream.socket.writableHighWaterMark * 4, 7);
    const n = stream.pollWrite(new CountingWaker().cx, big);
    expect(n).toBe(stream.socket.writableHighWaterMark);
  });

  it("a wider write window: one pollWrite takes up to the window, and queued bytes never exceed it", async () => {
    const { stream, peer } = await pair();
    const hwm = stream.socket.writableHighWaterMark;
    stream.writeWindow = hwm / 2;
    expect(stream.writeWindow).toBe(hwm); // never under the mark: a full window must bring a drain
    stream.writeWindow = 4 * hwm;
    expect(stream.pollWrite(new CountingWaker().cx, Buffer.alloc(8 * hwm, 3))).toBe(4 * hwm);
    // Backpressure still holds: with the reader paused, writes fill the window and then wait for drain.
    peer.pause();
    const size = 8 * 1024 * 1024;
    const write = stream.writeAll(Buffer.alloc(size, 1));
    const waker = new CountingWaker();
    let r = write.poll(waker.cx);
    for (let i = 0; r !== PENDING && i < 10; i++) r = write.poll(waker.cx);
    expect(r).toBe(PENDING);
    expect(stream.io.readiness & WRITABLE).toBe(0);
    expect(stream.socket.writableLength).toBeGreaterThan(0);
    expect(stream.socket.writableLength).toBeLessThanOrEqual(4 * hwm);
    let received = 0;
    peer.on("data", (c: Buffer) => (received += c.length));
    peer.resume();
    while (write.poll(waker.cx) === PENDING) {
      expect(stream.socket.writableLength).toBeLessThanOrEqual(4 * hwm);
      await waker.next();
    }
    await blockOn(stream.shutdown());
    await new Promise((resolve) => peer.once("end", resolve));
    expect(received).toBe(4 * hwm + size);
  });

  it("a large write waits for drain: PENDING with WRITABLE cleared, completes once the peer reads", async () => {
    const { stream, peer } = await pair();
    peer.pause();
    const size = 8 * 1024 * 1024;
    const data = Buffer.alloc(size, 1);
    const write = stream.writeAll(data);
    const waker = new CountingWaker();
    let r = write.poll(waker.cx);
    // Keep polling on every wake until the kernel buffers are full and we are parked.
    for (let i = 0; r !== PENDING && i < 10; i++) r = write.poll(waker.cx);
    expect(r).toBe(PENDING);
    expect(stream.io.readiness & WRITABLE).toBe(0);
    let received = 0;
    peer.on("data", (c: Buffer) => (received += c.length));
    peer.resume();
    while (write.poll(waker.cx) === PENDING) await waker.next();
    expect(waker.wakes).toBeGreaterThan(0);
    expect(write.writes).toBeGreaterThan(1);
    await blockOn(stream.shutdown());
    await new Promise((resolve) => peer.once("end", resolve));
    expect(received).toBe(size);
  });
});

describe("Listener and connect", () => {
  it("accept is PENDING until a client connects, then woken once", async () => {
    const listener = await blockOn(Listener.bind({ port: 0 }));
    cleanups.push(() => listener.close());
    const waker = new CountingWaker();
    const accept = listener.accept();
    expect(accept.poll(waker.cx)).toBe(PENDING);
    const woken = waker.next();
    const client = await blockOn(connect({ port: listener.port }));
    cleanups.push(() => client.close());
    await woken;
    expect(waker.wakes).toBe(1);
    const server = accept.poll(waker.cx) as PollStream;
    cleanups.push(() => server.close());
    expect(server).toBeInstanceOf(PollStream);
  });

  it("connect to a closed port fails with ECONNREFUSED", async () => {
    const l = await blockOn(Listener.bind({ port: 0 }));
    const port = l.port;
    l.close();
    await new Promise((r) => setTimeout(r, 10));
    await expect(blockOn(connect({ port }))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("a Unix-domain socket round trip", async () => {
    const dir = mkdtempSync(join(tmpdir(), "async-lab-unix-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "s.sock");
    const listener = await blockOn(Listener.bind({ path }));
    cleanups.push(() => listener.close());
    const echoed = await blockOn(
      co(function* (): Co<string> {
        const client = yield* connect({ path });
        const server = yield* listener.accept();
        try {
          yield* client.writeAll("over unix\n");
          const got = yield* server.readExact(10);
          yield* server.writeAll(got);
          return String(yield* client.readExact(10));
        } finally {
          client.close();
          server.close();
        }
      }),
    );
    expect(echoed).toBe("over unix\n");
  });

  it.skipIf(!hasCommand("openssl"))("TLS round trip with a self-signed certificate generated now", async () => {
    const { key, cert } = selfSignedCert();
    const listener = await blockOn(Listener.bind({ port: 0, tls: { key, cert } }));
    cleanups.push(() => listener.close());
    const result = await blockOn(
      co(function* (): Co<string> {
        const client = yield* connect({ port: listener.port, tls: { ca: cert } });
        const server = yield* listener.accept();
        try {
          yield* client.writeAll("secret\n");
          const got = yield* server.readExact(7);
          yield* server.writeAll(Buffer.from(String(got).toUpperCase()));
          return String(yield* client.readExact(7));
        } finally {
          client.close();
          server.close();
        }
      }),
    );
    expect(result).toBe("SECRET\n");
  });

  it("TLS with an untrusted certificate is refused", async () => {
    if (!hasCommand("openssl")) return;
    const { key, cert } = selfSignedCert();
    const listener = await blockOn(Listener.bind({ port: 0, tls: { key, cert } }));
    cleanups.push(() => listener.close());
    await expect(blockOn(connect({ port: listener.port, tls: {} }))).rejects.toMatchObject({
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });
});

describe("Poller (mio's Poll)", () => {
  it("reports readiness by token and interest; a drained source stops being reported", async () => {
    const { stream, peer, listener } = await pair();
    const poller = new Poller();
    poller.register(listener, 0, READABLE);
    poller.register(stream, 1, READABLE | WRITABLE);
    expect(poller.pollNow()).toEqual([{ token: 1, readable: false, writable: true, error: false }]);
    peer.write("x");
    const events = await blockOn(poller.poll(1_000));
    // Writable was already set, so poll returns at once; wait for the data too.
    expect(events.map((e) => e.token)).toEqual([1]);
    await blockOn(stream.read());
    poller.reregister(1, READABLE);
    expect(poller.pollNow()).toEqual([]);
    expect(await blockOn(poller.poll(5))).toEqual([]); // timeout with nothing ready
    poller.deregister(1);
    poller.deregister(0);
  });
});
