/**
 * The worker side of E5.9: receives a coroutine's *state* (its seed and how many times
 * it was resumed), rebuilds the same generator, replays those resumes, and answers the
 * next value — which must equal what the original would have yielded.
 *
 * Invariant: one reply per state message, in order; "stop" closes the port and ends
 * the thread.
 */
import { parentPort } from "node:worker_threads";
// A worker entry imports the one narrow module it needs, not the public index: the
// index pulls in the whole library, which a fresh thread would load (and, from
// TypeScript sources, transpile) before it could answer its first message.
import { seededRandom } from "../../runtime/rng.js";
import { randCoroutine } from "./rand-coroutine.js";

/** What the main thread posts: which coroutine, its seed, and the resumes it already made. */
export interface CoroutineState {
  id: number;
  seed: number;
  resumed: number;
}

parentPort!.on("message", (state: CoroutineState | "stop") => {
  if (state === "stop") {
    parentPort!.close();
    return;
  }
  const gen = randCoroutine(seededRandom(state.seed));
  for (let i = 0; i < state.resumed; i++) gen.next();
  parentPort!.postMessage({ id: state.id, value: gen.next().value });
});
