/** E8.1: the basic actor — ten messages told, each added to the actor's state. */
import { ActorSystem } from "../../index.js";
import type { ExperimentResult } from "../types.js";

export async function basicActor(): Promise<ExperimentResult> {
  const lines: string[] = [];
  const system = new ActorSystem();
  let state = 0;
  let handled = 0;
  const ref = system.spawn<number>(() => ({
    handle(value: number) {
      handled++;
      state += value;
      lines.push(`Received: ${value}`, `State: ${state}`);
    },
  }));
  for (let i = 0; i < 10; i++) ref.tell(i);
  ref.stop(); // the book's main does not wait; we drain what was sent, then stop
  await ref.join();
  return {
    blocks: [
      { kind: "text", title: "printout (book E8.1: Received / State for 0..9)", lines },
      {
        kind: "table",
        columns: [
          { header: "messages sent" },
          { header: "messages handled (counted by the actor)" },
          { header: "final state" },
        ],
        rows: [[10, handled, state]],
      },
    ],
  };
}
