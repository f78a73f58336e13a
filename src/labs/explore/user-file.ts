/**
 * `lab explore file --file my-program.ts`: explore a program of your own. The module's
 * default export is the program: `(rt, cx) => { rt.spawn(…); … }` (see ExploreProgram).
 * Import the library by its package name (`async-lab`), so the program shares this
 * CLI's copy of it.
 *
 * `.js`/`.mjs` files are imported as they are; a `.ts` file needs `tsx` (a dev
 * dependency of this project) to be loadable, else the error says how to compile it.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { explore, type ExploreProgram } from "../../index.js";
import type { Block, ExperimentResult, LabOptions } from "../types.js";
import { UsageError } from "../types.js";
import { replayBlocks, schedulesOf, strategiesOf, type BugCase } from "./bug-case.js";

async function load(file: string): Promise<ExploreProgram> {
  const url = pathToFileURL(resolve(file)).href;
  let mod: { default?: unknown };
  try {
    if (/\.(c|m)?tsx?$/.test(file)) {
      // tsx's global hooks (not its namespaced `tsImport`): the program's own imports of
      // "async-lab" must resolve to the very modules this CLI runs, or it would bring a
      // second `PENDING` and a second clock.
      let tsx: { register: () => () => Promise<void> | void };
      try {
        tsx = (await import("tsx/esm/api" as string)) as typeof tsx;
      } catch {
        throw new UsageError(`${file}: a .ts program needs tsx (npm i -D tsx), or compile it to .js first`);
      }
      const unregister = tsx.register();
      try {
        mod = (await import(url)) as { default?: unknown };
      } finally {
        await unregister();
      }
    } else {
      mod = (await import(url)) as { default?: unknown };
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot load ${file}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
  if (typeof mod.default !== "function")
    throw new UsageError(`${file}: the default export must be the program, (rt, cx) => { … }`);
  return mod.default as ExploreProgram;
}

export async function runUserFile(options: LabOptions): Promise<ExperimentResult> {
  const file = options.extra.file;
  if (typeof file !== "string")
    throw new UsageError("lab explore file needs --file <module> (its default export is the program)");
  const program = await load(file);
  const asCase: BugCase = {
    id: `file --file ${file}`,
    title: file,
    summary: "",
    depth: 2,
    buggy: program,
    fixed: program,
    notice: [],
  };
  if (typeof options.extra.replay === "string") return { blocks: replayBlocks(asCase, options.extra.replay) };
  const { schedules } = schedulesOf(options);
  const blocks: Block[] = [];
  const rows: (string | number | null)[][] = [];
  let shownFailure = false;
  for (const strategy of strategiesOf(options)) {
    const r = explore(program, { strategy, seed: options.seed, schedules });
    rows.push([
      strategy,
      r.schedules,
      r.failure === null
        ? r.exhausted
          ? "all passed (exhausted)"
          : "all passed"
        : `${r.failure.kind} at schedule ${r.failure.schedule}`,
    ]);
    if (r.failure !== null && !shownFailure) {
      shownFailure = true;
      const f = r.failure;
      blocks.push({
        kind: "text",
        title: `failing schedule (${strategy}, seed ${options.seed}), shrunk`,
        lines: [
          `${f.kind}: ${f.message}`,
          `shrunk from ${f.found.length} to ${f.shrunk.length} decisions ` +
            `(${f.preemptions} preemption${f.preemptions === 1 ? "" : "s"}): ` +
            `${f.replay}`,
          `replay it: lab explore file --file ${file} --replay ${f.replay}`,
        ],
      });
      blocks.push({
        kind: "timeline",
        title: "per task: its polls over virtual time (1 ms per poll)",
        unit: "ms",
        workers: f.timeline.workers,
        spans: f.timeline.spans,
      });
      blocks.push({ kind: "text", title: "the interleaving", lines: f.interleaving });
    }
  }
  blocks.unshift({
    kind: "table",
    title: `exploring ${file}`,
    columns: [{ header: "strategy" }, { header: "schedules" }, { header: "result" }],
    rows,
  });
  return { blocks };
}
