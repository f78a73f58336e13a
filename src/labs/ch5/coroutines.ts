/**
 * The coroutines of chapter 5, as the book writes them — each a `Coroutine`
 * (resume → yielded | complete) built from a generator or written by hand. The lab
 * (ch5.ts) runs them; the tests assert their sequences. Files are opened with
 * synchronous `fs` calls on purpose: the book's coroutines use `std::fs`, and the
 * point is the handle the coroutine keeps between resumes, not async file I/O.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { fromGenerator, randomInt, type Coroutine, type CoroutineState, type Mutex, type Rng } from "../../index.js";

// ------------------------------------------------------------ E5.1 write numbers

/** The book's `append_number_to_file`: open (create + append), write, close — every time. */
export function appendNumberReopening(path: string, n: number): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, `${n}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The book's `WriteCoroutine`: the file stays open between resumes; `resume(n)` appends `n`. */
function* writeNumbers(path: string): Generator<void, void, number> {
  const fd = openSync(path, "a");
  try {
    for (;;) {
      const n = yield;
      writeSync(fd, `${n}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

/** A write coroutine plus `close()` (JS has no Drop: the file is closed by `return()`). */
export function writeCoroutine(path: string): Coroutine<void, void, number> & { close(): void } {
  const gen = writeNumbers(path);
  gen.next(0 as number); // run to the first `yield`, so the first resume(n) writes n
  const co = fromGenerator(gen);
  return { resume: (n: number) => co.resume(n), close: () => void gen.return() };
}

// ------------------------------------------------------------ E5.2 / E5.3 reading

const READ_CHUNK = 64 * 1024;

/** Yields each line of a file as a number, reading 64 KiB at a time: memory stays flat whatever the file size. */
export function* readNumbers(path: string): Generator<number, void, void> {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let carry = "";
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, READ_CHUNK, null);
      if (n === 0) break;
      const text = carry + buf.toString("latin1", 0, n);
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const line = text.slice(start, nl).trim();
        if (line !== "") yield Number(line);
        start = nl + 1;
      }
      carry = text.slice(start);
    }
    if (carry.trim() !== "") yield Number(carry.trim());
  } finally {
    closeSync(fd);
  }
}

/** The book's `ReadCoroutine` for `test.csv`: `Yielded(n)` per line, `Complete` at the end. */
export function readCoroutine(path: string): Coroutine<number, void> {
  return fromGenerator(readNumbers(path));
}

/** E5.3's `CoroutineManager`: resume the reader, hand each value to the writer. Returns values moved and the peak heap
 * seen. */
export function transfer(
  from: string,
  to: string,
  sampleEvery = 4096,
  heap: () => number = () => process.memoryUsage().heapUsed,
): { moved: number; peakHeap: number } {
  const reader = readCoroutine(from);
  const writer = writeCoroutine(to);
  let moved = 0;
  let peakHeap = heap();
  try {
    for (let s = reader.resume(); s.kind === "yielded"; s = reader.resume()) {
      writer.resume(s.value);
      if (++moved % sampleEvery === 0) peakHeap = Math.max(peakHeap, heap());
    }
  } finally {
    writer.close();
  }
  return { moved, peakHeap };
}

// ------------------------------------------------------------ E5.4 symmetric

/** The book's `SymmetricCoroutine`: one call in, one value out. */
export interface SymmetricCoroutine<I, O> {
  resumeWithInput(input: I): O;
}

/** Reader side: `() → number | null` (null: nothing left). */
export function symmetricReader(path: string): SymmetricCoroutine<void, number | null> {
  const co = readCoroutine(path);
  let done = false;
  return {
    resumeWithInput(): number | null {
      if (done) return null;
      const s = co.resume();
      if (s.kind === "complete") {
        done = true;
        return null;
      }
      return s.value;
    },
  };
}

/** Writer side: `number → void`. */
export function symmetricWriter(path: string): SymmetricCoroutine<number, void> & { close(): void } {
  const co = writeCoroutine(path);
  return { resumeWithInput: (n: number) => void co.resume(n), close: () => co.close() };
}

/** main's shuttle between the two (the book notes it is not truly symmetric: main decides). Returns the values in
 * order. */
export function shuttle(
  reader: SymmetricCoroutine<void, number | null>,
  writer: SymmetricCoroutine<number, void>,
): number[] {
  const moved: number[] = [];
  for (let v = reader.resumeWithInput(); v !== null; v = reader.resumeWithInput()) {
    writer.resumeWithInput(v);
    moved.push(v);
  }
  return moved;
}

// ------------------------------------------------------------ E5.5 sleep coroutines

/** The book's `SleepCoroutine`: complete once `duration` ms of `now()` have passed since it was made. */
export class SleepCoroutine implements Coroutine<void, void> {
  private readonly start: number;
  resumes = 0;
  constructor(
    private readonly duration: number,
    private readonly now: () => number,
  ) {
    this.start = now();
  }
  resume(): CoroutineState<void, void> {
    this.resumes++;
    return this.now() - this.start >= this.duration
      ? { kind: "complete", value: undefined }
      : { kind: "yielded", value: undefined };
  }
}

/** The book's first executor: a queue of coroutines, resumed round-robin until each completes. Returns total resumes.
 * */
export function runRoundRobin(coroutines: Coroutine<unknown, unknown>[], onPass?: (remaining: number) => void): number {
  const queue = coroutines.slice();
  let resumes = 0;
  while (queue.length > 0) {
    onPass?.(queue.length);
    const n = queue.length;
    for (let i = 0; i < n; i++) {
      const co = queue.shift()!;
      resumes++;
      if (co.resume(undefined).kind === "yielded") queue.push(co);
    }
  }
  return resumes;
}

// ------------------------------------------------------------ E5.7 random coroutines

/** The book's `RandCoRoutine`: each resume draws a value in 0..=10; the caller decides when it dies. */
export class RandCoroutine implements Coroutine<number, void> {
  value = 0;
  live = true;
  constructor(private readonly rng: Rng) {}
  resume(): CoroutineState<number, void> {
    this.value = randomInt(this.rng, 11);
    return { kind: "yielded", value: this.value };
  }
}

/** E5.7's main loop: sum the values of live coroutines; kill any whose value is below `cutoff`. */
export function externalControl(
  rng: Rng,
  count: number,
  cutoff: number,
): { total: number; rounds: number; draws: number[] } {
  const coroutines = Array.from({ length: count }, () => new RandCoroutine(rng));
  let total = 0;
  let rounds = 0;
  const draws: number[] = [];
  while (coroutines.some((c) => c.live)) {
    rounds++;
    for (const c of coroutines) {
      if (!c.live) continue;
      c.resume();
      draws.push(c.value);
      total += c.value;
      if (c.value < cutoff) c.live = false;
    }
  }
  return { total, rounds, draws };
}

// ------------------------------------------------------------ E5.10 mutex coroutine

/** The book's `MutexCoRoutine`: try the lock; on success add one and count down the threshold. */
export class MutexCoroutine implements Coroutine<void, void> {
  constructor(
    private readonly handle: Mutex<number>,
    public threshold: number,
  ) {}
  resume(): CoroutineState<void, void> {
    const guard = this.handle.tryLock();
    if (guard === null) return { kind: "yielded", value: undefined };
    try {
      guard.value += 1;
    } finally {
      guard.release();
    }
    this.threshold -= 1;
    return this.threshold <= 0 ? { kind: "complete", value: undefined } : { kind: "yielded", value: undefined };
  }
}
