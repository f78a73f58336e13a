/** ExperimentResult → text, block by block. The only place chapters' data becomes text. */
import chalk from "chalk";
import type { Block, Experiment, ExperimentResult } from "../../src/labs/types.js";
import { renderChart } from "./chart.js";
import { renderTable } from "./table.js";
import { renderTimeline } from "./timeline.js";
import { renderTree } from "./tree.js";

export function renderBlock(block: Block): string {
  switch (block.kind) {
    case "table":
      return renderTable(block);
    case "text":
      return (block.title ? chalk.bold(block.title) + "\n" : "") + block.lines.map((l) => "  " + l).join("\n");
    case "notice":
      return block.lines.map((l) => chalk.yellow("▸ ") + l).join("\n");
    case "book":
      return renderTable({
        kind: "table",
        title: block.title ?? "The book's figure beside ours",
        columns: [{ header: "" }, { header: "book" }, { header: "ours" }, { header: "note" }],
        rows: block.rows.map((r) => [r.label, r.book, r.ours, r.note ?? ""]),
      });
    case "chart":
      return renderChart(block);
    case "timeline":
      return renderTimeline(block);
    case "tree":
      return renderTree(block);
    default: {
      const never: never = block;
      throw new Error(`unknown block kind ${JSON.stringify(never)}`);
    }
  }
}

export function renderExperiment(experiment: Experiment, result: ExperimentResult): string {
  const heading = `${experiment.book ? chalk.dim(`[${experiment.book}] `) : ""}${chalk.bold.underline(experiment.title)}`;
  return [heading, ...result.blocks.map(renderBlock)].join("\n\n");
}
