/**
 * A binary min-heap of (time, sequence, payload), all numbers: the sim driver's
 * agenda, and the live timers' list of milliseconds that have a bucket.
 *
 * Invariant: entries pop in (time, sequence) order, and sequence numbers are handed
 * out in push order — so two events at the same virtual time run in the order they
 * were scheduled, and a run never depends on heap shape (determinism).
 * Parallel plain arrays of numbers instead of one object per event: a million-task
 * run pushes millions of events, and V8 keeps number arrays unboxed.
 */
export class EventHeap {
  private times: number[] = [];
  private seqs: number[] = [];
  private payloads: number[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.times.length;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.times.length === 0 ? Infinity : this.times[0]!;
  }

  push(time: number, payload: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const seq = this.nextSeq++;
    let i = times.length;
    times.push(time);
    seqs.push(seq);
    payloads.push(payload);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      payloads[i] = payloads[p]!;
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** Remove the earliest event and return its payload (call only when size > 0). */
  pop(): number {
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const top = payloads[0]!;
    const lastTime = times.pop()!;
    const lastSeq = seqs.pop()!;
    const lastPayload = payloads.pop()!;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (times[r]! < times[l]! || (times[r] === times[l] && seqs[r]! < seqs[l]!))) c = r;
      const ct = times[c]!;
      if (lastTime < ct || (lastTime === ct && lastSeq < seqs[c]!)) break;
      times[i] = ct;
      seqs[i] = seqs[c]!;
      payloads[i] = payloads[c]!;
      i = c;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    payloads[i] = lastPayload;
    return top;
  }
}
