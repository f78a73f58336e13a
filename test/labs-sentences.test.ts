/**
 * Every "what to notice" sentence that states a comparison is computed from the figures
 * it describes. Each builder is fed figures that show the effect and figures that do
 * not (a busy machine, a run that went the other way), and the sentence must follow.
 */
import { describe, expect, it } from "vitest";
import { direction, speedWords } from "../src/labs/claims.js";
import { stressNotice } from "../src/labs/ch1/stress.js";
import { tenTasksNotices } from "../src/labs/ch1/ten-tasks-report.js";
import { httpNotices } from "../src/labs/ch1/http-requests.js";
import { outOfOrderNotices, type OutOfOrderRun } from "../src/labs/ch1/out-of-order.js";
import { coffeeNotices } from "../src/labs/ch2/coffee.js";
import { asyncSleepNotices } from "../src/labs/ch3/async-sleep.js";
import { workerCountNotice } from "../src/labs/ch7/notices.js";

describe("claims", () => {
  it("direction has a dead band around 1 and never calls NaN a change", () => {
    expect(direction(1.5)).toBe("more");
    expect(direction(0.5)).toBe("less");
    expect(direction(1.05)).toBe("same");
    expect(direction(Number.NaN)).toBe("same");
    expect(speedWords(2)).toBe("2.00× faster");
    expect(speedWords(0.5)).toBe("2.00× slower");
    expect(speedWords(1.02)).toMatch(/^about as fast/);
  });
});

describe("ch1 stress (E1.1)", () => {
  it("claims idle → saturated only when the windows show it", () => {
    expect(stressNotice(7, 99.5)).toMatch(/went from 7% to 100% busy/);
    // The adverse run the issue found: the "idle" window was already 99 % busy.
    const busy = stressNotice(99, 100);
    expect(busy).toMatch(/already 99% busy/);
    expect(busy).not.toMatch(/went from/);
    expect(stressNotice(10, 60)).toMatch(/short of saturated/);
  });
});

describe("ch1 ten tasks (E1.5, E1.6)", () => {
  const good = {
    sleep: { sequential: 1, processes: 1.9, threads: 1.95, async: 9.5 },
    cpu: { sequential: 1, processes: 1.8, threads: 1.9, async: 1.0 },
  };
  it("says processes and threads help both only when all four rows show it", () => {
    const lines = tenTasksNotices(good, 2);
    expect(lines.join(" ")).toMatch(/Processes and threads helped both workloads/);
    expect(lines[0]).toMatch(/waiting needs no thread/);
    expect(lines[1]).toMatch(/one after another/);
  });
  it("with the figures the issue found (0.41–0.97×) it says they did not help", () => {
    const adverse = {
      sleep: { ...good.sleep, processes: 0.41, threads: 0.97 },
      cpu: { ...good.cpu, processes: 0.6, threads: 0.9 },
    };
    const text = tenTasksNotices(adverse, 2).join(" ");
    expect(text).not.toMatch(/helped both/);
    expect(text).toMatch(/should help both workloads, but here/);
    expect(text).toMatch(/2\.44× slower/);
    expect(text).toMatch(/too busy/);
  });
  it("an async sleep run that did not overlap is reported, not praised", () => {
    const text = tenTasksNotices({ ...good, sleep: { ...good.sleep, async: 1.2 } }, 2)[0]!;
    expect(text).not.toMatch(/waiting needs no thread/);
    expect(text).toMatch(/far from/);
  });
});

describe("ch1 http (E1.2–E1.4)", () => {
  it("follows the measured multiples of one request and the measured connections", () => {
    const ok = httpNotices({
      oneMs: 140,
      sequentialMs: 570,
      joinedMs: 145,
      connections: { one: 1, sequential: 1, joined: 4 },
    });
    expect(ok[0]).toMatch(/synchronous code with extra steps: 4\.1 ×/);
    expect(ok[1]).toMatch(/waited at the same time/);
    expect(ok[2]).toContain(
      "1 for the requests awaited in turn (one keep-alive connection reused), 4 for the joined ones (one per request",
    );
    const bad = httpNotices({
      oneMs: 140,
      sequentialMs: 300,
      joinedMs: 400,
      connections: { one: 1, sequential: 4, joined: 2 },
    });
    expect(bad[0]).toMatch(/not the ~4× expected/);
    expect(bad[1]).toMatch(/overlapped less than they could/);
    expect(bad[2]).toMatch(
      /4 for the requests awaited in turn \(not reused\), 2 for the joined ones \(fewer than the requests\)/,
    );
  });
});

describe("ch1 out-of-order (E1.12)", () => {
  const run = (first: string, joinedMs: number, inTurnMs: number): OutOfOrderRun => ({
    bookSecondMs: 10,
    runs: [
      {
        how: "joined",
        totalMs: joinedMs,
        spans: [],
        lines: [
          { at: 10, line: first },
          { at: 50, line: "Fetched …" },
        ],
      },
      { how: "awaited in turn", totalMs: inTurnMs, spans: [], lines: [] },
    ],
  });
  it("claims out-of-order completion and overlap only when the printout and totals show them", () => {
    const ok = outOfOrderNotices(run("Logged in 2 days ago", 51, 61));
    expect(ok[0]).toMatch(/login line printed first/);
    expect(ok[1]).toMatch(/about the longer wait/);
    const bad = outOfOrderNotices(run("Fetched Ok(…)", 62, 61));
    expect(bad[0]).toMatch(/fetch_data's line printed first/);
    expect(bad[1]).toMatch(/not the expected/);
  });
});

describe("ch2 coffee (E2.1)", () => {
  it("computes the early yield's saving, and says when there was none", () => {
    expect(coffeeNotices(24.1, 18.2)[1]).toMatch(/24\.1 s → 18\.2 s, 5\.9 s saved/);
    expect(coffeeNotices(24, 23.5)[1]).toMatch(/too busy/);
    expect(coffeeNotices(24, 18)[0]).toMatch(/argument order/);
  });
});

describe("ch3 async-sleep (E3.2)", () => {
  it("reports overshoot and poll cost from the runs", () => {
    const ok = asyncSleepNotices([{ blockers: 2, asyncPolls: 6, timerPolls: 2, asyncLate: 0.4, timerLate: 0.4 }]);
    expect(ok[0]).toMatch(/overshot in 1 of 1 runs \(up to 0\.40 s\)/);
    expect(ok[1]).toMatch(/up to 6\), where the timer sleep is polled twice/);
    const none = asyncSleepNotices([{ blockers: 2, asyncPolls: 2, timerPolls: 2, asyncLate: 0, timerLate: 0 }]);
    expect(none[0]).toMatch(/never overshot/);
    expect(none[1]).toMatch(/did not need more polls/);
  });
});

describe("ch7 worker count (E7.1)", () => {
  it("claims a speed-up only when one was measured (the issue's 0.71×)", () => {
    const ok = workerCountNotice(
      [
        [1, 1],
        [2, 1.9],
        [4, 1.85],
      ],
      2,
    );
    expect(ok).toMatch(/2 workers ran 1\.90× faster than 1/);
    expect(ok).toMatch(/up to the 2 cores here more workers help/);
    const bad = workerCountNotice(
      [
        [1, 1],
        [2, 0.71],
        [4, 0.8],
      ],
      2,
    );
    expect(bad).toMatch(/2 workers ran 1\.41× slower than 1/);
    expect(bad).toMatch(/did not help even up to the 2 cores/);
    expect(bad).not.toMatch(/more workers help/);
    expect(
      workerCountNotice(
        [
          [1, 1],
          [2, 1.0],
        ],
        1,
      ),
    ).toMatch(/has 1 core, so extra workers can only share it/);
  });
});

describe("ch1 E1.6: which figure compares with the book's 1.99×", () => {
  it(
    "prints the in-children speed-up as the comparable one, and the " + "whole-program one with its start-up cost",
    async () => {
      const { tenTasksBlocks } = await import("../src/labs/ch1/ten-tasks-report.js");
      const variant = (
        kind: "sleep" | "cpu",
        v: "sequential" | "processes" | "threads" | "async",
        ms: number,
        extra = {},
      ) => ({ kind, variant: v, ms, units: ["u"], perUnit: [10], ...extra });
      const run = {
        taskMs: 50,
        work: { n: 22, reps: 50 },
        sequentialPrintout: [],
        load: 0.5,
        cores: 2,
        results: [
          variant("sleep", "sequential", 500),
          variant("sleep", "processes", 700, { workedMs: 252, lines: [] }),
          variant("sleep", "threads", 260),
          variant("sleep", "async", 55),
          variant("cpu", "sequential", 500),
          variant("cpu", "processes", 720, { workedMs: 260, lines: [] }),
          variant("cpu", "threads", 270),
          variant("cpu", "async", 500),
        ],
      };
      const blocks = tenTasksBlocks(run as never, { timeScale: 0.01 } as never);
      const book = blocks.find((b) => b.kind === "book");
      if (book?.kind !== "book") throw new Error("no book block");
      const inside = book.rows.find((r) => r.label === "speed-up, time inside the children")!;
      expect(inside.book).toBe("1.99×");
      expect(inside.ours).toBe("1.98×");
      expect(inside.note).toMatch(/compares with the book's/);
      const whole = book.rows.find((r) => r.label === "speed-up, whole program")!;
      expect(whole.ours).toBe("0.71×");
      expect(whole.note).toMatch(/starting Node twice \(448 ms\)/);
      const notice = blocks.find((b) => b.kind === "notice");
      expect(JSON.stringify(notice)).toMatch(/should help both workloads, but here/);
    },
  );
});

describe("ch2 / ch5 / ch9 comparisons", () => {
  it("E2.2, E5.5, E5.7 and E9.1 lines follow their figures", async () => {
    const { peopleNotice } = await import("../src/labs/ch2/people.js");
    expect(
      peopleNotice([
        [2, 28.2],
        [3, 42.1],
      ]),
    ).toMatch(/^So n people take about 14·n s/);
    expect(
      peopleNotice([
        [2, 40],
        [3, 60],
      ]),
    ).toMatch(/too busy/);
    const { sleepOverlapNotice } = await import("../src/labs/ch5/sleep-coroutines.js");
    expect(sleepOverlapNotice(1.02, 5000)).toMatch(/overlapped: three took 1\.02 ×/);
    expect(sleepOverlapNotice(2.9, 5000)).toMatch(/too busy/);
    const { randomControlNotice } = await import("../src/labs/ch5/random-control.js");
    expect(
      randomControlNotice([
        [5, 90],
        [7, 40],
        [9, 12],
      ]),
    ).toMatch(/the total is higher/);
    expect(
      randomControlNotice([
        [5, 10],
        [7, 40],
        [9, 12],
      ]),
    ).toMatch(/did not fall/);
    const { inFlightNotice } = await import("../src/labs/ch9/index.js");
    expect(
      inFlightNotice([
        [1, 1.1],
        [100, 1.4],
      ]),
    ).toMatch(/100 adds took 1\.40 × one sleep, not 100/);
    expect(
      inFlightNotice([
        [1, 1.1],
        [100, 80],
      ]),
    ).toMatch(/too busy/);
  });
});
