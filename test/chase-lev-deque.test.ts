import { describe, expect, it } from "vitest";
import { dequeWords, EMPTY, LocalDeque, Stealer } from "../src/runtime/threads/chase-lev-deque.js";
import { EMPTY_HAND, Hand } from "../src/runtime/threads/hand.js";
import { Inbox, inboxWords } from "../src/runtime/threads/inbox.js";

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

describe("hands: an id being moved is in its worker's hand before it leaves the structure (hand.ts)", () => {
  /** A hand that records, at each `hold`, how the structure looked: the id must still be in it. */
  class SpyHand extends Hand {
    readonly seen: { id: number; stillThere: boolean }[] = [];
    constructor(private readonly isThere: (id: number) => boolean) {
      super(new Int32Array(new SharedArrayBuffer(4)), 0);
      this.clear();
    }
    override hold(id: number): void {
      this.seen.push({ id, stillThere: this.isThere(id) });
      super.hold(id);
    }
  }
  const deque = (capacity: number, hand: Hand | null = null) => {
    const words = new Int32Array(new SharedArrayBuffer(dequeWords(capacity) * 4));
    return [new LocalDeque(words, capacity, hand), new Stealer(words, capacity)] as const;
  };

  it("pop holds the id before lowering bottom and leaves it for the caller; empty pops touch no hand", () => {
    let local: LocalDeque | null = null;
    const hand = new SpyHand((id) => local!.contains(id));
    [local] = deque(8, hand);
    expect(local.pop()).toBe(EMPTY);
    expect(hand.id).toBe(EMPTY_HAND);
    local.push(4);
    local.push(5);
    expect(local.pop()).toBe(5);
    expect(hand.id).toBe(5); // the caller clears it once the claim is decided
    hand.clear();
    expect(local.pop()).toBe(4); // the last element: the CAS path
    expect(hand.id).toBe(4);
    expect(hand.seen).toEqual([
      { id: 5, stillThere: true },
      { id: 4, stillThere: true },
    ]);
    hand.clear();
    expect(local.pop()).toBe(EMPTY);
    expect(hand.id).toBe(EMPTY_HAND);
  });

  it("steal holds the id before its CAS on top; stealHalfInto uses the thief's hand and clears it at the end", () => {
    let victimStealer: Stealer | null = null;
    const thiefHand = new SpyHand((id) => victimStealer!.contains(id));
    const [victim, stealer] = deque(8);
    victimStealer = stealer;
    const [thief] = deque(8, thiefHand);
    for (const id of [1, 2, 3, 4, 5]) victim.push(id);
    expect(stealer.steal(thiefHand)).toBe(1);
    expect(thiefHand.id).toBe(1);
    thiefHand.clear();
    expect(stealer.stealHalfInto(thief)).toBe(2);
    expect(thiefHand.id).toBe(EMPTY_HAND);
    expect(thiefHand.seen).toEqual([1, 2, 3].map((id) => ({ id, stillThere: true })));
    expect([thief.pop(), thief.pop()]).toEqual([3, 2]);
    expect(stealer.steal()).toBe(4); // without a hand: the plain deque
  });

  it("drain: per id, hand first, then head past it, then into; the hand is empty afterwards", () => {
    const words = new Int32Array(new SharedArrayBuffer(inboxWords(8) * 4));
    let inbox: Inbox | null = null;
    const hand = new SpyHand((id) => inbox!.peek().includes(id));
    inbox = new Inbox(words, 8, hand);
    for (const id of [7, 8, 9]) inbox.send(id);
    const atInto: { id: number; inHand: number; inInbox: boolean }[] = [];
    expect(inbox.drain((id) => atInto.push({ id, inHand: hand.id, inInbox: inbox.peek().includes(id) }))).toBe(3);
    expect(hand.seen).toEqual([7, 8, 9].map((id) => ({ id, stillThere: true })));
    expect(atInto).toEqual([7, 8, 9].map((id) => ({ id, inHand: id, inInbox: false })));
    expect(hand.id).toBe(EMPTY_HAND);
    expect(inbox.isEmpty).toBe(true);
    // Without a hand it drains all the same.
    const plain = new Inbox(new Int32Array(new SharedArrayBuffer(inboxWords(4) * 4)), 4);
    plain.send(1);
    plain.send(2);
    const got: number[] = [];
    expect(plain.drain((id) => got.push(id))).toBe(2);
    expect(got).toEqual([1, 2]);
  });
});
