/**
 * What cannot be delivered comes back typed. Replies are encoded in place like tells
 * (frame-writer.ts): a reply the codec cannot carry, or one over the frame limit, fails
 * that ask — and frees its in-flight slot, so the peer goes on answering. A tell to a
 * stopped actor — a scalar (delivered in the reader's loop) or any other value (through
 * the general dispatch) — is a `remote-error` event on the sender's peer.
 */
import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import { portPeer } from "../src/actors/remote/connect-peer.js";
import type { PeerEvent } from "../src/actors/remote/peer.js";
import { RemoteError } from "../src/actors/remote/remote-errors.js";
import { service, ServiceMap } from "../src/actors/remote/service-map.js";

const Reply = service<string, unknown>("test", "Reply");

describe("replies that cannot be sent", () => {
  it("unencodable → handler error, too large → frame-too-large; scalar and cborg replies still arrive", async () => {
    const system = new ActorSystem();
    const replier = system.spawn<string, unknown>(() => ({
      handle: (m) =>
        m === "function" ? () => 0 : m === "huge" ? "x".repeat(2000) : m === "object" ? { m, n: [1, 2] } : m,
    }));
    const { port1, port2 } = new MessageChannel();
    const server = portPeer(port2, {
      services: new ServiceMap().expose(Reply, replier),
      maxInFlight: 1,
      maxFrameBytes: 1024,
    });
    const client = portPeer(port1, { name: "client" });
    const remote = client.address(Reply);

    const unencodable = await remote.ask("function").then(
      () => null,
      (e: unknown) => e,
    );
    expect(unencodable).toBeInstanceOf(RemoteError);
    expect(unencodable).toMatchObject({ kind: "handler", service: "test::Reply" });
    expect((unencodable as Error).message).toMatch(/the reply could not be encoded/);

    const huge = await remote.ask("huge").then(
      () => null,
      (e: unknown) => e,
    );
    expect(huge).toBeInstanceOf(RemoteError);
    expect(huge).toMatchObject({ kind: "frame-too-large", service: "test::Reply" });

    // With a cap of one in flight, these are answered only if the failed asks gave their slot back.
    expect(await remote.ask("ok")).toBe("ok");
    expect(await remote.ask("object")).toEqual({ m: "object", n: [1, 2] });
    expect(server.open && client.open).toBe(true);
    client.close();
    server.close();
    replier.stop();
  });

  it("a tell to a stopped actor, scalar or not: a remote-error event 'stopped' on the sender", async () => {
    const system = new ActorSystem();
    const target = system.spawn<unknown, unknown>(() => ({ handle: () => null }));
    target.stop();
    await target.join();
    const { port1, port2 } = new MessageChannel();
    const server = portPeer(port2, { services: new ServiceMap().expose(Reply, target) });
    const client = portPeer(port1, { name: "client" });
    const events: PeerEvent[] = [];
    client.subscribe((e) => events.push(e));
    const remote = client.address(Reply);
    remote.tell("scalar" as string);
    remote.tell({ not: "a scalar" } as unknown as string);
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.kind).toBe("remote-error");
      expect(e.kind === "remote-error" && e.error).toMatchObject({ kind: "stopped", service: "test::Reply" });
    }
    client.close();
    server.close();
  });
});
