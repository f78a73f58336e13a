/**
 * Remote actors (issue 15 §1): the wire format byte for byte, every codec shape,
 * location transparency, the in-flight cap, bad frames, dropped connections, relays.
 */
import { spawn as spawnProcess } from "node:child_process";
import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { Recipient } from "../src/actors/actor.js";
import { RequestTimeout } from "../src/actors/errors.js";
import { connectPeer, portPeer, servePeers } from "../src/actors/remote/connect-peer.js";
import { Peer, type PeerEvent } from "../src/actors/remote/peer.js";
import { ConnectionClosed, RemoteError } from "../src/actors/remote/remote-errors.js";
import { service, ServiceMap, fnv1a32 } from "../src/actors/remote/service-map.js";
import { decodePayload, encodeFrame, encodePayload, ERROR, FrameReader, REPLY } from "../src/actors/remote/wire.js";
import { PENDING, type Context, type Poll, type Waker } from "../src/futures/poll.js";
import { Listener } from "../src/runtime/io/listener.js";
import { blockOn } from "../src/runtime/spawn.js";
import { settle } from "./helpers/fake-timers.js";
import { Gate } from "./helpers/gate.js";

const Echo = service<unknown, unknown>("test", "Echo");
const Get = service<{ key: string }, string | null>("kv", "Get");
const Set_ = service<[string, number], boolean>("kv", "Set");

/** Two systems joined by a MessageChannel; `b` exposes `services`. */
function portPair(services: ServiceMap, options: { maxInFlight?: number } = {}) {
  const { port1, port2 } = new MessageChannel();
  const server = portPeer(port2, { services, name: "server", ...options });
  const client = portPeer(port1, { name: "client" });
  return { client, server };
}

describe("wire format: golden frames", () => {
  it("service ids are FNV-1a 32 of namespace::Type", () => {
    expect(Get.id).toBe(0x0e4fc82c);
    expect(Set_.id).toBe(0x8c5df1c0);
    expect(fnv1a32("test::Echo")).toBe(0xa27c0234);
    expect(Echo.id).toBe(0xa27c0234);
  });

  it("a tell, an ask, a reply and an error, byte for byte", () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    expect(hex(encodeFrame(Get.id, 0, encodePayload({ key: "a" })))).toBe(
      "0000000f" + "0e4fc82c" + "00000000" + "a1636b65796161",
    );
    expect(hex(encodeFrame(Set_.id, 1, encodePayload(["a", 1])))).toBe(
      "0000000c" + "8c5df1c0" + "00000001" + "82616101",
    );
    expect(hex(encodeFrame(REPLY, 1, encodePayload(42)))).toBe("0000000a" + "ffffffff" + "00000001" + "182a");
    expect(hex(encodeFrame(ERROR, 7, encodePayload({ kind: "decode", message: "x", service: "" })))).toBe(
      "00000028" +
        "fffffffe" +
        "00000007" +
        "a3" +
        "646b696e64" +
        "666465636f6465" +
        "676d657373616765" +
        "6178" +
        "6773657276696365" +
        "60",
    );
  });

  it("the reader cuts frames across chunk boundaries and refuses bad lengths", () => {
    const frames = Buffer.concat([encodeFrame(1, 0, encodePayload("x")), encodeFrame(2, 3, encodePayload([1, 2]))]);
    const reader = new FrameReader();
    for (const byte of frames) reader.push(Buffer.from([byte])); // one byte at a time
    expect(reader.next()).toMatchObject({ service: 1, correlation: 0 });
    const second = reader.next()!;
    expect(second).toMatchObject({ service: 2, correlation: 3 });
    expect(decodePayload(second.payload)).toEqual([1, 2]);
    expect(reader.next()).toBeNull();
    const huge = new FrameReader(1024);
    huge.push(Buffer.from("ffffff00", "hex"));
    expect(() => huge.next()).toThrow(/exceeds the limit/);
    const tiny = new FrameReader();
    tiny.push(Buffer.from("00000003", "hex"));
    expect(() => tiny.next()).toThrow(/under the 8-byte header/);
  });
});

describe("codec: every message shape round-trips through a peer", () => {
  it("null, undefined, booleans, numbers, strings, bytes, arrays, nested objects, bigint", async () => {
    const system = new ActorSystem();
    const echo = system.spawn<unknown, unknown>(() => ({ handle: (m) => m }));
    const { client, server } = portPair(new ServiceMap().expose(Echo, echo));
    const remote = client.address(Echo);
    const shapes: unknown[] = [
      null,
      undefined,
      true,
      false,
      0,
      -17,
      2 ** 53 - 1,
      1.5,
      NaN,
      Infinity,
      -Infinity,
      "",
      "héllo ✓",
      new Uint8Array([0, 1, 255]),
      [],
      [1, "two", [3]],
      { a: 1, b: { c: [null, "d"] } },
      2n ** 60n,
      -(2n ** 60n),
    ];
    for (const shape of shapes) expect(await remote.ask(shape)).toEqual(shape);
    expect(await remote.ask(-0)).toBe(0); // CBOR has one integer zero
    client.close();
    server.close();
    echo.stop();
  });
});

/** One test body, run against a local ref and a remote one: location transparency. */
async function counterScenario(counter: Recipient<number | "get", number>): Promise<number[]> {
  counter.tell(1);
  counter.tell(2);
  await counter.send(3);
  const a = await counter.ask("get");
  counter.tell(4);
  const b = await counter.ask("get");
  return [a, b];
}

describe("location transparency", () => {
  const makeCounter = (system: ActorSystem) =>
    system.spawn<number | "get", number>(() => {
      let sum = 0;
      return { handle: (m) => (m === "get" ? sum : ((sum += m), sum)) };
    });
  const Counter = service<number | "get", number>("test", "Counter");

  it("a local ref", async () => {
    expect(await counterScenario(makeCounter(new ActorSystem()))).toEqual([6, 10]);
  });

  it("a remote ref over TCP", async () => {
    const system = new ActorSystem();
    const services = new ServiceMap().expose(Counter, makeCounter(system));
    const listener = await blockOn(Listener.bind({ host: "127.0.0.1", port: 0 }));
    const accepted: Peer[] = [];
    const serving = servePeers(listener, { services }, (p) => accepted.push(p));
    const client = await blockOn(connectPeer({ host: "127.0.0.1", port: listener.port }));
    expect(await counterScenario(client.address(Counter))).toEqual([6, 10]);
    client.close();
    serving.cancel();
    listener.close();
  });

  it("a remote ref over a MessagePort", async () => {
    const system = new ActorSystem();
    const { client, server } = portPair(new ServiceMap().expose(Counter, makeCounter(system)));
    expect(await counterScenario(client.address(Counter))).toEqual([6, 10]);
    client.close();
    server.close();
  });
});

/** A server-side stream fed by hand, that counts the chunks the peer's reader took. */
class FedStream {
  chunks: Buffer[] = [];
  taken = 0;
  written: Buffer[] = [];
  closed = false;
  private reader: Waker | null = null;
  feed(chunk: Buffer): void {
    this.chunks.push(chunk);
    const r = this.reader;
    this.reader = null;
    r?.wake();
  }
  pollRead(cx: Context): Poll<Buffer | null> {
    const c = this.chunks.shift();
    if (c !== undefined) {
      this.taken++;
      return c;
    }
    if (this.closed) return null;
    this.reader = cx.waker;
    return PENDING;
  }
  unread(): void {}
  pollWrite(_cx: Context, bytes: Buffer): Poll<number> {
    this.written.push(Buffer.from(bytes));
    return bytes.length;
  }
  pollShutdown(): Poll<void> {
    return undefined;
  }
  forgetWaker(): void {}
  close(): void {
    this.closed = true;
  }
  /** The frames the peer wrote back. */
  replies() {
    const reader = new FrameReader();
    for (const w of this.written) reader.push(w);
    const out: { service: number; correlation: number; body: unknown }[] = [];
    for (let f = reader.next(); f !== null; f = reader.next())
      out.push({ service: f.service, correlation: f.correlation, body: decodePayload(f.payload) });
    return out;
  }
}

describe("backpressure and bad input", () => {
  it("the in-flight cap holds: with 2 asks in flight the reader stops reading", async () => {
    const system = new ActorSystem();
    const gate = new Gate();
    let started = 0;
    const slow = system.spawn<string, string>(
      () => ({
        *handle(m: string) {
          started++;
          yield* gate;
          return m;
        },
      }),
      { concurrency: 10 },
    );
    const stream = new FedStream();
    const server = new Peer(stream, { services: new ServiceMap().expose(Echo, slow), maxInFlight: 2 });
    for (let i = 1; i <= 5; i++) stream.feed(encodeFrame(Echo.id, i, encodePayload(`m${i}`)));
    await settle();
    expect(started).toBe(2);
    expect(stream.taken).toBe(2); // chunks 3..5 are still unread
    expect(server.inFlight).toBe(2);
    gate.open();
    await settle(10);
    expect(started).toBe(5);
    expect(stream.taken).toBe(5);
    expect(stream.replies().map((r) => [r.service, r.correlation, r.body])).toEqual(
      [1, 2, 3, 4, 5].map((i) => [REPLY, i, `m${i}`]),
    );
    server.close();
  });

  it("an oversized frame is an error event and closes the peer; a short length too", async () => {
    for (const bad of ["7fffffff", "00000004"]) {
      const stream = new FedStream();
      const peer = new Peer(stream, { maxFrameBytes: 1024 });
      const events: PeerEvent[] = [];
      peer.subscribe((e) => events.push(e));
      stream.feed(Buffer.from(bad + "00000000", "hex"));
      await settle();
      expect(events).toHaveLength(1);
      expect(events[0]!.kind).toBe("error");
      expect(String((events[0] as { error: Error }).error.message)).toMatch(
        /exceeds the limit|under the 8-byte header/,
      );
      expect(peer.open).toBe(false);
      expect(stream.closed).toBe(true);
    }
  });

  it("a malformed payload, an unknown service and a failing handler come back as typed remote errors", async () => {
    const system = new ActorSystem({ supervision: { directive: "resume" } });
    const failing = system.spawn<unknown, unknown>(() => ({
      handle: () => {
        throw new Error("handler broke");
      },
    }));
    const stream = new FedStream();
    const server = new Peer(stream, { services: new ServiceMap().expose(Echo, failing) });
    stream.feed(encodeFrame(Echo.id, 1, Buffer.from([0x82, 0x01]))); // an array missing its second item
    stream.feed(encodeFrame(12345, 2, encodePayload("?")));
    stream.feed(encodeFrame(Echo.id, 3, encodePayload("x")));
    await settle(10);
    const replies = stream.replies();
    expect(replies.map((r) => [r.service, r.correlation, (r.body as { kind: string }).kind])).toEqual([
      [ERROR, 1, "decode"],
      [ERROR, 2, "unknown-service"],
      [ERROR, 3, "handler"],
    ]);
    expect((replies[2]!.body as { message: string }).message).toBe("Error: handler broke");
    server.close();

    // The same, seen from a client: typed RemoteError values.
    const { client, server: s2 } = portPair(new ServiceMap().expose(Echo, failing));
    const err = await client
      .address(Echo)
      .ask("x")
      .then(
        () => null,
        (e) => e,
      );
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ kind: "handler", service: "test::Echo" });
    const unknown = await client
      .address(service("nope", "Nope"))
      .ask(1)
      .then(
        () => null,
        (e) => e,
      );
    expect(unknown).toMatchObject({ name: "RemoteError", kind: "unknown-service" });
    const events: PeerEvent[] = [];
    client.subscribe((e) => events.push(e));
    client.address(service("nope", "Nope")).tell(1); // a tell has no answer: a remote-error event
    await settle(10);
    expect(events.map((e) => e.kind)).toEqual(["remote-error"]);
    client.close();
    s2.close();
  });

  it("outgoing asks time out (RequestTimeout) and a late reply is dropped", async () => {
    const system = new ActorSystem();
    const never = system.spawn<unknown, unknown>(() => ({ handle: () => new Promise(() => {}) }));
    const { client, server } = portPair(new ServiceMap().expose(Echo, never));
    const err = await client
      .address(Echo)
      .ask("x", 30)
      .then(
        () => null,
        (e) => e,
      );
    expect(err).toBeInstanceOf(RequestTimeout);
    expect(client.pendingAsks).toBe(0);
    client.close();
    server.close();
  });

  it("a frame over the writer's limit is refused before it is written", async () => {
    const { client, server } = portPair(new ServiceMap());
    const small = new Peer(new FedStream(), { maxFrameBytes: 64 });
    expect(() => small.address(Echo).tell("x".repeat(100))).toThrow(RemoteError);
    small.close();
    client.close();
    server.close();
  });
});

describe("failure and relays", () => {
  it("a dropped connection (the server process is SIGKILLed) fails every pending ask within 100 ms", async () => {
    const child = spawnProcess(process.execPath, ["--import", "tsx", "test/fixtures/remote-echo-server.ts"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
        child.once("exit", () => reject(new Error("server exited")));
      });
      const client = await blockOn(connectPeer({ host: "127.0.0.1", port }));
      const echo = client.address(Echo);
      expect(await echo.ask("alive")).toBe("alive");
      const pending = [echo.ask("hang"), echo.ask("hang"), echo.ask("hang")];
      const outcomes = pending.map((p) =>
        p.then(
          () => "replied",
          (e: unknown) => ({ e, at: performance.now() }),
        ),
      );
      await settle();
      expect(client.pendingAsks).toBe(3);
      const killedAt = performance.now();
      child.kill("SIGKILL");
      const results = (await Promise.all(outcomes)) as { e: unknown; at: number }[];
      for (const r of results) {
        expect(r.e).toBeInstanceOf(ConnectionClosed);
        expect(r.at - killedAt).toBeLessThan(100);
      }
      expect(client.open).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("a relay forwards a service: client → router → kv", async () => {
    const system = new ActorSystem();
    const store = new Map<string, number>();
    const kv = system.spawn<[string, number], boolean>(() => ({ handle: ([k, v]) => (store.set(k, v), true) }));
    const kvGet = system.spawn<{ key: string }, number | null>(() => ({ handle: ({ key }) => store.get(key) ?? null }));
    // router ↔ kv
    const rk = portPair(new ServiceMap().expose(Set_, kv).expose(Get, kvGet as never));
    // client ↔ router: the router exposes the kv services, handled by its remote addresses
    const relayMap = new ServiceMap().expose(Set_, rk.client.address(Set_)).expose(Get, rk.client.address(Get));
    const cr = portPair(relayMap);
    expect(await cr.client.address(Set_).ask(["a", 1])).toBe(true);
    expect(await cr.client.address(Get).ask({ key: "a" })).toBe(1);
    expect(await cr.client.address(Get).ask({ key: "zz" })).toBe(null);
    for (const p of [rk.client, rk.server, cr.client, cr.server]) p.close();
  });
});

describe("supervision hears a dropped connection", () => {
  it("an actor watching peer.closed() gets a message and reconnects", async () => {
    const system = new ActorSystem();
    const echoSys = new ActorSystem();
    const echo = echoSys.spawn<unknown, unknown>(() => ({ handle: (m) => m }));
    const services = new ServiceMap().expose(Echo, echo);
    const listener = await blockOn(Listener.bind({ host: "127.0.0.1", port: 0 }));
    const accepted: Peer[] = [];
    const serving = servePeers(listener, { services }, (p) => accepted.push(p));
    const log: string[] = [];
    let current: Peer | null = null;
    type Msg = { kind: "connected"; peer: Peer } | { kind: "down"; event: PeerEvent } | { kind: "ask"; m: string };
    const supervisor = system.spawn<Msg, unknown>(() => ({
      started: (ctx) =>
        void ctx.task(connectPeer({ host: "127.0.0.1", port: listener.port }), (peer) => ({ kind: "connected", peer })),
      *handle(msg, ctx) {
        if (msg.kind === "connected") {
          current = msg.peer;
          log.push("connected");
          ctx.task(msg.peer.closed(), (event) => ({ kind: "down", event }));
        } else if (msg.kind === "down") {
          log.push(`down: ${msg.event.kind}`);
          ctx.task(connectPeer({ host: "127.0.0.1", port: listener.port }), (peer) => ({ kind: "connected", peer }));
        } else {
          return yield* current!.address(Echo).ask(msg.m);
        }
        return undefined;
      },
    }));
    for (let i = 0; i < 100 && log.length < 1; i++) await settle();
    expect(await supervisor.ask({ kind: "ask", m: "one" })).toBe("one");
    accepted[0]!.close(); // the server drops the connection
    for (let i = 0; i < 200 && log.length < 3; i++) await settle();
    expect(log).toEqual(["connected", "down: closed-by-remote", "connected"]);
    expect(await supervisor.ask({ kind: "ask", m: "two" })).toBe("two");
    current!.close();
    serving.cancel();
    listener.close();
    for (const p of accepted) p.close();
  });
});
