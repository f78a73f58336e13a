/**
 * The key-value process of `lab ch8 remote`: the chapter's key-value system (router,
 * key-value actor, writer on an append-only log in `argv[2]`) exposed to other
 * processes as the service `kv::Request` on a TCP peer at 127.0.0.1. Prints its port
 * on the first stdout line. Exits when its stdin closes, so it never outlives the
 * lab that started it (even one killed with SIGKILL).
 */
import * as path from "node:path";
import { ActorSystem, blockOn, Listener, ServiceMap, servePeers, service, sleep, type Co } from "../../index.js";
import { AppendLogStore } from "./append-log-store.js";
import { KvClient } from "./kv-client.js";
import type { RoutingMessage } from "./messages.js";
import { startKvSystem } from "./router.js";

/** What crosses the wire: one request shape, one answer (a value for get, null otherwise). */
export type KvRequest =
  | { op: "get"; key: string }
  | { op: "set"; key: string; value: Uint8Array }
  | { op: "delete"; key: string }
  | { op: "sleep"; ms: number };
export const KvService = service<KvRequest, Uint8Array | null>("kv", "Request");

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error("usage: remote-kv-process <data dir>");
  const system = new ActorSystem();
  startKvSystem(system, { openStore: () => new AppendLogStore(path.join(dir, "kv.log")) });
  const kv = new KvClient(system.whereis<RoutingMessage, void>("router")!);
  const adapter = system.spawn<KvRequest, Uint8Array | null>(
    () => ({
      *handle(req: KvRequest): Co<Uint8Array | null> {
        switch (req.op) {
          case "get":
            return (yield* kv.get(req.key)) ?? null;
          case "set":
            yield* kv.set(req.key, req.value);
            return null;
          case "delete":
            yield* kv.delete(req.key);
            return null;
          case "sleep":
            yield* sleep(req.ms);
            return null;
        }
      },
    }),
    { name: "kv-service", concurrency: 16 },
  );
  const listener = await blockOn(Listener.bind({ host: "127.0.0.1", port: 0 }));
  servePeers(listener, { services: new ServiceMap().expose(KvService, adapter), name: "kv-process" }, () => {});
  process.stdout.write(`${listener.port}\n`);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main().catch((error: unknown) => {
    process.stderr.write(`kv process: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
