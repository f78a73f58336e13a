/**
 * TreeBlock → an indented tree with box-drawing lines, one node per line:
 *
 *   router
 *   ├─ key-value actor  ↻ 2 restarts
 *   │  └─ writer actor
 *   └─ heartbeat supervisor
 *
 * Invariant: a node's children are drawn directly under it, each prefixed by its
 * ancestors' continuation bars, so depth is readable at any width.
 */
import chalk from "chalk";
import type { TreeBlock, TreeNode } from "../../src/labs/types.js";

function lines(node: TreeNode, prefix: string, last: boolean, root: boolean): string[] {
  const branch = root ? "" : last ? "└─ " : "├─ ";
  const head = `${prefix}${branch}${chalk.bold(node.label)}${node.note ? "  " + chalk.yellow(node.note) : ""}`;
  const childPrefix = root ? "" : prefix + (last ? "   " : "│  ");
  const children = node.children ?? [];
  return [head, ...children.flatMap((c, i) => lines(c, childPrefix, i === children.length - 1, false))];
}

export function renderTree(block: TreeBlock): string {
  const out: string[] = [];
  if (block.title) out.push(chalk.bold(block.title));
  out.push(...lines(block.root, "", true, true).map((l) => "  " + l));
  if (block.legend && block.legend.length > 0) out.push("  " + chalk.dim(block.legend.join("  ")));
  return out.join("\n");
}
