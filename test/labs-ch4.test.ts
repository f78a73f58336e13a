/**
 * `lab ch4` run through the lab API: the printouts the book shows and the figures
 * each table reports, asserted as values (no timings).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ch4 } from "../src/labs/ch4/index.js";
import {
  UsageError,
  type ExperimentResult,
  type LabOptions,
  type TableBlock,
  type TextBlock,
} from "../src/labs/types.js";

function options(
  extra: LabOptions["extra"] = {},
  signal = new AbortController().signal,
  log: (line: string) => void = () => {},
): LabOptions {
  return { seed: 1, timeScale: 0.01, driver: "sim", extra, log, signal };
}
function run(id: string, opts = options()): Promise<ExperimentResult> {
  return ch4.experiments.find((e) => e.id === id)!.run(opts);
}
const textOf = (r: ExperimentResult): string[] => (r.blocks.find((b) => b.kind === "text") as TextBlock).lines;
const tableOf = (r: ExperimentResult): TableBlock => r.blocks.find((b) => b.kind === "table") as TableBlock;
const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("lab ch4", () => {
  it(
    "E4.1: sleep() outside a runtime fails; fetch through the live " + "runtime's adapter and our client both get 200",
    async () => {
      const lines = textOf(await run("reactor"));
      expect(lines[0]).toMatch(/^sleep\(10\) polled outside any runtime → Error: /);
      expect(lines[2]).toMatch(/fromPromise wakes the task\) → status 200$/);
      expect(lines[3]).toMatch(/^HttpClient .* → status 200, \d+ bytes$/);
    },
  );

  it("E4.2: the page is printed, and the keep-alive request opens no new connection", async () => {
    const r = await run("fetch");
    const printed = textOf(r);
    // The book's main: one request, so one "sending request" (from the executor hook) and the page.
    expect(printed.filter((l) => l === "sending request").length).toBe(1);
    expect(printed.filter((l) => l.trim() === "<h1>Rust</h1>").length).toBe(1);
    const notice = r.blocks.find((b) => b.kind === "notice");
    expect(notice?.kind === "notice" && notice.lines[0]).toMatch(
      new RegExp(`^"sending request" was printed ${hasOpenssl ? 5 : 3} times`),
    );
    const rows = tableOf(r).rows;
    expect(rows.length).toBe(hasOpenssl ? 4 : 2);
    for (const row of rows) expect(row[2]).toBe(200);
    expect(rows.map((row) => [row[1], row[4]])).toEqual(
      rows.map((_, i) => [i % 2 === 0 ? "first" : "keep-alive", i % 2 === 0 ? 1 : 0]),
    );
    if (hasOpenssl) expect(String(rows[0]![0])).toMatch(/^https:\/\/localhost:\d+\/$/);
  });

  it("E4.3: the server's first read would block, then the client's message arrives", async () => {
    const r = await run("mio");
    expect(textOf(r)).toEqual([
      "Error reading from stream: Resource temporarily unavailable (os error 11: would block)",
      "outcome: that's so dingo!",
    ]);
    const [polls, wouldBlocks] = tableOf(r).rows[0] as number[];
    expect(wouldBlocks).toBeGreaterThanOrEqual(1);
    // Busy polling: besides the would-block reads, the polls that found nothing to accept, and the last one.
    expect(polls).toBeGreaterThan(wouldBlocks!);
  });

  it("accept loop: one connection task per client, every request answered", async () => {
    const [accepted, spawned, requests, malformed] = tableOf(await run("accept-loop")).rows[0]!;
    expect([accepted, spawned, requests, malformed]).toEqual([20, 20, 100, 0]);
  });

  it("serve keeps answering until aborted, then reports what it served", async () => {
    const controller = new AbortController();
    let announce!: (url: string) => void;
    const announced = new Promise<string>((resolve) => (announce = resolve));
    const lines: string[] = [];
    const done = run(
      "serve",
      options({ port: "0" }, controller.signal, (line) => {
        lines.push(line);
        const url = /serving on (http:\S+)/.exec(line)?.[1];
        if (url !== undefined) announce(url);
      }),
    );
    const url = await announced;
    const res = await fetch(`${url}hello`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>Rust</h1>");
    controller.abort();
    const [connections, requests, malformed] = tableOf(await done).rows[0]!;
    expect([requests, malformed]).toEqual([1, 0]);
    expect(connections).toBe(1);
    expect(lines).toContain("GET /hello");
  });

  it("serve rejects a bad --port as a usage error", async () => {
    await expect(run("serve", options({ port: "99999" }))).rejects.toBeInstanceOf(UsageError);
  });
});

describe("E4.1 / E4.2 faithful to the book's hyper set-up", () => {
  const opts = {
    seed: 1,
    timeScale: 0.01,
    driver: "sim" as const,
    extra: {},
    log: () => {},
    signal: new AbortController().signal,
  };
  it(
    "E4.1: Node's fetch cannot finish on a runtime that never yields to " + "Node's loop; the live runtime adapts it",
    async () => {
      const r = await ch4.experiments.find((e) => e.id === "reactor")!.run(opts);
      const text = r.blocks.find((b) => b.kind === "text");
      const lines = text?.kind === "text" ? text.lines : [];
      expect(lines[1]).toMatch(
        /^fetch\(\) on our virtual runtime .* → Error: virtual runtime: task not finished .*runnable 0, timers 0/,
      );
      expect(lines[2]).toMatch(/fetch\(\) on our live runtime .* → status 200$/);
    },
  );
  it(
    "E4.2: the executor hook prints 'sending request' per request; the " +
      "connector picks by scheme and rejects others",
    async () => {
      const r = await ch4.experiments.find((e) => e.id === "fetch")!.run(opts);
      const texts = r.blocks.filter((b) => b.kind === "text");
      const first = texts[0]?.kind === "text" ? texts[0].lines : [];
      expect(first[0]).toBe("sending request");
      expect(first[1]).toBe("<!DOCTYPE html>");
      const extra = texts[1]?.kind === "text" ? texts[1].lines : [];
      expect(extra[0]).toMatch(/unsupported scheme "ftp"/);
      expect(extra[1]).toMatch(/^DNS on the thread pool: localhost → /);
      const table = r.blocks.find((b) => b.kind === "table");
      const rows = table?.kind === "table" ? table.rows : [];
      for (const row of rows.filter((x) => x[1] === "keep-alive")) expect([row[4], row[5]]).toEqual([0, 0]);
      for (const row of rows.filter((x) => x[1] === "first")) expect([row[4], row[5]]).toEqual([1, 1]);
    },
  );
  it("HttpClient: the executor hook sees every request, and a custom connector replaces the scheme check", async () => {
    const { HttpClient, LiveRuntime, spawn } = await import("../src/index.js");
    const seen: number[] = [];
    const client = new HttpClient({
      executor: (req) => {
        seen.push(1);
        return spawn(req);
      },
      connector: (url) => {
        throw new Error(`no ${url.protocol}`);
      },
    });
    await expect(new LiveRuntime().blockOn(client.request("gopher://x/"))).rejects.toThrow(/no gopher:/);
    expect(seen).toEqual([1]);
  });
  it("the keep-alive sentence follows the rows", async () => {
    const { keepAliveNotice } = await import("../src/labs/ch4/fetch.js");
    expect(
      keepAliveNotice([
        [0, 0],
        [0, 0],
      ]),
    ).toMatch(/reused their connection/);
    expect(
      keepAliveNotice([
        [1, 1],
        [0, 0],
      ]),
    ).toMatch(/1 of 2 keep-alive requests opened a new connection/);
  });
});
