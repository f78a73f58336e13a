/**
 * Wrong invocations: each is refused before anything runs, with one line on stderr
 * (`lab: …`, naming what is valid), nothing on stdout, and exit code 2. Run in-process
 * through `main` (parsing is all that happens). The list doubles as documentation of the
 * bounds; bin/options.ts and bin/chapter-options.ts hold the rules.
 */
import { describe, expect, it } from "vitest";
import { CHAPTER_OPTION_RULES } from "../bin/chapter-options.js";
import { main, type Io } from "../bin/cli.js";
import { chapters } from "../src/labs/index.js";

/** [argv, a fragment the one line must contain] */
export const WRONG: [string[], string][] = [
  [["nope"], "unknown chapter or command 'nope' (valid: list, bench, help, ch1"],
  [["help", "nosuch"], "no help for 'nosuch'"],
  [["help", "ch2", "extra"], "help takes one command name"],
  [["list", "extra"], "too many arguments for 'list'"],
  [["--seed", "", "ch2"], "--seed <n>' argument '' is invalid"],
  [["--seed", "-1", "ch2"], "from 0 to 4294967295"],
  [["--seed", "1.5", "ch2"], "decimal digits"],
  [["--seed", "0x10", "ch2"], "decimal digits"],
  [["--seed", "1e3", "ch2"], "decimal digits"],
  [["--seed", "4294967296", "ch2"], "must be from 0 to 4294967295"],
  [["ch2", "--seed"], "argument missing"],
  [["--time-scale", "0", "ch2"], "at least 0.005"],
  [["--time-scale", "-1", "ch2"], "from 0.005 to 10"],
  [["--time-scale", "abc", "ch2"], "from 0.005 to 10"],
  [["--time-scale", "", "ch2"], "from 0.005 to 10"],
  [["--time-scale", "0.001", "ch2"], "timer granularity"],
  [["--time-scale", "11", "ch2"], "from 0.005 to 10"],
  [["--time-scale", "1e-2", "ch2"], "from 0.005 to 10"],
  [["--driver", "warp", "ch3"], "Allowed choices are sim, live"],
  [["--driver", "live", "ch2"], "--driver applies to experiments that use a runtime driver"],
  [["ch8", "basic", "--driver", "live"], "those that do: ch3 basic-queue"],
  [["--trace", "", "ch3"], "must name a file"],
  [["--trace", "/no/such/dir/trace.json", "ch3"], "directory '/no/such/dir' does not exist"],
  [["--trace", "/tmp", "ch3"], "is a directory"],
  [["--trace", "/tmp/lab-trace.json", "ch1"], "none of these experiments records a trace (those that do: ch3"],
  [["compare", "--trace", "/tmp/lab-trace.json"], "those that do: ch3 basic-queue"],
  [["ch2", "nope"], "unknown experiment 'nope' in ch2 (valid: coffee,"],
  [["ch2", "--foo"], "unknown option '--foo' (valid: --version, --json"],
  [
    ["ch8", "--writs", "5"],
    "unknown option '--writs' (valid: --increments, --cross-increments, --writes, --requests, --timings, --version",
  ],
  [["ch4", "serve", "--port", ""], "--port <n>' argument '' is invalid"],
  [["ch4", "serve", "--port", "0x50"], "decimal digits"],
  [["ch4", "serve", "--port", "99999"], "must be from 0 to 65535"],
  [["ch4", "serve", "--port", "80.5"], "decimal digits"],
  [["ch4", "serve", "--port"], "argument missing"],
  [["ch4", "--port", "8080"], "--port is read only by ch4 serve"],
  [["ch8", "vs-mutex", "--increments", "1e12"], "decimal digits"],
  [["ch8", "vs-mutex", "--increments", "1000000000000"], "must be from 1 to 10000000"],
  [["ch8", "vs-mutex", "--increments", "0"], "must be from 1 to 10000000"],
  [["ch8", "recovery", "--writes", "5"], "must be from 10 to 100000"],
  [["ch8", "router", "--requests", "-3"], "decimal digits"],
  [["ch8", "basic", "--writes", "50"], "--writes is read only by ch8 recovery"],
  [["ch9", "decorator", "--feature", "bogus"], "must be one of: logging"],
  [["ch9", "decorator", "--feature", ""], "must be one of: logging"],
  [["ch9", "retry", "--jitter", "abc"], "decimal number ≥ 0 and ≤ 1"],
  [["ch9", "retry", "--jitter", "2"], "decimal number ≥ 0 and ≤ 1"],
  [["ch9", "waterfall", "--jitter", "0.1"], "--jitter is read only by ch9 retry"],
  [["ch6", "compare-exchange", "--interactive"], "--interactive is read only by ch6 heater"],
  [["ch7", "config", "--until-signal"], "--until-signal is read only by ch7 shutdown"],
  [["compare", "--workload", "nope"], "must be one of: uniform"],
  [["compare", "--strategies", "fifo,nope"], "unknown 'nope' (valid: fifo"],
  [["compare", "--strategies", ""], "comma-separated list of: fifo"],
  [["compare", "--workers", "0"], "must be from 1 to 1024"],
  [["compare", "--tasks", "99999999"], "must be from 1 to 5000000"],
  [["bench", "nosuch"], "unknown bench suite 'nosuch' (valid: executor, actors, bus, io, pool)"],
  [["bench", "--case", ""], "--case <names>' argument '' is invalid"],
  [["bench", "--case", "nope"], "unknown 'nope' (valid: spawn_many"],
  [["bench", "executor", "--case", "fanout-1"], "unknown case 'fanout-1' for executor (valid: spawn_many"],
  [["bench", "--time", "0"], "must be from 1 to 60000"],
  [["bench", "--time", "1.5"], "decimal digits"],
];

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), width: 100 };
  const code = await main(argv, io);
  return { code, out, err };
}

describe("every wrong invocation: one line, exit 2, nothing run", () => {
  it.each(WRONG.map(([argv, fragment]) => [argv.map((a) => (a === "" ? "''" : a)).join(" "), argv, fragment] as const))(
    "lab %s",
    async (_, argv, fragment) => {
      const r = await run(argv);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^lab: /);
      expect(r.err[0]).toContain(fragment);
      expect(r.out).toEqual([]);
      expect(r.code).toBe(2);
    },
  );

  it("at least 40 of them", () => {
    expect(WRONG.length).toBeGreaterThanOrEqual(40);
  });
});

describe("help and version", () => {
  it("lab --version prints the package version", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(["0.1.0"]);
  });

  it("lab ch8 --help shows the chapter's options and the global ones", async () => {
    const r = await run(["ch8", "--help"]);
    expect(r.code).toBe(0);
    const text = r.out.join("\n");
    expect(text).toContain("--writes <n>");
    expect(text).toMatch(/Global Options:[\s\S]*--time-scale <x>/);
  });

  it("lab help ch2 is lab ch2 --help", async () => {
    expect((await run(["help", "ch2"])).out).toEqual((await run(["ch2", "--help"])).out);
  });
});

describe("chapter option rules", () => {
  it("every option a chapter declares has a checking rule, naming experiments that exist", () => {
    for (const chapter of chapters) {
      const rules = CHAPTER_OPTION_RULES[chapter.id] ?? {};
      const declared = (chapter.options ?? []).map((o) => {
        const long = o.flags.split(/[ ,]+/).find((f) => f.startsWith("--"))!;
        return long.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      });
      expect(Object.keys(rules).sort(), chapter.id).toEqual([...declared].sort());
      for (const rule of Object.values(rules)) {
        for (const id of rule.experiments)
          expect(
            chapter.experiments.map((e) => e.id),
            `${chapter.id} ${id}`,
          ).toContain(id);
      }
    }
  });
});
