import { describe, expect, it } from "vitest";
import { simulateHeater } from "../src/labs/ch6/simulate-heater.js";
import { summarizeHeater, startHeater } from "../src/labs/ch6/heater.js";
import { VirtualRuntime } from "../src/runtime/virtual-runtime.js";
import { AtomicCell } from "../src/reactive/atomic-cell.js";
import { WatchedCell } from "../src/reactive/watched-cell.js";
import { PENDING } from "../src/futures/poll.js";

const TEN_MIN = 600_000;

describe("heater (E6.1) in virtual time", () => {
  it("same seed gives the same series; another seed a different one", () => {
    const a = simulateHeater("waker", TEN_MIN, { seed: 7 });
    const b = simulateHeater("waker", TEN_MIN, { seed: 7 });
    const c = simulateHeater("waker", TEN_MIN, { seed: 8 });
    expect(a.trace.samples).toEqual(b.trace.samples);
    expect(a.trace.switches).toEqual(b.trace.switches);
    expect(c.trace.samples).not.toEqual(a.trace.samples);
  });

  it("climbs from 20.90 to 21.00, then stays within a small band", () => {
    for (const design of ["busy", "waker"] as const) {
      const { trace } = simulateHeater(design, TEN_MIN, { seed: 1 });
      expect(trace.samples[0]![1]).toBe(2090);
      const s = summarizeHeater(trace);
      // +3 per 3 s on, -1 per ~3 s: net ~+2 per step, 10 hundredths → ~15 s.
      expect(s.timeToTargetMs).toBeGreaterThan(10_000);
      expect(s.timeToTargetMs).toBeLessThan(30_000);
      expect(s.bandLow).toBeGreaterThanOrEqual(20.97);
      expect(s.bandHigh).toBeLessThanOrEqual(21.03);
      expect(s.switches).toBeGreaterThan(10);
    }
  });

  it("a longer reaction delay gives a larger amplitude", () => {
    const amp = [0, 3000, 10_000, 30_000].map(
      (d) => summarizeHeater(simulateHeater("waker", TEN_MIN, { reactionDelayMs: d }).trace).amplitude,
    );
    for (let i = 1; i < amp.length; i++) expect(amp[i]!).toBeGreaterThan(amp[i - 1]!);
  });

  it("busy and waker designs make the same decisions; busy pays a poll per virtual ms", () => {
    const busy = simulateHeater("busy", 60_000);
    const waker = simulateHeater("waker", 60_000);
    // Same control: the same number of switches (busy heater steps drift by the 1 ms a poll costs).
    expect(Math.abs(waker.trace.switches.length - busy.trace.switches.length)).toBeLessThanOrEqual(1);
    expect(summarizeHeater(waker.trace).bandHigh).toBe(summarizeHeater(busy.trace).bandHigh);
    expect(busy.polls).toBe(60_000); // 1 ms per poll, always runnable
    // Waker design: the display is polled once per render (plus its first poll), the others once per timer or switch.
    expect(waker.trace.polls.display).toBe(waker.trace.samples.length);
    expect(waker.polls).toBeLessThan(busy.polls / 50);
  });
});

describe("waker-driven observers are polled only on change", () => {
  it("a display polled once per temperature change, never while idle", () => {
    const rt = new VirtualRuntime();
    const run = startHeater(rt, "waker", { heatStepMs: 1e9, lossEveryMs: 1e9, lossJitter: 0 });
    rt.runUntil(1000);
    // First polls: display renders and switches the heater on; heater arms; loss arms.
    expect(run.trace.polls).toEqual({ display: 1, heater: 1, heatLoss: 1 });
    rt.runUntil(100_000); // nothing changes: no polls at all
    expect(run.trace.polls).toEqual({ display: 1, heater: 1, heatLoss: 1 });
    run.subjects.temp.add(5);
    rt.runUntil(100_001);
    expect(run.trace.polls.display).toBe(2);
    run.subjects.temp.store(2095); // same value: nobody is woken
    rt.runUntil(100_002);
    expect(run.trace.polls.display).toBe(2);
    run.subjects.desired.store(2200);
    rt.runUntil(100_003);
    expect(run.trace.polls.display).toBe(3);
    expect(run.trace.polls.heater).toBe(1);
    run.stop();
    expect(rt.timers.size).toBe(0);
  });

  it("WatchedCell wakes each registered waker once per change", () => {
    const cell = new WatchedCell(1);
    let wakes = 0;
    const w = { wake: () => wakes++ };
    const f = cell.changed(1);
    expect(f.poll({ waker: w })).toBe(PENDING);
    cell.store(1);
    expect(wakes).toBe(0);
    cell.store(2);
    cell.store(3);
    expect(wakes).toBe(1);
    expect(f.poll({ waker: w })).toBe(3);
  });
});

describe("E6.2 compareExchange", () => {
  it("Ok(5) then value 10; Err(10) and value stays 10", () => {
    const c = new AtomicCell(5);
    expect(c.compareExchange(5, 10)).toEqual({ ok: true, previous: 5 });
    expect(c.load()).toBe(10);
    expect(c.compareExchange(6, 12)).toEqual({ ok: false, actual: 10 });
    expect(c.load()).toBe(10);
  });
  it("cells share one SharedArrayBuffer", () => {
    const view = new Int32Array(new SharedArrayBuffer(8));
    const a = new AtomicCell(3, view, 1);
    expect(Atomics.load(view, 1)).toBe(3);
    Atomics.add(view, 1, 2);
    expect(a.load()).toBe(5);
  });
});
