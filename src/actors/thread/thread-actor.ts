/**
 * An actor on its own worker thread (spawned's `Backend::Thread`): its state lives
 * there, so a CPU-bound handler stalls only its own thread, not every actor on the
 * main one. Its ref here is an `ActorRef` like any other — `tell`, `ask`, `send`,
 * `stop`, `kill`, `join` — carried over a `MessagePort` with the remote layer's
 * framing (thread::Message, thread::Stop, … in services.ts).
 *
 * The actor is named by module and export, not by a closure: a function cannot cross
 * to another thread, so the worker imports `module` and calls `exportName` as the
 * factory (at each restart too).
 *
 * Invariants:
 * 1. `isAlive` turns false when the worker exits (the actor ended, or `kill()`
 *    terminated the thread); `join()` resolves then, with the actor's own exit when
 *    it ended by itself and `{ completed, killed: true }` after `kill()`.
 * 2. Like a Node `Worker`, a live thread actor keeps the process alive (a pending ask
 *    must not be cut short by the process exiting under it): `stop()` or `kill()` it.
 */
import { MessageChannel, type Worker } from "node:worker_threads";
import { fromPromise } from "../../futures/promise.js";
import { siblingModule, startModuleWorker } from "../../runtime/module-worker.js";
import { spawnerHere } from "../../runtime/current.js";
import type { JoinHandle } from "../../runtime/task.js";
import type { ActorExit, ActorRef } from "../actor.js";
import type { ActorMetricsSnapshot } from "../actor-metrics.js";
import { ActorStopped } from "../errors.js";
import type { Peer } from "../remote/peer.js";
import { portPeer } from "../remote/connect-peer.js";
import type { RemoteAsk, RemoteRef } from "../remote/remote-ref.js";
import type { SupervisionOptions } from "../supervision.js";
import { WeakActorRef } from "../weak-ref.js";
import type { BlockingDescriptor } from "./blocking.js";
import { ExitService, MessageService, PriorityService, StopService, type WireExit } from "./services.js";

export interface ThreadActorOptions {
  name?: string;
  capacity?: number;
  /** How the actor's own failures are handled on its thread (a fixed directive: functions cannot cross threads). */
  supervision?: Omit<SupervisionOptions, "directive"> & { directive?: "restart" | "stop" | "resume" };
}

let threadActors = 0;

export class ThreadActorRef<M, R = unknown> implements ActorRef<M, R> {
  readonly id: number;
  readonly name: string;
  private readonly worker: Worker;
  private readonly peer: Peer;
  private readonly messages: RemoteRef<M, R>;
  private readonly setup: MessageChannel["port1"];
  private alive = true;
  private exitPromise: Promise<ActorExit>;
  private handle: JoinHandle<ActorExit> | null = null;
  private killed = false;

  constructor(module: URL | string, exportName: string, options: ThreadActorOptions = {}) {
    this.id = -++threadActors;
    this.name = options.name ?? `thread-actor-${threadActors}`;
    const data = new MessageChannel();
    const setup = new MessageChannel();
    this.setup = setup.port1;
    this.worker = startModuleWorker(
      siblingModule(import.meta.url, "actor-worker"),
      {
        module: String(module),
        exportName,
        name: this.name,
        capacity: options.capacity,
        supervision: options.supervision,
        port: data.port2,
        blockingPort: setup.port2,
      },
      { transferList: [data.port2, setup.port2] },
    );
    this.peer = portPeer(data.port1, { name: this.name, askTimeoutMs: 5_000 });
    this.messages = this.peer.address(MessageService as never);
    const exitAsk = this.peer.address(ExitService).ask(null, Infinity);
    this.exitPromise = new Promise<ActorExit>((resolve) => {
      let exit: ActorExit | null = null;
      exitAsk.then(
        (w: WireExit) =>
          (exit =
            w.kind === "completed"
              ? w
              : {
                  kind: "failed",
                  phase: w.phase as never,
                  error: Object.assign(new Error(w.error.message), { name: w.error.name }),
                }),
        () => {},
      );
      this.worker.once("exit", () => {
        this.alive = false;
        this.peer.close();
        this.setup.close();
        resolve(this.killed ? { kind: "completed", killed: true } : (exit ?? { kind: "completed", killed: false }));
      });
    });
  }

  get isAlive(): boolean {
    return this.alive;
  }

  tell(message: M): void {
    if (!this.alive) throw new ActorStopped(this.name);
    this.messages.tell(message);
  }
  tryTell(message: M): boolean {
    return this.alive && this.messages.tryTell(message);
  }
  send(message: M): ReturnType<ActorRef<M, R>["send"]> {
    return this.messages.send(message);
  }
  ask(message: M, timeoutMs?: number): RemoteAsk<R> {
    return this.messages.ask(message, timeoutMs);
  }
  tellPriority(message: M): void {
    this.peer.address(PriorityService).tell(message);
  }
  stop(): void {
    if (this.alive && this.peer.open) this.peer.address(StopService).tell(null);
  }
  kill(): void {
    if (!this.alive) return;
    this.killed = true;
    void this.worker.terminate();
  }
  join(): JoinHandle<ActorExit> {
    return (this.handle ??= spawnerHere().spawn(fromPromise(this.exitPromise)));
  }
  downgrade(): WeakActorRef<M, R> {
    return new WeakActorRef(this);
  }
  metrics(): ActorMetricsSnapshot | undefined {
    return undefined;
  }

  /** A client for `tellBlocking` / `askBlocking` from another worker thread: transfer `descriptor.port` with it. */
  blockingClient(): BlockingDescriptor {
    const channel = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    this.setup.postMessage({ port: channel.port2, flag }, [channel.port2]);
    return { port: channel.port1, flag, name: this.name };
  }
}

/** Start the actor exported as `exportName` from `module` on its own worker thread. */
export function spawnThreadActor<M, R = unknown>(
  module: URL | string,
  exportName: string,
  options?: ThreadActorOptions,
): ThreadActorRef<M, R> {
  return new ThreadActorRef<M, R>(module, exportName, options);
}
