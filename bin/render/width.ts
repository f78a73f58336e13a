/**
 * Terminal width: how wide a rendered line may be, and how wide a string looks.
 *
 * Every renderer takes a width and must not print a line wider than it: a table 346
 * columns wide in an 80-column terminal wraps every row into an unreadable staircase.
 * When stdout is not a terminal (a pipe, a file, a test) there is no width to ask for,
 * so 100 is assumed — wide enough for the tables, narrow enough for a review diff.
 */

/** Used when stdout is not a TTY. */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, tables go vertical anyway; the renderers never plan for less. */
export const MIN_WIDTH = 40;

export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const columns = stream.isTTY ? stream.columns : undefined;
  return Math.max(MIN_WIDTH, columns ?? DEFAULT_WIDTH);
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what this strips
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/**
 * Columns a string occupies: code points after removing colour codes. The glyphs the
 * renderers use (box drawing, arrows, `·`, `●`) are one column each; East Asian wide
 * characters would count double, and the labs print none.
 */
export function visibleWidth(text: string): number {
  let n = 0;
  for (const _ of stripAnsi(text)) n++;
  return n;
}

/**
 * Break a line into pieces no wider than `width`, at spaces where possible (a word
 * longer than the width is cut). Continuation lines start with `indent`.
 */
export function wrapLine(line: string, width: number, indent = ""): string[] {
  if (visibleWidth(line) <= width) return [line];
  const plain = stripAnsi(line); // colour is dropped on wrapped lines: codes cannot be split safely
  const out: string[] = [];
  let rest = plain;
  let prefix = "";
  while (visibleWidth(prefix + rest) > width) {
    const room = Math.max(1, width - visibleWidth(prefix));
    const chars = [...rest];
    let cut = chars
      .slice(0, room + 1)
      .join("")
      .lastIndexOf(" ");
    if (cut <= 0) cut = chars.slice(0, room).join("").length;
    out.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    prefix = indent;
    if (rest === "") return out;
  }
  out.push(prefix + rest);
  return out;
}

/** Wrap every line of a block of text. */
export function wrapText(text: string, width: number, indent = ""): string {
  return text
    .split("\n")
    .flatMap((l) => wrapLine(l, width, indent))
    .join("\n");
}
