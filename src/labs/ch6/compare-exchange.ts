/** E6.2: compareExchange on an atomic cell — the book's Ok/Err printout. */
import { AtomicCell } from "../../index.js";
import type { ExperimentResult } from "../types.js";

export async function compareExchange(): Promise<ExperimentResult> {
  const c = new AtomicCell(5);
  const fmt = (r: ReturnType<AtomicCell["compareExchange"]>) => (r.ok ? `Ok(${r.previous})` : `Err(${r.actual})`);
  const lines = [
    `compare_exchange(5, 10) = ${fmt(c.compareExchange(5, 10))}`,
    `load() = ${c.load()}`,
    `compare_exchange(6, 12) = ${fmt(c.compareExchange(6, 12))}`,
    `load() = ${c.load()}`,
  ];
  return {
    blocks: [
      { kind: "text", title: "Atomics.compareExchange on a SharedArrayBuffer (E6.2)", lines },
      {
        kind: "book",
        rows: [
          { label: "results", book: "Ok(5), 10, Err(10), 10", ours: lines.map((l) => l.split("= ")[1]).join(", ") },
        ],
      },
    ],
  };
}
