/**
 * The live driver's timer structure (src/runtime/timer-buckets.ts) against a plain
 * model: a list of registered entries. Random pushes, cancels and fires — with wakes
 * that cancel other entries or register new ones, as a woken future may — must wake
 * exactly the registered entries whose deadline, rounded up to its millisecond, is
 * ≤ now; never one early, never one cancelled; in millisecond order and, within a
 * millisecond, registration order; and leave `slot` and `size` right.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TimerEntry, Waker } from "../src/futures/poll.js";
import { TimerBuckets } from "../src/runtime/timer-buckets.js";

interface ModelEntry extends TimerEntry {
  id: number;
  /** What its wake does to the structure (a woken future may cancel or register). */
  onWake: { cancel?: number; register?: number } | null;
}

type Op =
  | { kind: "push"; deadline: number; onWake: ModelEntry["onWake"] }
  | { kind: "cancel"; pick: number }
  | { kind: "fire"; advance: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      // Few distinct milliseconds, fractions included: many entries share a bucket.
      deadline: fc.integer({ min: 1, max: 16 }).map((t) => t / 4),
      onWake: fc.option(
        fc.oneof(
          fc.record({ cancel: fc.nat(1_000) }),
          fc.record({ register: fc.integer({ min: 1, max: 20 }).map((t) => t / 4) }),
        ),
        { freq: 4 },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat(1_000) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("fire" as const),
      advance: fc.integer({ min: 0, max: 12 }).map((t) => t / 4),
    }),
  },
);

describe("TimerBuckets", () => {
  it("matches a model under pushes, cancels and fires, and wakes that cancel or register (300 seeded runs)", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 100, size: "max" }), (ops) => {
        const buckets = new TimerBuckets();
        let now = 0;
        let nextId = 0;
        let registered: ModelEntry[] = []; // registration order
        let woken: ModelEntry[] = [];
        const cancelled = new Set<ModelEntry>();
        const cancel = (victim: ModelEntry): void => {
          buckets.remove(victim);
          if (registered.includes(victim)) cancelled.add(victim);
          registered = registered.filter((e) => e !== victim);
        };
        const make = (deadline: number, onWake: ModelEntry["onWake"]): ModelEntry => {
          const entry: ModelEntry = { id: nextId++, deadline, slot: -1, waker: null, onWake };
          const waker: Waker = {
            wake() {
              expect(cancelled.has(entry)).toBe(false); // a cancelled timer is never woken
              woken.push(entry);
              // Cancel one still pending: maybe in the bucket being walked, not yet woken.
              const pending = registered.filter((e) => e.slot >= 0);
              if (entry.onWake?.cancel !== undefined && pending.length > 0) {
                cancel(pending[entry.onWake.cancel % pending.length]!);
              }
              if (entry.onWake?.register !== undefined) add(now + entry.onWake.register, null);
            },
          };
          entry.waker = waker;
          return entry;
        };
        const add = (deadline: number, onWake: ModelEntry["onWake"]): void => {
          const entry = make(deadline, onWake);
          buckets.push(entry);
          registered.push(entry);
        };
        for (const o of ops) {
          if (o.kind === "push") {
            add(now + o.deadline, o.onWake);
          } else if (o.kind === "cancel") {
            if (registered.length === 0) continue;
            const victim = registered[o.pick % registered.length]!;
            cancel(victim);
            expect(victim.slot).toBe(-1);
            buckets.remove(victim); // twice: a no-op
          } else {
            now += o.advance;
            woken = [];
            const dueBefore = registered.filter((e) => Math.ceil(e.deadline) <= now);
            buckets.fireDue(now);
            // Every due entry that no earlier wake cancelled was woken, and nothing else.
            for (const e of woken) {
              expect(e.deadline).toBeLessThanOrEqual(now);
              expect(e.slot).toBe(-1);
            }
            const wokenIds = new Set(woken.map((e) => e.id));
            for (const e of dueBefore) {
              if (registered.includes(e)) expect(wokenIds.has(e.id)).toBe(true);
            }
            // Millisecond order, and registration order within a millisecond.
            const keys = woken.map((e) => [Math.ceil(e.deadline), e.id] as const);
            const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            expect(keys).toEqual(sorted);
            registered = registered.filter((e) => !wokenIds.has(e.id));
          }
          expect(buckets.size).toBe(registered.length);
          for (const e of registered) expect(e.slot).toBeGreaterThanOrEqual(0);
          const earliest = Math.min(...registered.map((e) => Math.ceil(e.deadline)));
          expect(buckets.earliest()).toBe(earliest);
        }
      }),
      { numRuns: 300, seed: 1130 },
    );
  });

  it("a bucket with one live timer among thousands cancelled does not keep their slots", () => {
    const buckets = new TimerBuckets();
    const keep: TimerEntry = { deadline: 5.5, waker: null, slot: -1 };
    buckets.push(keep);
    let woken = 0;
    const waker: Waker = { wake: () => woken++ };
    for (let i = 0; i < 5_000; i++) {
      const e: TimerEntry = { deadline: 5.25, waker, slot: -1 };
      buckets.push(e);
      buckets.remove(e);
      // Compacted whenever the nulls are many and the majority: slots stay few.
      expect(e.slot).toBe(-1);
      const bucket = (buckets as unknown as { buckets: Map<number, { entries: unknown[] }> }).buckets.get(6)!;
      expect(bucket.entries.length).toBeLessThanOrEqual(34);
    }
    expect(buckets.size).toBe(1);
    keep.waker = waker;
    buckets.fireDue(6);
    expect(woken).toBe(1);
    expect(buckets.size).toBe(0);
    expect(buckets.earliest()).toBe(Infinity);
  });

  it("cancelling far-off timeouts one after another does not grow the key heap", () => {
    const buckets = new TimerBuckets();
    for (let i = 0; i < 10_000; i++) {
      const e: TimerEntry = { deadline: 1_000 + i, waker: null, slot: -1 };
      buckets.push(e);
      buckets.remove(e);
    }
    expect(buckets.size).toBe(0);
    // Stale keys are swept once they outnumber the live buckets (64 at most here).
    expect((buckets as unknown as { keys: { size: number } }).keys.size).toBeLessThanOrEqual(65);
    expect(buckets.earliest()).toBe(Infinity);
  });

  it("a waker that throws stops the walk, but the timers after it fire on the next call", () => {
    const buckets = new TimerBuckets();
    const woken: string[] = [];
    const entry = (deadline: number, wake: () => void): TimerEntry => ({
      deadline,
      slot: -1,
      waker: { wake },
    });
    const a = entry(1.5, () => woken.push("a"));
    const bad = entry(1.5, () => {
      throw new Error("waker failed");
    });
    const b = entry(1.75, () => woken.push("b"));
    const c = entry(2, () => woken.push("c"));
    for (const e of [a, bad, b, c]) buckets.push(e);
    expect(() => buckets.fireDue(3)).toThrow("waker failed");
    expect(woken).toEqual(["a"]);
    expect(buckets.size).toBe(2);
    buckets.remove(c); // still cancellable
    buckets.fireDue(3);
    expect(woken).toEqual(["a", "b"]);
    expect(buckets.size).toBe(0);
    expect(buckets.earliest()).toBe(Infinity);
  });
});
