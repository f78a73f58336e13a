import { describe, expect, it } from "vitest";
import { dequeWords, EMPTY, LocalDeque, Stealer } from "../src/runtime/threads/chase-lev-deque.js";

function pair(capacity: number): [LocalDeque, Stealer] {
  const words = new Int32Array(new SharedArrayBuffer(dequeWords(capacity) * 4));
  return [new LocalDeque(words, capacity), new Stealer(words, capacity)];
}

describe("Chase–Lev deque", () => {
  it("owner pops LIFO, thieves steal FIFO", () => {
    const [local, stealer] = pair(8);
    for (const id of [1, 2, 3, 4]) local.push(id);
    expect(stealer.steal()).toBe(1);
    expect(local.pop()).toBe(4);
    expect(stealer.steal()).toBe(2);
    expect(local.pop()).toBe(3);
    expect(local.pop()).toBe(EMPTY);
    expect(stealer.steal()).toBe(EMPTY);
  });

  it("wraps around its ring without losing or repeating ids", () => {
    const [local, stealer] = pair(4);
    const seen: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let k = 0; k < 3; k++) local.push(round * 3 + k);
      seen.push(stealer.steal(), local.pop(), local.pop());
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("steal-half moves ceil(n/2) from the top, oldest first", () => {
    const [victim, stealer] = pair(16);
    const [mine] = pair(16);
    for (let id = 0; id < 7; id++) victim.push(id);
    expect(stealer.stealHalfInto(mine)).toBe(4);
    expect(victim.length).toBe(3);
    expect([mine.pop(), mine.pop(), mine.pop(), mine.pop(), mine.pop()]).toEqual([3, 2, 1, 0, EMPTY]);
  });

  it("refuses a capacity that is not a power of two, and overflow", () => {
    expect(() => pair(6)).toThrow(/power of two/);
    const [local] = pair(2);
    local.push(1);
    local.push(2);
    expect(() => local.push(3)).toThrow(/overflow/);
  });

  it("repair restores bottom >= top after an owner died mid-pop", () => {
    const words = new Int32Array(new SharedArrayBuffer(dequeWords(4) * 4));
    const local = new LocalDeque(words, 4);
    local.push(9);
    words[16] = -1; // bottom lowered below top, as a pop interrupted after its first store leaves it
    local.repair();
    expect(local.length).toBe(0);
    local.push(5);
    expect(local.pop()).toBe(5);
  });
});
