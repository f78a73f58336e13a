/**
 * What E8.3's parent and its cross-thread workers share: the cells of the shared
 * Int32Array and the job each worker is given. Kept apart from the worker entry so
 * the parent can import it without running the worker's top-level code.
 */
import type { MessagePort } from "node:worker_threads";

/** Cells of the shared Int32Array: the mutex, the counter, the start barrier. */
export const CROSS = { mutex: 0, counter: 1, arrived: 2 } as const;

export type CrossJob =
  | { role: "mutex"; sab: SharedArrayBuffer; n: number; parties: number }
  | { role: "owner"; sab: SharedArrayBuffer; ports: MessagePort[]; parties: number }
  | { role: "client"; sab: SharedArrayBuffer; port: MessagePort; n: number; parties: number };
