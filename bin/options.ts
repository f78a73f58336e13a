/**
 * Argument parsers for every `lab` option, handed to commander so a bad value is
 * refused while the command line is parsed — before any experiment starts.
 *
 * Each parser either returns the value or throws commander's `InvalidArgumentError`
 * with a message that states the rule (the range, the valid names). The rules are
 * deliberately narrow: `Number("0x50")`, `Number("")` and `Number("1e12")` are all
 * numbers to JavaScript, and each of them once ran an experiment with a value nobody
 * meant (port 80, seed 0, a trillion increments that never finished).
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidArgumentError } from "commander";

/** Plain decimal digits, no sign, no exponent, no separators. */
const DECIMAL_INT = /^\d+$/;
/** A plain decimal number: digits with at most one point (no exponent, no hex, no sign). */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** An integer parser accepting only decimal digits in `[min, max]`. */
export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!DECIMAL_INT.test(value)) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max} in decimal digits`);
    }
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be from ${min} to ${max}`);
    return n;
  };
}

/** A decimal number in `[min, max]` (`min` excluded when `minExclusive`). */
export function decimal(min: number, max: number, minExclusive = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const low = minExclusive ? n <= min : n < min;
    if (!DECIMAL.test(value) || low || n > max) {
      throw new InvalidArgumentError(`must be a decimal number ${minExclusive ? ">" : "≥"} ${min} and ≤ ${max}`);
    }
    return n;
  };
}

/** One of a fixed list of names. */
export function oneOf(names: readonly string[]): (value: string) => string {
  return (value) => {
    if (!names.includes(value)) throw new InvalidArgumentError(`must be one of: ${names.join(", ")}`);
    return value;
  };
}

/** A comma-separated list of names from `names`, at least one. */
export function listOf(names: readonly string[]): (value: string) => string[] {
  return (value) => {
    const items = value.split(",").map((s) => s.trim());
    if (items.length === 0 || items.some((s) => s === "")) {
      throw new InvalidArgumentError(`must be a comma-separated list of: ${names.join(", ")}`);
    }
    const unknown = items.filter((s) => !names.includes(s));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`unknown '${unknown.join("', '")}' (valid: ${names.join(", ")})`);
    }
    return items;
  };
}

export const SEED_MAX = 0xffffffff;
export const parseSeed = integer(0, SEED_MAX);

/**
 * The smallest `--time-scale`: 0.005 turns the book's 1 s into 5 ms. Below it, Node's
 * timer granularity (≈1 ms) and the scheduling noise of a shared machine are a fifth
 * or more of every measured duration, and the book-vs-ours figures mean nothing.
 */
export const TIME_SCALE_MIN = 0.005;
/** The largest: 10 × the book's real durations. */
export const TIME_SCALE_MAX = 10;
export function parseTimeScale(value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || n > TIME_SCALE_MAX) {
    throw new InvalidArgumentError(`must be a decimal number from ${TIME_SCALE_MIN} to ${TIME_SCALE_MAX}`);
  }
  if (n < TIME_SCALE_MIN) {
    throw new InvalidArgumentError(
      `must be at least ${TIME_SCALE_MIN} (the book's 1 s = ${1000 * TIME_SCALE_MIN} ms); ` +
        "below that, timer granularity swamps what is measured",
    );
  }
  return n;
}

/**
 * `--trace FILE`: checked now, not after a long run. The file's directory must exist
 * and be writable, and the path must not name a directory.
 */
export function parseTracePath(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("must name a file to write");
  const path = resolve(value);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Does not exist yet: fine, it is created at the end of the run.
  }
  if (isDir) throw new InvalidArgumentError(`'${value}' is a directory; give a file name`);
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error();
  } catch {
    throw new InvalidArgumentError(`directory '${dir}' does not exist`);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InvalidArgumentError(`directory '${dir}' is not writable`);
  }
  return value;
}

/** `lab bench --time`: milliseconds of measuring per case and subject. */
export const BENCH_TIME_MAX_MS = 60_000;
export const parseBenchTime = integer(1, BENCH_TIME_MAX_MS);
