/** The cell map of the shared-memory experiment's `Int32Array`, shared by the parent and its workers. */
export const CELL = { mutex: 0, condvar: 1, value: 2, stop: 3, version: 4, seen: 5, counter: 6, arrived: 7 } as const;
export const CELLS = 8;

export interface SharedJob {
  role: "listener" | "updater" | "locked" | "racy" | "atomic";
  sab: SharedArrayBuffer;
  /** updater: ms between updates; counters: increments per thread. */
  n: number;
  /** counters: threads that start together (a barrier), so their increments really overlap. */
  parties?: number;
}

/** A printed line with the wall-clock instant it was printed, so lines from two threads can be merged in order. */
export interface StampedLine {
  at: number;
  line: string;
}
