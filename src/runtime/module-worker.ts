/**
 * `startModuleWorker(url, workerData)`: a `worker_threads` Worker running one
 * module, whether this library runs compiled (`dist/…/x.js`: the file itself is the
 * entry) or from TypeScript sources (vitest, `tsx`: `x.ts` needs tsx's loader, and
 * Node 20 does not apply `execArgv: ["--import", "tsx"]` to a worker's entry file,
 * so the entry is a two-line eval that registers tsx, then imports the module).
 *
 * Use it for threads that share memory directly (a `SharedArrayBuffer` travels in
 * `workerData`, which structured-clones it by reference) — the thread pool cannot
 * carry one, because its task arguments are serialized into shared slots.
 * The thread pool and the isolated runtime (src/patterns) start their workers with it too.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** The module URL of a sibling file, `.ts` when the caller runs from sources and `.js` when compiled. */
export function siblingModule(callerUrl: string, basename: string): URL {
  return new URL(`./${basename}${callerUrl.endsWith(".ts") ? ".ts" : ".js"}`, callerUrl);
}

export function startModuleWorker(
  module: URL,
  workerData: unknown,
  options: Omit<WorkerOptions, "eval" | "workerData"> = {},
): Worker {
  if (!module.pathname.endsWith(".ts")) return new Worker(module, { ...options, workerData });
  // require.resolve finds the CJS build; its ESM twin sits beside it and is the one that can register hooks.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const entry =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return ` +
    `import(${JSON.stringify(module.href)}); })`;
  return new Worker(entry, { ...options, eval: true, workerData });
}

/** Wait for a worker's first message and its exit; rejects if it throws or exits non-zero. */
export function workerResult<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let result: { value: T } | null = null;
    worker.once("message", (value: T) => (result = { value }));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
      else if (result === null) reject(new Error("worker exited without posting a result"));
      else resolve(result.value);
    });
  });
}
