/**
 * ExperimentResult → text, block by block, no line wider than `width`. The only place
 * chapters' data becomes text.
 */
import chalk from "chalk";
import type { Block, Experiment, ExperimentResult } from "../../src/labs/types.js";
import { renderChart } from "./chart.js";
import { renderTable } from "./table.js";
import { renderTimeline } from "./timeline.js";
import { renderTree } from "./tree.js";
import { DEFAULT_WIDTH, wrapLine, wrapText } from "./width.js";

/** Widest plot area of charts and timelines; narrower terminals get narrower plots. */
const PLOT_WIDTH = 64;
/** Room a chart or timeline needs beside its plot: axis labels, borders, worker names. */
const PLOT_MARGIN = 16;

export function renderBlock(block: Block, width = DEFAULT_WIDTH): string {
  const plot = Math.max(16, Math.min(PLOT_WIDTH, width - PLOT_MARGIN));
  switch (block.kind) {
    case "table":
      return renderTable(block, width);
    case "text":
      return [
        ...(block.title ? wrapLine(chalk.bold(block.title), width) : []),
        ...block.lines.flatMap((l) => wrapLine("  " + l, width, "    ")),
      ].join("\n");
    case "notice":
      return block.lines.flatMap((l) => wrapLine(chalk.yellow("▸ ") + l, width, "  ")).join("\n");
    case "book": {
      const hasNotes = block.rows.some((r) => r.note !== undefined && r.note !== "");
      return renderTable(
        {
          kind: "table",
          title: block.title ?? "The book's figure beside ours",
          // A note column nobody filled is not printed: it would only narrow the others.
          columns: [{ header: "" }, { header: "book" }, { header: "ours" }, ...(hasNotes ? [{ header: "note" }] : [])],
          rows: block.rows.map((r) => [r.label, r.book, r.ours, ...(hasNotes ? [r.note ?? ""] : [])]),
        },
        width,
      );
    }
    case "chart":
      return wrapText(renderChart(block, plot), width, "  ");
    case "timeline":
      return wrapText(renderTimeline(block, plot), width, "  ");
    case "tree":
      return wrapText(renderTree(block), width, "  ");
    default: {
      const never: never = block;
      throw new Error(`unknown block kind ${JSON.stringify(never)}`);
    }
  }
}

/** The heading line of an experiment's section. */
export function renderHeading(experiment: Experiment, width = DEFAULT_WIDTH): string {
  const book = experiment.book ? chalk.dim(`[${experiment.book}] `) : "";
  const heading = book + chalk.bold.underline(experiment.title);
  return wrapLine(heading, width).join("\n");
}

export function renderBlocks(result: ExperimentResult, width = DEFAULT_WIDTH): string {
  return result.blocks.map((b) => renderBlock(b, width)).join("\n\n");
}

export function renderExperiment(experiment: Experiment, result: ExperimentResult, width = DEFAULT_WIDTH): string {
  return [renderHeading(experiment, width), ...result.blocks.map((b) => renderBlock(b, width))].join("\n\n");
}
