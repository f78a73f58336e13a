/**
 * What a lab is, and what it returns. Experiments return *data* — blocks of
 * tables, printouts, series — and never print; rendering (tables, colour, charts,
 * JSON) is the CLI's job (bin/render). That keeps every figure testable: a test
 * runs the experiment and asserts on the numbers it measured.
 */

/** Options every experiment receives (from the CLI's global flags). */
export interface LabOptions {
  /** Seed for every random choice (default 1). Same seed, same sim output. */
  seed: number;
  /** Multiplier on the book's durations (the book's 1 s becomes `1000 * timeScale` ms). */
  timeScale: number;
  /** Which driver runs scheduling experiments: virtual time or real time. */
  driver: "sim" | "live";
  /** Chapter-specific options (`--feature logging`, `--port 8080`, `--interactive` …), already parsed. */
  extra: Record<string, string | boolean | undefined>;
  /** Stream a line as it happens (a live printout); the CLI prints it unless `--json`. */
  log: (line: string) => void;
  /** Fires on SIGINT; long experiments stop early and return what they have. */
  signal: AbortSignal;
}

/** A table cell: numbers stay numbers so JSON keeps them and the renderer formats them. */
export type Cell = string | number | boolean | null;

/** A column: its header, and how to format / rank its numbers. */
export interface Column {
  header: string;
  /** Unit appended when rendering numbers: "ms", "×", "%", "B", "ops/s" … */
  unit?: string;
  /** Digits after the point when rendering (default: 0 for integers, 2 otherwise). */
  digits?: number;
  /** Highlight the best value of the column: "min" or "max". */
  best?: "min" | "max";
}

export interface TableBlock {
  kind: "table";
  title?: string;
  columns: Column[];
  rows: Cell[][];
}

/** Lines as a program would print them (the book's console output, reproduced). */
export interface TextBlock {
  kind: "text";
  title?: string;
  lines: string[];
}

/** "What to notice" lines: the point of the experiment, in words. */
export interface NoticeBlock {
  kind: "notice";
  lines: string[];
}

/** The book's figure next to ours. `ratio` is ours / book where both are comparable. */
export interface BookComparisonBlock {
  kind: "book";
  title?: string;
  rows: { label: string; book: string; ours: string; note?: string }[];
}

/** A line chart (temperature over time, latency over load …). */
export interface ChartBlock {
  kind: "chart";
  title?: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; points: [number, number][] }[];
  /** Horizontal reference lines, e.g. the desired temperature. */
  hlines?: { name: string; y: number }[];
  /** Shaded x-ranges, e.g. when the heater was on. */
  spans?: { name: string; from: number; to: number }[];
}

/** A per-worker timeline: a row per worker, time across (the book's Figure 3-1, live). */
export interface TimelineBlock {
  kind: "timeline";
  title?: string;
  /** Time unit of `from`/`to`. */
  unit: "ms" | "us";
  workers: string[];
  spans: { worker: number; from: number; to: number; label: string }[];
}

/** One actor (or task) in a supervision tree, with what happened to it. */
export interface TreeNode {
  label: string;
  /** What happened to it, shown after the label ("↻ 2 restarts"). */
  note?: string;
  children?: TreeNode[];
}

/** A tree drawn with box-drawing lines: the actor hierarchy of the book's Figure 8-2, from what ran. */
export interface TreeBlock {
  kind: "tree";
  title?: string;
  root: TreeNode;
  /** What the marks in the notes mean ("↻ = restarted"). */
  legend?: string[];
}

export type Block = TableBlock | TextBlock | NoticeBlock | BookComparisonBlock | ChartBlock | TimelineBlock | TreeBlock;

/** What one experiment returns. */
export interface ExperimentResult {
  blocks: Block[];
  /** Chrome trace-event JSON for `--trace FILE`, when the experiment recorded one. */
  trace?: unknown;
}

export interface Experiment {
  /** Short id used on the command line: `lab ch2 coffee`. */
  id: string;
  /** The book's experiment number(s), e.g. "E2.1". */
  book?: string;
  title: string;
  /** One line for `lab list`. */
  summary: string;
  /** Run by default with the chapter (false for servers / interactive modes). */
  default?: boolean;
  /**
   * True when the experiment runs on the driver `--driver` picks (`LabOptions.driver`).
   * The CLI names the driver in the footer only for these, and refuses `--driver` for
   * a run where none of the experiments reads it.
   */
  usesDriver?: boolean;
  /**
   * True when the experiment's result carries a `trace`. The CLI refuses `--trace` for
   * a run where none does, before running it, rather than after a run that wrote nothing.
   */
  recordsTrace?: boolean;
  run(options: LabOptions): Promise<ExperimentResult>;
}

/** A chapter-specific command-line option (`--port <n>`, `--interactive`). */
export interface ChapterOption {
  flags: string;
  description: string;
  default?: string | boolean;
}

export interface Chapter {
  /** `ch1` … `ch9`. */
  id: string;
  title: string;
  experiments: Experiment[];
  options?: ChapterOption[];
}

/**
 * Bad input from the person at the keyboard (an unknown workload, a negative
 * count). The CLI prints its message as one line and exits 2 — no stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
