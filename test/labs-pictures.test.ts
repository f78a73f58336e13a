/**
 * The pictures where the book has a figure: each is present in its chapter's output,
 * named after the book's figure where it reproduces one, and has the rows and legend
 * (span labels) that make it readable. Rendering is checked through the CLI renderer.
 */
import { describe, expect, it } from "vitest";
import { renderBlock } from "../bin/render/report.js";
import { ch1 } from "../src/labs/ch1/index.js";
import { ch2 } from "../src/labs/ch2/index.js";
import type { Block, LabOptions, TimelineBlock } from "../src/labs/types.js";

const options = (timeScale = 0.01): LabOptions => ({
  seed: 1,
  timeScale,
  driver: "sim",
  extra: {},
  log: () => {},
  signal: new AbortController().signal,
});
const timelines = (blocks: Block[]) => blocks.filter((b): b is TimelineBlock => b.kind === "timeline");
const run = async (chapter: typeof ch1, id: string, opts = options()) =>
  (await chapter.experiments.find((e) => e.id === id)!.run(opts)).blocks;

describe("timelines", () => {
  it("E1.2–E1.4 draws the book's Figure 1-1: four requests in turn, four joined", async () => {
    const [t] = timelines(await run(ch1, "http"));
    expect(t!.title).toMatch(/^Figure 1-1 \(book\)/);
    expect(t!.workers.filter((w) => w.startsWith("awaited in turn"))).toHaveLength(4);
    expect(t!.workers.filter((w) => w.startsWith("joined"))).toHaveLength(4);
    // In turn, each request starts after the previous one ended; joined, all start before any ends.
    const seq = t!.spans.slice(0, 4);
    for (let i = 1; i < 4; i++) expect(seq[i]!.from).toBeGreaterThanOrEqual(seq[i - 1]!.to);
    const joined = t!.spans.slice(4);
    expect(Math.max(...joined.map((s) => s.from))).toBeLessThan(Math.min(...joined.map((s) => s.to)));
    expect(renderBlock(t!)).toMatch(/w=waiting for the response/);
  });

  it("E1.12 draws each future of both runs; joined, the login ends before the fetch", async () => {
    const [t] = timelines(await run(ch1, "out-of-order"));
    expect(t!.title).toMatch(/E1\.12/);
    expect(t!.workers).toEqual([
      "joined: calculate_last_login()",
      "joined: fetch_data(5)",
      "awaited in turn: calculate_last_login()",
      "awaited in turn: fetch_data(5)",
    ]);
    const [login, fetch, login2, fetch2] = t!.spans;
    expect(login!.to).toBeLessThan(fetch!.to);
    expect(login2!.from).toBeGreaterThanOrEqual(fetch2!.to);
    const text = renderBlock(t!);
    expect(text).toMatch(/l=login \(1 s\)/);
    expect(text).toMatch(/f=fetch \(5 s\)/);
  });

  it("E2.1 draws both joined runs per future, with blocking and waiting in the legend", async () => {
    const blocks = await run(ch2, "coffee", options(0.002));
    const ts = timelines(blocks);
    expect(ts).toHaveLength(2);
    for (const t of ts) expect(t.workers).toEqual(["mug future", "coffee future", "toast future"]);
    const text = renderBlock(ts[0]!);
    expect(text).toMatch(/b=blocking: the thread is held/);
    expect(text).toMatch(/w=waiting: a timer will wake it/);
    // Mug first (24 s run): kettle and toaster start waiting only after the mug's blocking ends.
    const [first, second] = ts;
    const mugEnd = Math.max(...first!.spans.filter((s) => s.worker === 0).map((s) => s.to));
    const kettle = first!.spans.find((s) => s.worker === 1 && s.label.startsWith("waiting"))!;
    expect(kettle.from).toBeGreaterThanOrEqual(mugEnd);
    // Early yield (18 s run): the kettle is already waiting while the mug blocks.
    const mugBlock = second!.spans.find((s) => s.worker === 0 && s.label.startsWith("blocking"))!;
    const kettle2 = second!.spans.find((s) => s.worker === 1 && s.label.startsWith("waiting"))!;
    expect(kettle2.from).toBeLessThan(mugBlock.from);
  });
});

describe("actor tree", () => {
  it("E8.6 draws Figure 8-2 from the run: router → key-value → writer, supervisor, restarts marked", async () => {
    const { ch8 } = await import("../src/labs/ch8/index.js");
    const blocks = await run(ch8 as typeof ch1, "heartbeat");
    const tree = blocks.find((b) => b.kind === "tree");
    expect(tree).toBeDefined();
    if (tree?.kind !== "tree") throw new Error("no tree");
    expect(tree.title).toMatch(/^Figures 8-2 and 8-3 \(book\)/);
    expect(tree.root.label).toBe("router");
    const [kv, supervisor] = tree.root.children!;
    expect(kv!.label).toBe("key-value actor");
    expect(kv!.note).toMatch(/↻ 2 restarts \(1 manual, 1 by the supervisor\): 3 instances/);
    expect(kv!.children![0]!.label).toBe("writer actor");
    expect(supervisor!.label).toBe("heartbeat supervisor");
    const text = renderBlock(tree);
    expect(text).toMatch(/├─ key-value actor/);
    expect(text).toMatch(/│ {2}└─ writer actor/);
    expect(text).toMatch(/└─ heartbeat supervisor/);
    expect(text).toMatch(/↻ = replaced by a new instance \(a restart\)/);
  });

  it("E8.6 collapses the repeated writer-instance lines into a count and says so", async () => {
    const { ch8 } = await import("../src/labs/ch8/index.js");
    const blocks = await run(ch8 as typeof ch1, "heartbeat");
    const part1 = blocks.find((b) => b.kind === "text")!;
    if (part1.kind !== "text") throw new Error("no text");
    expect(part1.title).toMatch(/collapsed/);
    const writer = part1.lines.filter((l) => l.startsWith("writer instance"));
    expect(writer).toHaveLength(1);
    expect(writer[0]).toMatch(/\(×\d+, collapsed\)$/);
  });
});

describe("book figures named", () => {
  it("E3.5's stealing timeline is named after the book's Figure 3-2", async () => {
    const { ch3 } = await import("../src/labs/ch3/index.js");
    const blocks = await run(ch3 as typeof ch1, "stealing");
    expect(timelines(blocks).some((t) => /^Figure 3-2 \(book\): task stealing/.test(t.title ?? ""))).toBe(true);
  });
});
