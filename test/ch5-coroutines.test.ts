import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { asFuture, joinAll, LiveRuntime, Mutex, seededRandom } from "../src/index.js";
import {
  externalControl,
  MutexCoroutine,
  readCoroutine,
  runRoundRobin,
  shuttle,
  SleepCoroutine,
  symmetricReader,
  symmetricWriter,
  transfer,
  writeCoroutine,
} from "../src/labs/ch5/coroutines.js";
import { mutexSteps } from "../src/labs/ch5/mutex-coroutine.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "async-lab-ch5-test-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("E5.1/E5.2 file coroutines", () => {
  it("the write coroutine appends each resumed number, keeping the handle open", () => {
    const path = join(tempDir(), "numbers.txt");
    const w = writeCoroutine(path);
    for (const n of [3, -1, 42]) expect(w.resume(n).kind).toBe("yielded");
    w.close();
    expect(readFileSync(path, "utf8")).toBe("3\n-1\n42\n");
  });

  it("E5.2: the read coroutine yields 1..5 then completes, and refuses a resume after that", () => {
    const path = join(tempDir(), "test.csv");
    writeFileSync(path, "1\n2\n3\n4\n5\n");
    const co = readCoroutine(path);
    const seen: string[] = [];
    for (let s = co.resume(); ; s = co.resume()) {
      seen.push(s.kind === "yielded" ? `Y${s.value}` : "C");
      if (s.kind === "complete") break;
    }
    expect(seen).toEqual(["Y1", "Y2", "Y3", "Y4", "Y5", "C"]);
    expect(() => co.resume()).toThrow(/polled after it returned/);
  });

  it("E5.3: transfer moves every number, across 64 KiB chunk boundaries", () => {
    const dir = tempDir();
    const nums = Array.from({ length: 30_000 }, (_, i) => i * 7);
    writeFileSync(join(dir, "in.txt"), nums.join("\n") + "\n");
    expect(transfer(join(dir, "in.txt"), join(dir, "out.txt")).moved).toBe(30_000);
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe(nums.join("\n") + "\n");
  });
});

describe("E5.4 symmetric coroutines", () => {
  it("main shuttles every value from the reader to the writer, in order, then the reader answers null", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "numbers.txt"), "10\n20\n30\n");
    const reader = symmetricReader(join(dir, "numbers.txt"));
    const writer = symmetricWriter(join(dir, "output.txt"));
    expect(shuttle(reader, writer)).toEqual([10, 20, 30]);
    writer.close();
    expect(reader.resumeWithInput()).toBe(null);
    expect(readFileSync(join(dir, "output.txt"), "utf8")).toBe("10\n20\n30\n");
  });
});

describe("E5.5 sleep coroutines on a fake clock", () => {
  it("three 1 s sleeps, round-robin, finish when one sleep would (virtual time 1000, not 3000)", () => {
    let now = 0;
    const clock = () => now;
    const sleeps = [0, 1, 2].map(() => new SleepCoroutine(1000, clock));
    const passes: number[] = [];
    // Every pass over the queue advances the fake clock by 10 ms.
    runRoundRobin(sleeps, (remaining) => {
      passes.push(remaining);
      now += 10;
    });
    expect(now).toBe(1000);
    expect(passes.length).toBe(100);
    expect(passes.every((r) => r === 3)).toBe(true); // all three complete in the same pass
    expect(sleeps.map((s) => s.resumes)).toEqual([100, 100, 100]);
  });

  it("through the asFuture adapter on a runtime whose timers are fake: one sleep's worth of clock", async () => {
    let now = 0;
    // A clock that moves 1 ms each time a coroutine reads it: the adapter busy-resumes, so time passes with polls.
    const clock = () => now++;
    const rt = new LiveRuntime();
    const sleeps = [0, 1, 2].map(() => new SleepCoroutine(300, clock));
    await rt.blockOn(joinAll(sleeps.map((s) => asFuture(s))));
    const total = sleeps.reduce((a, s) => a + s.resumes, 0);
    // Each resume costs 1 ms of fake time; 3 × 300 ms sequentially would need ≥ 900 resumes in total.
    expect(now).toBeLessThan(3 + 2 * 300);
    expect(total).toBe(now - 3);
  });
});

describe("E5.7 externally controlled random coroutines", () => {
  it("is reproducible by seed and a lower cut-off never gives a lower total (seeds 1..20)", () => {
    expect(externalControl(seededRandom(7), 10, 9)).toEqual(externalControl(seededRandom(7), 10, 9));
    const r = externalControl(seededRandom(1), 10, 9);
    expect(r.draws.length).toBe(13);
    expect(r.total).toBe(r.draws.reduce((a, b) => a + b, 0));
    for (let seed = 1; seed <= 20; seed++) {
      const low = externalControl(seededRandom(seed), 10, 5).total;
      const high = externalControl(seededRandom(seed), 10, 9).total;
      expect(low).toBeGreaterThanOrEqual(high);
    }
  });
});

describe("E5.10 mutex coroutine", () => {
  it("step by step: yields while the lock is held, then the sequence 0,1,2,3,4", () => {
    const { values, lines } = mutexSteps();
    expect(values).toEqual([0, 1, 2, 3, 4]);
    expect(lines.slice(4)).toEqual([
      "first → yielded, value 1",
      "second → yielded, value 2",
      "first → complete, value 3",
      "second → complete, value 4",
    ]);
  });

  it("a failed try-lock changes nothing", () => {
    const m = new Mutex(0);
    const co = new MutexCoroutine(m, 2);
    const held = m.tryLock()!;
    expect(co.resume().kind).toBe("yielded");
    expect(co.threshold).toBe(2);
    expect(held.value).toBe(0);
    held.release();
  });

  it("under the executor via asFuture: final value 4", async () => {
    const m = new Mutex(0);
    await new LiveRuntime().blockOn(joinAll([asFuture(new MutexCoroutine(m, 2)), asFuture(new MutexCoroutine(m, 2))]));
    const g = m.tryLock()!;
    expect(g.value).toBe(4);
    g.release();
  });
});
