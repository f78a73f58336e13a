/**
 * Decisions: what a schedule *is*. A sim run is a pure function of its program and the
 * answers its chooser gave, so the list of answers (one integer per choice that had
 * two or more options) replays it exactly. This file holds the recording chooser
 * every strategy builds on, the replaying one, and the text form of a list that
 * `--replay` takes.
 *
 * Replaying a list that was edited (shrinking drops and lowers decisions) must still
 * give *some* run: an answer past the end of the list is 0 (the default: keep running
 * the task that ran last, else the oldest ready one), and an answer too large for the
 * options it meets is clamped to the last option.
 */
import type { ChoiceKind, Chooser } from "../rng.js";

/** One answered choice: how many options there were, which was taken, and whether it preempted. */
export interface Decision {
  kind: ChoiceKind;
  n: number;
  k: number;
  /** A `task` choice where option 0 is the task that just ran (so any other pick preempts it). */
  continuing: boolean;
  /** `continuing`, and another option was taken. */
  preempted: boolean;
}

/** A chooser that asks `pick` and records every answer. */
export class RecordingChooser implements Chooser {
  readonly decisions: Decision[] = [];
  constructor(
    private readonly pick: (kind: ChoiceKind, n: number, ids: ArrayLike<number> | undefined, index: number) => number,
  ) {}

  choose(kind: ChoiceKind, n: number, ids?: ArrayLike<number>, continuing?: boolean): number {
    const raw = this.pick(kind, n, ids, this.decisions.length);
    const k = raw < 0 ? 0 : raw >= n ? n - 1 : raw;
    this.decisions.push({ kind, n, k, continuing: continuing === true, preempted: continuing === true && k !== 0 });
    return k;
  }

  get picks(): number[] {
    return this.decisions.map((d) => d.k);
  }
}

/** Replays `picks` (clamped; 0 past the end). */
export function replayChooser(picks: readonly number[]): RecordingChooser {
  return new RecordingChooser((_kind, _n, _ids, i) => (i < picks.length ? picks[i]! : 0));
}

/** Drop trailing zeros: they are what a replay answers past the end anyway. */
export function trimPicks(picks: readonly number[]): number[] {
  let end = picks.length;
  while (end > 0 && picks[end - 1] === 0) end--;
  return picks.slice(0, end);
}

/** `[0, 2, 1]` → `"0.2.1"`; the empty list (every default) → `"-"`. */
export function formatSchedule(picks: readonly number[]): string {
  const trimmed = trimPicks(picks);
  return trimmed.length === 0 ? "-" : trimmed.join(".");
}

/** The inverse of `formatSchedule`; throws a RangeError on anything else. */
export function parseSchedule(text: string): number[] {
  const t = text.trim();
  if (t === "-" || t === "") return [];
  const parts = t.split(".");
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new RangeError(`a schedule is decisions like 0.2.1 (or - for none), got "${text}"`);
    return Number(p);
  });
}
