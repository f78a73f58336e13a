/**
 * A worker killed at the wrong moment must lose no task (hand.ts, dead-worker.ts): the
 * two deterministic tests put the pool in the state a kill leaves at the worst instant,
 * through the pool's own shared views; the stress test kills workers during floods; and
 * the task table's claim, which names the owner (and respects a pin) in one CAS.
 */
import { afterAll, describe, expect, it } from "vitest";
import { JoinError } from "../src/runtime/task.js";
import { seededRandom } from "../src/runtime/rng.js";
import { WorkerDiedError, type PoolHandle } from "../src/runtime/threads/pool-handle.js";
import { LOW, type PoolViews } from "../src/runtime/threads/pool-memory.js";
import { RESULT_OK } from "../src/runtime/threads/protocol.js";
import {
  allocateTaskTable,
  CANCELLED,
  FINISHED,
  PINNED_ELSEWHERE,
  QUEUED,
  RUNNING,
  TaskTable,
} from "../src/runtime/threads/task-table.js";
import { ThreadPool, type ThreadPoolOptions } from "../src/runtime/threads/thread-pool.js";

const mod = new URL("./fixtures/pool-tasks.ts", import.meta.url);
const pools: ThreadPool[] = [];
function pool(options: ThreadPoolOptions): ThreadPool {
  const p = new ThreadPool(options);
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close({ mode: "cancel", deadlineMs: 1000 })));
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await tick(5);
}
const totalRun = (p: ThreadPool) => p.stats().reduce((s, w) => s + w.tasksRun, 0);
/** The pool's shared memory, as its workers see it. */
const viewsOf = (p: ThreadPool): PoolViews => p["views"];

const TIMED_OUT = Symbol("timed out");
/** What `promise` settles to within `ms`, or TIMED_OUT: a lost task fails the test fast instead of hanging it. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((r) => (timer = setTimeout(() => r(TIMED_OUT), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
const outcome = (h: PoolHandle<unknown>) =>
  h.toPromise().then(
    (value) => ({ ok: true as const, value }),
    (error: JoinError) => ({ ok: false as const, cancelled: error.isCancelled, cause: error.cause }),
  );

/** A one-worker pool whose worker is inside a synchronous 60 s task (so it takes nothing else until killed). */
async function blockedPool(options: ThreadPoolOptions = {}) {
  const p = pool({ workers: 1, ...options });
  // Warm the worker (spin's module loaded: a first use is an async import, during which the worker takes other
  // work), then block it: once the blocker is claimed, the worker cannot touch its inbox.
  expect(await p.run({ module: mod, name: "spin", arg: 0 })).toBe(0);
  const blocker = p.submit({ module: mod, name: "spin", arg: 60_000 });
  await until(() => totalRun(p) === 2);
  return { p, blocker };
}

describe("ThreadPool: a kill between taking an id and claiming its slot loses no task", () => {
  it(
    "an id in the dead worker's hand (out of its inbox, not claimed) runs on the replacement " +
      "(before: never settled)",
    async () => {
      const { p, blocker } = await blockedPool();
      const b = p.submit<string>({ module: mod, name: "echo", arg: "B" });
      const views = viewsOf(p);
      const [id] = views.inboxes[0]!.peek();
      expect(id).toBe(b.slot);
      // What the worker's drain does, stopped where a kill would stop it: hand first, then head past the id.
      views.hands[0]!.hold(id!);
      Atomics.add(new Int32Array(views.memory.inboxes[0]!), 0, 1); // word 0: the inbox's head (inbox.ts)
      expect(views.inboxes[0]!.isEmpty).toBe(true);
      await p.killWorker(0);
      await expect(blocker.toPromise()).rejects.toSatisfy((e: JoinError) => e.cause instanceof WorkerDiedError);
      expect(await within(b.toPromise(), 5000)).toBe("B");
      expect(p.pending).toBe(0);
      expect(views.hands[0]!.id).toBe(-1);
    },
  );

  it(
    "two copies of a cancelled task's id report two releases; its slot is freed once " +
      "(before: twice, two tasks in one slot)",
    async () => {
      const { p, blocker } = await blockedPool({ capacity: 4 });
      const victim = p.submit({ module: mod, name: "echo", arg: "never" });
      expect(victim.cancel()).toBe(true);
      const views = viewsOf(p);
      const [id] = views.inboxes[0]!.peek();
      // The spare copy a re-send after a kill can leave (hand.ts): the submitter is the inbox's producer.
      views.inboxes[0]!.send(id!);
      // End the blocker: the replacement drains both copies, finds the slot CANCELLED twice, reports two releases.
      await p.killWorker(0);
      await expect(blocker.toPromise()).rejects.toSatisfy((e: JoinError) => e.cause instanceof WorkerDiedError);
      // Far more tasks than slots: a slot handed out twice would give two tasks one slot, and one handle would be lost.
      const handles = Array.from({ length: 64 }, (_, i) => p.submit<number>({ module: mod, name: "echo", arg: i }));
      expect(await within(Promise.all(handles.map((h) => h.toPromise())), 5000)).toEqual(
        Array.from({ length: 64 }, (_, i) => i),
      );
      expect(p.pending).toBe(0);
    },
  );
});

describe("ThreadPool: kills during floods", () => {
  it("every handle settles (ok, cancelled, or died while running), and pending returns to 0", async () => {
    const p = pool({ workers: 2, seed: 3 });
    const rng = seededRandom(11);
    const handles: PoolHandle<unknown>[] = [];
    const end = performance.now() + 8000;
    let kills = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 500; i++) {
        const arg = handles.length;
        handles.push(p.submit({ module: mod, name: "echo", arg }, { priority: rng() < 0.3 ? "high" : "low" }));
      }
      // Some are cancelled while queued: their ids report releases.
      for (let i = 0; i < 10; i++) handles[handles.length - 1 - Math.floor(rng() * 500)]!.cancel();
      // Kill a worker while it is in its loop (it claimed a task since the flood) — where ids are in transit —
      // not while it starts. Floods do not wait for their tasks: the kills come as fast as replacements start.
      const before = p.stats().map((s) => s.tasksRun);
      const giveUp = performance.now() + 500;
      let w = -1;
      while (w < 0 && performance.now() < giveUp) {
        await new Promise((r) => setImmediate(r));
        w = p.stats().findIndex((s, i) => s.tasksRun > before[i]!);
      }
      if (w >= 0) {
        await p.killWorker(w);
        kills++;
      }
    }
    const results = await within(Promise.all(handles.map(outcome)), 10_000);
    if (results === TIMED_OUT) expect.fail(`after ${kills} kills: ${p.pending} tasks never settled`);
    results.forEach((r, i) => {
      if (r.ok) expect(r.value).toBe(i);
      // Died: it was running (or its module loading) on a killed worker.
      else if (!r.cancelled) expect(r.cause).toBeInstanceOf(WorkerDiedError);
    });
    expect(p.pending).toBe(0);
    expect(kills).toBeGreaterThan(10);
  }, 60_000);
});

describe("task table: one CAS claims a slot and names its owner (no threads)", () => {
  it("a pinned slot is claimed only by its worker; a spare copy elsewhere leaves it alone; cancel still wins", () => {
    const table = new TaskTable(allocateTaskTable(8));
    table.fill(2, 41, 0, LOW, "x", 1); // pinned to worker 1
    expect(table.state(2)).toBe(QUEUED);
    expect(table.owner(2)).toBe(-1);
    expect(table.claim(2, 0)).toBe(PINNED_ELSEWHERE);
    expect(table.state(2)).toBe(QUEUED);
    expect(table.claim(2, 1)).toBe(QUEUED); // won
    expect([table.state(2), table.owner(2)]).toEqual([RUNNING, 1]);
    expect(table.claim(2, 1)).toBe(RUNNING); // a spare copy finds it taken
    table.finish(2, RESULT_OK, 5);
    expect([table.state(2), table.owner(2)]).toEqual([FINISHED, 1]);
    table.release(2);
    table.fill(2, 42, 0, LOW, "y", 0);
    expect(table.cancel(2)).toBe(true);
    expect(table.claim(2, 0)).toBe(CANCELLED);
    table.release(2);
    table.fill(2, 43, 0, LOW, "z"); // unpinned: anyone's
    expect(table.claim(2, 3)).toBe(QUEUED);
    expect(table.owner(2)).toBe(3);
    expect(table.cancel(2)).toBe(false);
  });
});
