/** E8.2: the responding actor — each `ask` sends a number and awaits the running total. */
import { ActorSystem } from "../../index.js";
import type { ExperimentResult } from "../types.js";

export async function respondingActor(): Promise<ExperimentResult> {
  const system = new ActorSystem();
  const ref = system.spawn<number, number>(() => {
    let state = 0;
    return { handle: (value: number) => (state += value) };
  });
  const replies: number[] = [];
  for (let i = 0; i < 10; i++) replies.push(await ref.ask(i)); // ask = send + await the one-shot reply
  ref.stop();
  await ref.join();
  return {
    blocks: [
      { kind: "text", title: "printout", lines: replies.map((r) => `Response: ${r}`) },
      { kind: "book", rows: [{ label: "responses", book: "0,1,3,6,10,15,21,28,36,45", ours: replies.join(",") }] },
    ],
  };
}
