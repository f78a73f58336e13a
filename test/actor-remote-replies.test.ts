/**
 * Replies are encoded in place like tells (frame-writer.ts): a reply the codec cannot
 * carry, or one over the frame limit, fails that ask with a typed error — and frees
 * its in-flight slot, so the peer goes on answering.
 */
import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import { portPeer } from "../src/actors/remote/connect-peer.js";
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
});
