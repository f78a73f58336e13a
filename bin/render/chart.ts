/**
 * ChartBlock → a text line chart. Each series gets a glyph; horizontal reference
 * lines are dotted; spans (e.g. "heater on") are drawn as a bar under the x axis.
 */
import chalk from "chalk";
import type { ChartBlock } from "../../src/labs/types.js";
import { formatNumber } from "./format.js";

const GLYPHS = ["●", "◆", "▲", "■", "○", "◇"];
const WIDTH = 64;
const HEIGHT = 14;

export function renderChart(block: ChartBlock, width = WIDTH, height = HEIGHT): string {
  const points = block.series.flatMap((s) => s.points);
  if (points.length === 0) return (block.title ? block.title + "\n" : "") + "(no data)";
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]).concat((block.hlines ?? []).map((h) => h.y));
  const xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  if (xMax === xMin) xMax = xMin + 1;
  if (yMax === yMin) {
    yMax += 0.5;
    yMin -= 0.5;
  }
  const grid: string[][] = Array.from({ length: height }, () => new Array<string>(width).fill(" "));
  const col = (x: number): number =>
    Math.min(width - 1, Math.max(0, Math.round(((x - xMin) / (xMax - xMin)) * (width - 1))));
  const row = (y: number): number =>
    Math.min(height - 1, Math.max(0, Math.round(((yMax - y) / (yMax - yMin)) * (height - 1))));
  for (const h of block.hlines ?? []) {
    const r = row(h.y);
    for (let c = 0; c < width; c++) if (grid[r]![c] === " ") grid[r]![c] = chalk.dim("┄");
  }
  block.series.forEach((s, i) => {
    const glyph = GLYPHS[i % GLYPHS.length]!;
    for (const [x, y] of s.points) grid[row(y)]![col(x)] = glyph;
  });
  const yLabelWidth = Math.max(formatNumber(yMax).length, formatNumber(yMin).length);
  const lines: string[] = [];
  if (block.title) lines.push(chalk.bold(block.title));
  grid.forEach((cells, r) => {
    const label = r === 0 ? formatNumber(yMax) : r === height - 1 ? formatNumber(yMin) : "";
    lines.push(`${label.padStart(yLabelWidth)} ┤${cells.join("")}`);
  });
  lines.push(`${" ".repeat(yLabelWidth)} └${"─".repeat(width)}`);
  for (const name of new Set((block.spans ?? []).map((s) => s.name))) {
    const bar = new Array<string>(width).fill(" ");
    for (const s of (block.spans ?? []).filter((sp) => sp.name === name)) {
      for (let c = col(s.from); c <= col(s.to); c++) bar[c] = "▀";
    }
    lines.push(`${name.slice(0, yLabelWidth).padStart(yLabelWidth)}  ${bar.join("")}`);
  }
  const xAxis = `${formatNumber(xMin)}`.padEnd(width - `${formatNumber(xMax)}`.length) + formatNumber(xMax);
  lines.push(`${" ".repeat(yLabelWidth)}  ${xAxis}  ${block.xLabel}`);
  const legend = block.series.map((s, i) => `${GLYPHS[i % GLYPHS.length]} ${s.name}`);
  for (const h of block.hlines ?? []) legend.push(`┄ ${h.name} (${formatNumber(h.y)})`);
  lines.push(`${" ".repeat(yLabelWidth)}  ${block.yLabel}: ${legend.join("   ")}`);
  return lines.join("\n");
}
