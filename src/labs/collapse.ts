/**
 * Collapsing repeated printout lines so a chapter reads in one sitting: a run of
 * three or more identical consecutive lines becomes one line with a count, and the caller's title
 * says that it was collapsed.
 *
 * Invariant: nothing is dropped without a trace — every collapsed line carries how
 * many lines it stands for, and lines that differ are never merged.
 */
/** Runs shorter than `min` stay as they are: two equal lines are often the point (two gets, two answers). */
export function collapseRepeats(lines: readonly string[], why = "collapsed", min = 3): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    if (j - i >= min) out.push(`${lines[i]}   (×${j - i}, ${why})`);
    else out.push(...lines.slice(i, j));
    i = j;
  }
  return out;
}
