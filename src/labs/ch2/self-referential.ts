/**
 * E2.4 a self-referential struct swapped in memory: why futures are pinned, shown on a
 * simulated heap where a stale offset reads the wrong bytes.
 */
import { Memory } from "./memory.js";
import type { Cell, Experiment } from "../types.js";

function selfReferentialRows(): { rows: Cell[][]; afterSwap: string; afterReuse: string } {
  const rows: Cell[][] = [];
  const snapshot = (m: Memory, scenario: string, step: string) =>
    rows.push([scenario, step, m.data(m.a), m.print(m.a), m.pointsAt(m.a), m.data(m.b), m.print(m.b), m.pointsAt(m.b)]);

  // The book's code: `new` builds the struct in its own frame and returns it by move.
  const moved = new Memory();
  const book = "book's new() (returns by move)";
  moved.newByMove(moved.a, "test1");
  moved.newByMove(moved.b, "test2");
  snapshot(moved, book, 'a = new("test1"); b = new("test2")');
  moved.swap(moved.a, moved.b);
  snapshot(moved, book, "ptr::swap(&mut a, &mut b)");
  const afterSwap = moved.print(moved.a);
  // The next call (println!'s own frame) leaves its locals where new()'s frame was.
  moved.clobberStack([0xdead_beef, 0x0000_1000, 0x0bad_f00d]);
  snapshot(moved, book, "after another call reuses the frame");

  // Built in place, where it stays (what Pin guarantees) — then moved anyway by the swap.
  const pinned = new Memory();
  const inPlace = "built in place (Box::pin)";
  pinned.newInPlace(pinned.a, "test1");
  pinned.newInPlace(pinned.b, "test2");
  snapshot(pinned, inPlace, "a, b built in their slots");
  pinned.swap(pinned.a, pinned.b);
  snapshot(pinned, inPlace, "ptr::swap(&mut a, &mut b) — what Pin forbids");
  return { rows, afterSwap, afterReuse: moved.print(moved.a) };
}

export const selfReferential: Experiment = {
  id: "self-referential",
  book: "E2.4",
  title: "SelfReferential + ptr::swap on a simulated address space",
  summary: "a struct pointing into itself breaks when its bytes move: why futures are pinned",
  async run() {
    const { rows, afterSwap, afterReuse } = selfReferentialRows();
    return {
      blocks: [
        {
          kind: "table",
          title:
            "SelfReferential { data: String, self_pointer: *const String } in an " +
            "ArrayBuffer (pointers are byte offsets)",
          columns: [
            { header: "code" },
            { header: "step" },
            { header: "a.data" },
            { header: "a.print()" },
            { header: "a.self_pointer →" },
            { header: "b.data" },
            { header: "b.print()" },
            { header: "b.self_pointer →" },
          ],
          rows,
        },
        {
          kind: "book",
          rows: [
            {
              label: "a.print() after the swap",
              book: "segmentation fault (L1274)",
              ours:
                `right after the swap: "${afterSwap}" (read from new()'s dead frame); ` +
                `once another call reuses that frame: ${afterReuse}`,
            },
            {
              label: "why",
              book: "moving structs with references to itself can be dangerous (L1275-1277)",
              ours:
                "new() returns by move, so self_pointer still points into new()'s dead " +
                "frame; a swap moves the bytes again and leaves each pointer in the " +
                "other slot",
            },
          ],
        },
        {
          kind: "notice",
          lines: [
            "A raw pointer is an address: moving the bytes it points into does not " +
              "update it. After the move out of new(), both structs point into the " +
              "same dead stack frame (both print the last value built there); once " +
              "another call reuses the frame, the pointer's String is garbage and the " +
              "read lands outside memory — the book's segfault, here a RangeError.",
            "Built in place, the pointers are right until the swap moves the bytes: " +
              'then a.data is "test2" but a.print() follows the pointer into b and ' +
              'prints "test1" — stale, silently wrong data.',
            "An async fn's future is such a struct: a borrow kept across an await " +
              "points into the future's own state. Pin<&mut F> promises the future " +
              "never moves again once polled, so those pointers stay valid.",
            "JavaScript has no such problem: a variable holds a reference to a heap " +
              "object, `let b = a` copies the reference, never the object, and when " +
              "the GC moves objects it updates every reference. A generator's locals " +
              "live in its generator object, which never moves as far as the program " +
              "can see — so our futures need no Pin.",
          ],
        },
      ],
    };
  },
};
