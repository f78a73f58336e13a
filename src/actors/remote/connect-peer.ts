/**
 * Making peers: connect to a listening system (TCP or Unix socket), accept peers on
 * a listener, or join two threads over a `MessagePort`. All on the project's own
 * reactor (`connect`, `Listener`): no home-made cluster manager.
 */
import type { MessagePort } from "node:worker_threads";
import { co, type GeneratorFuture } from "../../futures/generator-future.js";
import { connect, type ConnectTarget } from "../../runtime/io/connect.js";
import type { Listener } from "../../runtime/io/listener.js";
import { spawnerHere } from "../../runtime/current.js";
import type { Cancellable } from "../actor.js";
import type { PollStream } from "../../runtime/io/stream.js";
import { BATCH_BYTES } from "./frame-writer.js";
import { Peer, type PeerOptions } from "./peer.js";
import { PortStream } from "./port-stream.js";

/** Connect to `target` and run a peer on the connection. */
export function connectPeer(target: ConnectTarget, options?: PeerOptions): GeneratorFuture<Peer> {
  return co(function* () {
    const stream = yield* connect(target);
    batched(stream);
    return new Peer(stream, options);
  });
}

/** Accept connections on `listener`, each a new peer handed to `onPeer`; cancel to stop accepting. */
export function servePeers(listener: Listener, options: PeerOptions, onPeer: (peer: Peer) => void): Cancellable {
  const spawner = options.runtime ?? spawnerHere();
  const task = spawner.spawn(
    co(function* () {
      for (;;) {
        const stream = yield* listener.accept();
        batched(stream);
        onPeer(new Peer(stream, { ...options, runtime: spawner }));
      }
    }),
  );
  return { cancel: () => void task.cancel() };
}

/**
 * A socket for a peer: frames go out as soon as they are written (no Nagle delay on a
 * lone ask), and a whole batch of the frame writer is one write (stream.ts, `writeWindow`).
 */
function batched(stream: PollStream): void {
  stream.socket.setNoDelay(true);
  stream.writeWindow = BATCH_BYTES;
}

/** A peer over a `MessagePort` (one end of a `MessageChannel`, e.g. to a worker thread). */
export function portPeer(port: MessagePort, options?: PeerOptions, unref = false): Peer {
  return new Peer(new PortStream(port, unref), options);
}
