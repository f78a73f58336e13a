/**
 * Blocking calls into a thread actor — rsactor's `tell_blocking` / `ask_blocking`,
 * for code that is not in a task (chapter 9's isolated-runtime technique): the
 * caller posts the request on its own port and sleeps in `Atomics.wait` on a shared
 * flag; the actor's thread posts the answer, then stores the request's sequence
 * number in the flag and notifies. The caller wakes and takes the answer with
 * `receiveMessageOnPort` — no event loop turn needed on the caller's side.
 *
 * Invariants:
 * 1. Never on the main thread: `Atomics.wait` there would freeze every actor, timer
 *    and socket of the process — `askBlocking` refuses (throws) instead.
 * 2. One caller per client (a port belongs to one thread). Answers carry the
 *    request's sequence number; an answer to a request that timed out is discarded
 *    by the next call, never taken for its answer.
 * 3. `tellBlocking` returns once the message is queued (a full bounded mailbox makes
 *    it wait, like `send`), so it is backpressure, not fire-and-forget.
 */
import { isMainThread, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { ActorRef } from "../actor.js";
import { RequestTimeout } from "../errors.js";

/** What a blocking client needs: transfer it to the worker that will block (`transferList: [port]`). */
export interface BlockingDescriptor {
  readonly port: MessagePort;
  readonly flag: SharedArrayBuffer;
  readonly name: string;
}

type Request = { seq: number; kind: "tell" | "ask"; message: unknown };
type Answer =
  { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: { name: string; message: string } };

/** The caller's side, in a worker thread. */
export class BlockingActorRef<M, R = unknown> {
  private readonly flag: Int32Array;
  private seq = 0;
  constructor(private readonly descriptor: BlockingDescriptor) {
    this.flag = new Int32Array(descriptor.flag);
  }

  /** Queue `message`, blocking this thread until the actor's mailbox took it. */
  tellBlocking(message: M, timeoutMs = 60_000): void {
    this.call("tell", message, timeoutMs);
  }

  /** Ask, blocking this thread until the reply (or `RequestTimeout`). */
  askBlocking(message: M, timeoutMs = 60_000): R {
    return this.call("ask", message, timeoutMs) as R;
  }

  close(): void {
    this.descriptor.port.close();
  }

  private call(kind: "tell" | "ask", message: unknown, timeoutMs: number): unknown {
    if (isMainThread)
      throw new Error(
        `${kind}Blocking would block the main thread (and every actor on it): ` +
          `use ${kind === "ask" ? "ask" : "send"}() there`,
      );
    const seq = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    this.descriptor.port.postMessage({ seq, kind, message } satisfies Request);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (Atomics.load(this.flag, 0) !== seq) {
        if (left <= 0 || Atomics.wait(this.flag, 0, Atomics.load(this.flag, 0), left) === "timed-out") {
          if (Atomics.load(this.flag, 0) !== seq) throw new RequestTimeout(this.descriptor.name, timeoutMs);
        }
        continue;
      }
      for (
        let received = receiveMessageOnPort(this.descriptor.port);
        received !== undefined;
        received = receiveMessageOnPort(this.descriptor.port)
      ) {
        const answer = received.message as Answer;
        if (answer.seq !== seq) continue; // the answer to a call that timed out
        if (answer.ok) return answer.value;
        throw Object.assign(new Error(answer.error.message), { name: answer.error.name });
      }
    }
  }
}

/** The actor thread's side: registrations arrive on `setup`, each with its own port and flag. */
export function serveBlocking(setup: MessagePort, ref: ActorRef<unknown, unknown>): { close(): void } {
  const clients: MessagePort[] = [];
  setup.on("message", ({ port, flag }: { port: MessagePort; flag: SharedArrayBuffer }) => {
    clients.push(port);
    const cell = new Int32Array(flag);
    const answer = (a: Answer): void => {
      port.postMessage(a);
      Atomics.store(cell, 0, a.seq);
      Atomics.notify(cell, 0);
    };
    const fail = (seq: number, e: unknown): void =>
      answer({
        seq,
        ok: false,
        error: { name: (e as Error)?.name ?? "Error", message: (e as Error)?.message ?? String(e) },
      });
    port.on("message", ({ seq, kind, message }: Request) => {
      const pending = kind === "ask" ? ref.ask(message) : ref.send(message);
      pending.then(
        (value) => answer({ seq, ok: true, value: kind === "ask" ? value : undefined }),
        (error: unknown) => fail(seq, error),
      );
    });
    port.unref();
  });
  setup.unref();
  return {
    close() {
      setup.close();
      for (const p of clients) p.close();
    },
  };
}
