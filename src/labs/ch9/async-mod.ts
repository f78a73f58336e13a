/**
 * The public half of the book's `async_mod` (E9.1): synchronous entry points over a
 * private runtime. `addHandler` is the book's router (numbers → spawn and return a
 * handle id; id → block until the result); `sendAdd` / `getAdd` are the ergonomic faces
 * that leave no wrong combination of inputs.
 *
 * The runtime is created on first use (the book's `Lazy<Runtime>`) and lives in a worker
 * thread — see patterns/isolated-runtime.ts for why a synchronous caller in Node cannot
 * wait for async work on its own thread. The handle map lives in the worker with the
 * runtime (the book's `MAP`), so ids are the only thing the caller ever holds.
 */
import { IsolatedRuntime } from "../../index.js";

/** From dist the jobs are .js; from the sources (tests, tsx) the worker loads the .ts. */
const JOBS = new URL(`./async-jobs.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);

let runtime: IsolatedRuntime | null = null;
const privateRuntime = (): IsolatedRuntime => (runtime ??= new IsolatedRuntime(JOBS));

/** How long `async_add` sleeps (the book's duration is cut off in the early release; the lab sets a scaled one). */
let addSleepMs = 1000;
export function setAddSleep(ms: number): void {
  addSleepMs = ms;
}

/** The book's `add_handler(a, b, id)`: exactly (a, b) or (id). */
export function addHandler(a?: number, b?: number, id?: string): { result?: number; id?: string } {
  if (a !== undefined && b !== undefined && id === undefined)
    return { id: privateRuntime().spawn("add", [a, b, addSleepMs]) };
  if (a === undefined && b === undefined && id !== undefined) return { result: privateRuntime().get<number>(id) };
  throw new Error("either a or b need to be provided or handle_id");
}

export function sendAdd(a: number, b: number): string {
  const r = addHandler(a, b);
  if (r.id === undefined) throw new Error("Something went wrong, please contact the module maintainer");
  return r.id;
}

export function getAdd(id: string): number {
  const r = addHandler(undefined, undefined, id);
  if (r.result === undefined) throw new Error("Something went wrong, please contact the module maintainer");
  return r.result;
}

/** Drain the lines `async_add` logged (it runs in the worker; it cannot print in our order). */
export function asyncModLogs() {
  return runtime?.drainLogs() ?? [];
}

/** Terminate the private runtime (the next call starts a new one). */
export function shutdownAsyncMod(): void {
  runtime?.close();
  runtime = null;
}
