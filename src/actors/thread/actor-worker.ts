/**
 * The worker side of a thread actor (thread-actor.ts): imports the actor's module,
 * spawns the actor on this thread's own live runtime, and serves it to the main
 * thread over the `MessagePort` it was given, with the remote layer's framing
 * (a peer over a `PortStream`).
 *
 * Services: `thread::Message` (tell / ask → the actor), `thread::Priority` (→
 * `tellPriority`), `thread::Stop` (→ `stop()`), `thread::Exit` (ask: answers with the
 * actor's `ActorExit` when it ends). Blocking callers (`askBlocking`) come in on a second port
 * with a shared flag (blocking.ts). When the actor has ended, the worker closes its
 * ports and its event loop empties: the thread exits by itself.
 */
import { workerData, type MessagePort } from "node:worker_threads";
import type { ActorFactory } from "../actor.js";
import { ActorSystem } from "../system.js";
import type { SupervisionOptions } from "../supervision.js";
import { portPeer } from "../remote/connect-peer.js";
import { ServiceMap } from "../remote/service-map.js";
import { serveBlocking } from "./blocking.js";
import { ExitService, handler, MessageService, PriorityService, StopService, toWireExit } from "./services.js";
import { fromPromise } from "../../futures/promise.js";

interface ThreadActorData {
  module: string;
  exportName: string;
  name: string;
  capacity?: number;
  supervision?: SupervisionOptions;
  port: MessagePort;
  blockingPort: MessagePort;
}

const data = workerData as ThreadActorData;
const mod = (await import(data.module)) as Record<string, unknown>;
const factory = mod[data.exportName];
if (typeof factory !== "function") throw new TypeError(`${data.module} has no actor factory named ${data.exportName}`);
const system = new ActorSystem(data.supervision === undefined ? {} : { supervision: data.supervision });
const ref = system.spawn(factory as ActorFactory<unknown, unknown>, {
  name: data.name,
  ...(data.capacity === undefined ? {} : { capacity: data.capacity }),
});
const services = new ServiceMap()
  .expose(MessageService, ref)
  .expose(
    PriorityService,
    handler((m) => ref.tellPriority(m)),
  )
  .expose(
    StopService,
    handler(() => ref.stop()),
  )
  .expose(
    ExitService,
    handler(
      () => {},
      () => fromPromise(ref.join().then(toWireExit)),
    ),
  );
const peer = portPeer(data.port, { services, name: `thread:${data.name}` });
const blocking = serveBlocking(data.blockingPort, ref);
void ref.join().then(() => {
  // Let the exit answer leave before the ports close.
  setTimeout(() => {
    peer.close();
    blocking.close();
  }, 10);
});
