/**
 * Bug 5: a bounded mailbox whose `send` can be cancelled — the race the waiter list
 * exists to close. A mailbox of capacity 1 is full; two senders wait for room; the
 * first gives up (a `timeout`) at the very instant the consumer takes a message out.
 *
 * The buggy mailbox keeps bare wakers in an array and, when room frees, wakes the
 * oldest — even if that sender has already given up. Whether it has depends on which
 * of two timers due at the same instant fires first: the consumer's or the sender's
 * timeout. In the wrong order the wake-up goes to the cancelled sender, the second
 * sender waits forever, and so does the consumer: a deadlock.
 *
 * The fixed mailbox parks senders in a `WaiterList`: a cancelled sender leaves the
 * list, and a wake-up it was handed but never used passes on to the next sender.
 * Both are hand-written here (the library's own actor mailbox is the fixed one's
 * subject elsewhere), so the lab keeps showing the race whatever the mailbox does.
 */
import {
  BaseFuture,
  PENDING,
  WaiterList,
  co,
  sleep,
  timeout,
  type Context,
  type ExploreProgram,
  type Poll,
  type Waiter,
  type Waker,
} from "../../index.js";
import type { BugCase } from "./bug-case.js";

interface Mailbox {
  items: number[];
  send(value: number): BaseFuture<void>;
  recv(): BaseFuture<number>;
}

/** Shared by both mailboxes: a receiver parks on `readers` until an item arrives. */
class Recv extends BaseFuture<number> {
  constructor(private readonly box: { items: number[]; reader: Waker | null; taken(): void }) {
    super();
  }
  poll(cx: Context): Poll<number> {
    const v = this.box.items.shift();
    if (v === undefined) {
      this.box.reader = cx.waker;
      return PENDING;
    }
    this.box.taken();
    return v;
  }
}

function wakeReader(box: { reader: Waker | null }): void {
  const r = box.reader;
  box.reader = null;
  r?.wake();
}

/** Without `leave`: a cancelled sender's waker stays in line and swallows a wake-up. */
function buggyMailbox(capacity: number): Mailbox {
  const box = {
    items: [] as number[],
    reader: null as Waker | null,
    senders: [] as Waker[],
    taken: () => box.senders.shift()?.wake(),
  };
  return {
    items: box.items,
    send: (value) =>
      new (class extends BaseFuture<void> {
        poll(cx: Context): Poll<void> {
          if (box.items.length < capacity) {
            box.items.push(value);
            wakeReader(box);
            return undefined;
          }
          box.senders.push(cx.waker);
          return PENDING;
        }
      })(),
    recv: () => new Recv(box),
  };
}

/** On the waiter list: register on every pending poll, `done` when sent, `leave` on cancel. */
function fixedMailbox(capacity: number): Mailbox {
  const senders = new WaiterList();
  const box = { items: [] as number[], reader: null as Waker | null, taken: () => void senders.wakeOne() };
  return {
    items: box.items,
    send: (value) =>
      new (class extends BaseFuture<void> {
        private key: Waiter | null = null;
        poll(cx: Context): Poll<void> {
          if (box.items.length < capacity) {
            box.items.push(value);
            senders.done(this.key);
            wakeReader(box);
            return undefined;
          }
          this.key = senders.register(this.key, cx.waker);
          return PENDING;
        }
        override cancel(): void {
          senders.leave(this.key);
        }
      })(),
    recv: () => new Recv(box),
  };
}

function program(make: (capacity: number) => Mailbox): ExploreProgram {
  return (rt) => {
    const box = make(1);
    box.items.push(0); // full
    rt.spawn(
      co(function* () {
        yield* sleep(3);
        for (;;) if ((yield* box.recv()) === 2) return;
      }),
      { name: "consumer" },
    );
    rt.spawn(
      co(function* () {
        try {
          yield* timeout(box.send(1), 3);
        } catch {
          // gave up: fine, as long as nobody else pays for it
        }
      }),
      { name: "sender-1" },
    );
    rt.spawn(
      co(function* () {
        yield* box.send(2);
      }),
      { name: "sender-2" },
    );
  };
}

export const sendCancel: BugCase = {
  id: "send-cancel",
  title: "a bounded-mailbox send cancelled at the wrong moment",
  summary:
    "a sender times out as room frees: its wake-up is lost and the next " +
    "sender waits forever (fixed: the waiter list's leave)",
  depth: 2,
  buggy: program(buggyMailbox),
  fixed: program(fixedMailbox),
  notice: [
    "The choice that matters is not which task runs but which of two timers " +
      "due at the same instant fires first — a choice the sim's chooser makes " +
      "too.",
    "The fix is the waiter list's protocol: a waiter that gives up leaves, and passes on a wake-up it was handed.",
  ],
};
