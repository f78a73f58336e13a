/**
 * What the `lab` command's parts share: exit codes, the global options as commander
 * hands them over, where output goes (`Io`), and the one way to refuse a command line
 * (`usage`: a `UsageError`, printed by `main` as one line with exit 2).
 */
import { UsageError } from "../src/labs/types.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
/** Stopped by SIGTERM (128 + 15), after the experiment shut down gracefully. */
export const EXIT_TERMINATED = 143;

/** The global options, as every command reads them with `optsWithGlobals()`. */
export interface GlobalOptions {
  json?: boolean;
  color: boolean;
  seed: number;
  timeScale: number;
  driver: "sim" | "live";
  trace?: string;
}

/** Where a command writes: the process streams by default, an array in the tests. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Transient progress (which contender, which round): shown only on a terminal. */
  progress?: (text: string) => void;
  /** Widest line the renderers may print. */
  width?: number;
}

/** Refuse the command line: `main` prints the message as one line and exits 2. */
export function usage(message: string): never {
  throw new UsageError(message);
}

/** `--name` for commander's attribute name (`untilSignal` → `--until-signal`). */
export function flagOf(attribute: string): string {
  return "--" + attribute.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}
