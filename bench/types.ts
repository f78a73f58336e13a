/**
 * The shape every `lab bench` suite returns. `--json` prints exactly
 * `{ suite, rows }` with these rows, so results from different runs and machines
 * can be diffed by case and subject.
 */

/** `async-lab` for this project, `native` for the platform baseline, `single-thread` for one-thread runs, else the
 * peer's npm name. */
export type Subject = string;

export interface BenchRow {
  case: string;
  subject: Subject;
  /** Iterations of the case per second (mean). Absent on memory rows. */
  opsPerSec?: number;
  /** Relative margin of error of the mean, in percent. */
  rme?: number;
  /** Heap bytes per task/actor, on memory rows. */
  bytesPerTask?: number;
  /** Samples the mean is over. */
  samples?: number;
  /** Any case-specific extra figure (makespan ms, speed-up …). */
  [extra: string]: unknown;
}

export interface BenchOptions {
  /** Milliseconds of measuring per (case, subject) after warm-up. */
  time: number;
  /** Only these cases (empty: all). */
  cases: string[];
  seed: number;
  /** Progress (contender, round): shown on a terminal only, never under `--json`. */
  log: (line: string) => void;
  /** What the reader must see even in a pipe: a peer that is not installed. Goes to stderr. */
  warn: (line: string) => void;
}

export interface BenchSuite {
  id: string;
  summary: string;
  /** The cases, for `lab list` and `--case` validation. */
  cases: string[];
  run(options: BenchOptions): Promise<BenchRow[]>;
}
