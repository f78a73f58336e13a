/**
 * TimelineBlock → one row per worker, time across: each cell shows the label of
 * the span that covered most of it (first character), `·` when the worker idled.
 * The book's Figure 3-1, drawn from what actually ran.
 */
import chalk from "chalk";
import type { TimelineBlock } from "../../src/labs/types.js";
import { formatNumber } from "./format.js";

const WIDTH = 64;
const COLOURS = [chalk.cyan, chalk.yellow, chalk.magenta, chalk.green, chalk.blue, chalk.red];

export function renderTimeline(block: TimelineBlock, width = WIDTH): string {
  const lines: string[] = [];
  if (block.title) lines.push(chalk.bold(block.title));
  if (block.spans.length === 0) return [...lines, "(nothing ran)"].join("\n");
  const start = Math.min(...block.spans.map((s) => s.from));
  const end = Math.max(...block.spans.map((s) => s.to));
  const cell = (end - start) / width || 1;
  const nameWidth = Math.max(...block.workers.map((w) => w.length));
  const labels = [...new Set(block.spans.map((s) => s.label))];
  block.workers.forEach((worker, w) => {
    const cover = Array.from({ length: width }, () => new Map<string, number>());
    for (const s of block.spans) {
      if (s.worker !== w) continue;
      const a = Math.max(0, Math.floor((s.from - start) / cell));
      const b = Math.min(width - 1, Math.floor((Math.max(s.to, s.from) - start) / cell));
      for (let c = a; c <= b; c++) {
        const lo = Math.max(s.from, start + c * cell);
        const hi = Math.min(s.to, start + (c + 1) * cell);
        const m = cover[c]!;
        m.set(s.label, (m.get(s.label) ?? 0) + Math.max(hi - lo, cell * 0.01));
      }
    }
    const cells = cover.map((m) => {
      if (m.size === 0) return chalk.dim("·");
      const [label] = [...m].sort((x, y) => y[1] - x[1])[0]!;
      const colour = COLOURS[labels.indexOf(label) % COLOURS.length]!;
      return colour(label.charAt(0));
    });
    lines.push(`${worker.padEnd(nameWidth)} │${cells.join("")}│`);
  });
  const gap = Math.max(1, width - formatNumber(start).length - formatNumber(end).length);
  lines.push(`${" ".repeat(nameWidth)}  ${formatNumber(start)}${" ".repeat(gap)}${formatNumber(end)} ${block.unit}`);
  if (labels.length <= 12)
    lines.push(`${" ".repeat(nameWidth)}  ${labels.map((l) => `${l.charAt(0)}=${l}`).join("  ")}`);
  return lines.join("\n");
}
