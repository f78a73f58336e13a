/**
 * The book's experiments reproduced faithfully: each printout's shape, and the relation it
 * teaches — orders, counts, which is larger — never a wall-clock value.
 */
import { describe, expect, it } from "vitest";
import { ch2 } from "../src/labs/ch2/index.js";
import { collapseErrors } from "../src/labs/ch2/audit-logger.js";
import { ch3 } from "../src/labs/ch3/index.js";
import type { Block, LabOptions, TableBlock, TextBlock } from "../src/labs/types.js";

const options = (over: Partial<LabOptions> = {}): LabOptions => ({
  seed: 1,
  timeScale: 0.01,
  driver: "sim",
  extra: {},
  log: () => {},
  signal: new AbortController().signal,
  ...over,
});
const find = (
  chapter: { experiments: { id: string; run: (o: LabOptions) => Promise<{ blocks: Block[] }> }[] },
  id: string,
) => chapter.experiments.find((e) => e.id === id)!;
const texts = (blocks: Block[]) => blocks.filter((b): b is TextBlock => b.kind === "text");
const tables = (blocks: Block[]) => blocks.filter((b): b is TableBlock => b.kind === "table");
const strip = (line: string) => line.replace(/^\[[^\]]*\] /, "");

describe("E2.1 coffee and toast", () => {
  it("prints the 24 s run (mug first) and then the 18 s run (kettle and toaster first)", async () => {
    const { blocks } = await find(ch2, "coffee").run(options({ timeScale: 0.002 }));
    const [joined, early] = texts(blocks);
    expect(joined!.title).toMatch(/24 s run/);
    expect(early!.title).toMatch(/18 s run/);
    expect(joined!.lines.map(strip).slice(0, 3)).toEqual([
      "Pouring milk...",
      "Milk poured.",
      "Putting instant coffee...",
    ]);
    expect(early!.lines.map(strip).slice(0, 3)).toEqual([
      "boiling kettle...",
      "putting bread in toaster...",
      "Pouring milk...",
    ]);
    const [row24, row18] = tables(blocks)[0]!.rows.slice(1);
    expect(row24![1]).toBe(24);
    expect(row18![1]).toBe(18);
  });
});

describe("E2.8 audit logger", () => {
  it("collapses consecutive retry lines into one counted line and keeps the rest", () => {
    const lines = [
      "error for two : try_lock failed",
      "error for three : try_lock failed",
      "written for: one",
      "error for six : try_lock failed",
      "written for: six",
    ];
    expect(collapseErrors(lines)).toEqual([
      "error for two, three : try_lock failed   (×2 lines collapsed)",
      "written for: one",
      "error for six : try_lock failed",
      "written for: six",
    ]);
  });
  it("says in its title what it collapsed", async () => {
    const { blocks } = await find(ch2, "audit-logger").run(options());
    expect(texts(blocks)[0]!.title).toMatch(/collapsed/);
    for (const line of texts(blocks)[0]!.lines)
      expect(line).not.toMatch(/^error for \S+ : try_lock failed$\n^error for/m);
  });
});

describe("E3.2 AsyncSleep", () => {
  it(
    "is listed, and both sleeps end no earlier than due; AsyncSleep needs " + "more polls, the timer sleep two",
    async () => {
      expect(ch3.experiments.map((e) => e.book)).toContain("E3.2");
      const { blocks } = await find(ch3, "async-sleep").run(options());
      const t = tables(blocks)[0]!;
      expect(t.title).toMatch(/\(virtual\)/);
      expect(t.rows).toHaveLength(6);
      for (let i = 0; i < t.rows.length; i += 2) {
        const [a, timer] = [t.rows[i]!, t.rows[i + 1]!];
        expect(a[1]).toBe("AsyncSleep (book)");
        expect(a[3] as number).toBeGreaterThanOrEqual(0);
        expect(timer[3] as number).toBeGreaterThanOrEqual(0);
        expect(timer[4]).toBe(2);
        expect(a[4] as number).toBeGreaterThan(2);
      }
      // More blockers ahead: a longer lap, so fewer AsyncSleep polls fit before the deadline.
      expect(t.rows[0]![4] as number).toBeGreaterThan(t.rows[4]![4] as number);
    },
  );
  it("under --driver live nothing says virtual", async () => {
    const { blocks } = await find(ch3, "async-sleep").run(options({ driver: "live", timeScale: 0.005 }));
    expect(JSON.stringify(blocks)).not.toMatch(/virtual/i);
  });
});

describe("E8.3 actors vs mutexes", () => {
  it(
    "spawns all then awaits all; a one-thread mutex never contends; the " + "cross-thread run counts every increment",
    async () => {
      const { ch8 } = await import("../src/labs/ch8/index.js");
      const { blocks } = await find(ch8, "vs-mutex").run(
        options({ extra: { increments: "3000", crossIncrements: "200" } }),
      );
      const [one, cross] = tables(blocks);
      expect(one!.title).toMatch(/spawned, then all awaited/);
      expect(one!.rows.map((r) => r[0])).toEqual([
        "actor (send + await the reply)",
        "async mutex",
        "async mutex, update spawned as a task",
      ]);
      expect(one!.rows[1]![3]).toBe(0);
      expect(one!.rows[2]![3]).toBe(0);
      expect(cross!.rows.map((r) => r[1])).toEqual([200, 10_000]);
      const notice = blocks.find((b) => b.kind === "notice")!;
      expect(JSON.stringify(notice)).toMatch(/of 3,000 locks, 0 found the mutex taken/);
    },
  );
  it("explains the ratios from the figures, whichever way they fall", async () => {
    const { vsMutexNotices } = await import("../src/labs/ch8/actors-vs-mutex.js");
    const cross = { mutexN: 1000, actorN: 100, mutexMs: 1, actorMs: 10, contended: 300 };
    const inverted = vsMutexNotices(
      { actorMs: 10, mutexMs: 2, spawnMs: 8, contended: { mutex: 0, spawn: 0 } },
      100,
      cross,
    );
    expect(inverted[0]).toMatch(/never contends/);
    expect(inverted[1]).toMatch(/inverse of the book's 1\.19×/);
    expect(inverted[2]).toMatch(/300 of 1,000 locks \(30\.0%\)/);
    const bookWay = vsMutexNotices({ actorMs: 10, mutexMs: 12, spawnMs: 17, contended: { mutex: 40, spawn: 0 } }, 100, {
      ...cross,
      mutexMs: 200,
    });
    expect(bookWay[0]).toMatch(/40 of 100 locks found the mutex taken/);
    expect(bookWay[1]).toMatch(/the book's direction/);
    expect(bookWay[2]).toMatch(/the book's direction/);
  });
});

describe("collapseRepeats", () => {
  it("merges only identical consecutive lines, and counts them", async () => {
    const { collapseRepeats } = await import("../src/labs/collapse.js");
    expect(collapseRepeats(["a", "a", "b", "a", "c", "c", "c"])).toEqual(["a", "a", "b", "a", "c   (×3, collapsed)"]);
    expect(collapseRepeats(["a", "a"], "why", 2)).toEqual(["a   (×2, why)"]);
    expect(collapseRepeats([])).toEqual([]);
  });
});

describe("E3.7 try-join, the book's way", () => {
  it("returns one result per task beside ours, which stops at the first error", async () => {
    const { blocks } = await find(ch3, "join").run(options());
    const lines = texts(blocks)[0]!.lines;
    expect(lines.find((l) => l.startsWith("tryJoin(x, y)"))).toMatch(/→ error: .*y failed/);
    expect(lines.find((l) => l.startsWith("join(settle(x), settle(y))"))).toMatch(
      /→ \[Ok\("x \(3 s\)"\), Err\(".*y failed"\)\]/,
    );
    expect(JSON.stringify(blocks)).toMatch(/1 Ok and 1 Err/);
  });
  it("SettleFuture turns a throw into Err and a value into Ok", async () => {
    const { SettleFuture } = await import("../src/labs/ch3/join.js");
    const { noopWaker } = await import("../src/index.js");
    const cx = { waker: noopWaker };
    expect(new SettleFuture({ poll: () => 7 }).poll(cx)).toEqual({ ok: true, value: 7 });
    expect(
      new SettleFuture({
        poll: () => {
          throw new Error("boom");
        },
      }).poll(cx),
    ).toEqual({ ok: false, error: "boom" });
  });
});

describe("E3.5 lazy queues", () => {
  it("behind --lazy-queues: high loops that never start never steal; one empty high task starts them", async () => {
    const plain = await find(ch3, "stealing").run(options());
    expect(JSON.stringify(plain.blocks)).not.toMatch(/lazy-queues/);
    const { blocks } = await find(ch3, "stealing").run(options({ extra: { lazyQueues: true } }));
    const lazy = tables(blocks).find((t) => t.title!.startsWith("--lazy-queues"))!;
    const [never, started] = lazy.rows;
    expect(never![3]).toBe(0);
    expect(started![3] as number).toBeGreaterThan(0);
    expect(started![1] as number).toBeLessThan(never![1] as number);
    expect(JSON.stringify(blocks)).toMatch(/The book's warning holds/);
  });
  it("the lazy sentence follows the figures", async () => {
    const { lazyNotice } = await import("../src/labs/ch3/stealing.js");
    expect(
      lazyNotice([
        [18, 0],
        [6, 12],
      ]),
    ).toMatch(/warning holds/);
    expect(
      lazyNotice([
        [6, 4],
        [6, 12],
      ]),
    ).toMatch(/not the book's warning/);
  });
});

describe("sim time is labelled virtual, live time is not", () => {
  it("ch3 tables and timelines say (virtual) under sim and never under live", async () => {
    const sim = await find(ch3, "more-workers").run(options());
    const simTable = tables(sim.blocks)[0]!;
    expect(simTable.columns.some((c) => /\(virtual\)/.test(c.header))).toBe(true);
    expect(sim.blocks.filter((b) => b.kind === "timeline").every((b) => /virtual/.test(b.title ?? ""))).toBe(true);
    const live = await find(ch3, "basic-queue").run(options({ driver: "live", timeScale: 0.002 }));
    expect(JSON.stringify(live.blocks)).not.toMatch(/virtual/i);
  });
});

describe("E9.3 decorator", () => {
  it("the default run shows the logging-on output beside the book's, with one poll line as the book's", async () => {
    const { ch9 } = await import("../src/labs/ch9/index.js");
    const { blocks } = await find(ch9, "decorator").run(options());
    const on = texts(blocks).find((t) => t.title!.startsWith("logging on"))!;
    expect(on.lines).toEqual(["Polling the future!", "Result of async computation"]);
    const off = texts(blocks).find((t) => t.title!.startsWith("logging off"))!;
    expect(off.lines).toEqual(["Result of async computation"]);
    const book = blocks.find((b) => b.kind === "book")!;
    expect(JSON.stringify(book)).toMatch(/1 poll line, as the book's/);
  });
});

describe("E9.4 StateFuture", () => {
  it("polls only the current state's future, stays Pending, and follows each transition", async () => {
    const { ch9 } = await import("../src/labs/ch9/index.js");
    const { blocks } = await find(ch9, "state-machine").run(options());
    const t = tables(blocks)[0]!;
    expect(t.rows.map((r) => r[1])).toEqual(["On", "Off", "On"]);
    for (const r of t.rows) {
      const [on, off] = [r[2] as number, r[3] as number];
      if (r[1] === "On") expect([on > 0, off]).toEqual([true, 0]);
      else expect([on, off > 0]).toEqual([0, true]);
    }
  });
  it("StateFuture never completes and wakes itself on every poll", async () => {
    const { StateFuture, Ticker } = await import("../src/labs/ch9/state-future.js");
    const { PENDING } = await import("../src/index.js");
    let wakes = 0;
    const cx = { waker: { wake: () => void wakes++, wakeByRef: () => void wakes++ } } as never;
    const cell = { state: "Off" as "On" | "Off" };
    const [onT, offT] = [new Ticker(), new Ticker()];
    const sf = new StateFuture(cell, onT, offT);
    expect(sf.poll(cx)).toBe(PENDING);
    cell.state = "On";
    expect(sf.poll(cx)).toBe(PENDING);
    expect(sf.poll(cx)).toBe(PENDING);
    expect([onT.ticks, offT.ticks, wakes]).toEqual([2, 1, 3]);
  });
});

describe("E1.9 fibonacci on 1 vs 4 threads", () => {
  it("prints the book's 39.67 s / 42.60 s beside ours, and the same jobs on the one-thread runtime", async () => {
    const { ch1 } = await import("../src/labs/ch1/index.js");
    const { blocks } = await find(ch1, "fib-threads").run(options({ timeScale: 0.001 }));
    const t = tables(blocks)[0]!;
    expect(t.rows.map((r) => r[1])).toEqual([39.665599542, 42.601305333, null]);
    expect(t.rows[2]![0]).toMatch(/futures on one thread/);
    // Four jobs on one thread do four times the work of one.
    expect(t.rows[2]![2] as number).toBeGreaterThan(t.rows[0]![2] as number);
    expect(JSON.stringify(blocks.find((b) => b.kind === "book"))).toMatch(/42\.601305333s/);
  });
  it("its sentences follow the figures and the core count", async () => {
    const { fibNotices } = await import("../src/labs/ch1/fib-threads.js");
    const ok = fibNotices({ oneMs: 100, threadsMs: 210, asyncMs: 400, cores: 2 });
    expect(ok[0]).toMatch(/2\.10× one job's time: with 2 cores, each core runs 2 of the 4 jobs/);
    expect(ok[1]).toMatch(/one after another/);
    const fourCores = fibNotices({ oneMs: 100, threadsMs: 107, asyncMs: 400, cores: 8 });
    expect(fourCores[0]).toMatch(/1\.07×/);
    expect(fourCores[0]).not.toMatch(/too busy/);
    const busy = fibNotices({ oneMs: 100, threadsMs: 390, asyncMs: 150, cores: 2 });
    expect(busy[0]).toMatch(/should give about 2×: the machine was too busy/);
    expect(busy[1]).toMatch(/not the ~4×/);
  });
});

describe("E7.5 ctrl-c", () => {
  it(
    "real SIGINTs: the loop handles three and exits; blocked before its " +
      "handler the child dies without cleanup; handler first, it waits and " +
      "runs",
    async () => {
      const { ch7 } = await import("../src/labs/ch7/index.js");
      const { blocks } = await find(ch7, "ctrl-c").run(options());
      const t = tables(blocks)[0]!;
      expect(t.rows).toEqual([
        ["the book's loop", 3, 3, true, "exit 0"],
        ["blocked before the handler", 1, 0, false, "killed by SIGINT"],
        ["handler first, then blocked", 3, 3, true, "exit 0"],
      ]);
      const fixed = texts(blocks)[2]!.lines;
      expect(fixed.indexOf("ctrl-c received!")).toBeGreaterThan(fixed.indexOf("main thread free again"));
    },
  );
  it("its sentences follow how the children ended", async () => {
    const { ctrlCNotices } = await import("../src/labs/ch7/ctrl-c.js");
    expect(ctrlCNotices("SIGINT", ["main thread free again", "ctrl-c received!"])[0]).toMatch(/the book's pitfall/);
    const other = ctrlCNotices(null, ["ctrl-c received!", "main thread free again"]);
    expect(other[0]).toMatch(/was not killed/);
    expect(other[1]).toMatch(/did not come after the block/);
  });
  it("the shutdown experiment interrupts itself with a real SIGINT by default", async () => {
    const { ch7 } = await import("../src/labs/ch7/index.js");
    const before = process.listeners("SIGINT").length;
    const { blocks } = await find(ch7, "shutdown").run(options());
    expect(texts(blocks)[0]!.lines.join("\n")).toMatch(/SIGINT \(sent by the lab to itself halfway/);
    expect(process.listeners("SIGINT").length).toBe(before);
  });
});

describe("virtual time is labelled in ch6, ch9 and compare", () => {
  it("sim-time tables and charts say virtual", async () => {
    const { ch9 } = await import("../src/labs/ch9/index.js");
    const retry = await find(ch9, "retry").run(options());
    expect(
      tables(retry.blocks)[0]!
        .columns.filter((c) => /^(at|waited)\b/.test(c.header))
        .every((c) => /\(virtual\)/.test(c.header)),
    ).toBe(true);
    const { compare } = await import("../src/labs/compare.js");
    const sim = await compare.experiments[0]!.run(options({ extra: { tasks: "200" } }));
    const t = tables(sim.blocks)[0]!;
    expect(t.columns.find((c) => c.header.startsWith("makespan"))!.header).toBe("makespan (virtual)");
    const live = await compare.experiments[0]!.run(options({ driver: "live", extra: { tasks: "50" } }));
    expect(tables(live.blocks)[0]!.columns.some((c) => /virtual/.test(c.header))).toBe(false);
  });
});
