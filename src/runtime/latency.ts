/**
 * Per-class latency samples (spawn → end, ms) and the summary `lab compare` prints.
 * Samples go into growable Float64Arrays: a million tasks cost 8 MB and one sort,
 * never a million boxed numbers.
 */

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

class Samples {
  data = new Float64Array(1024);
  length = 0;
  add(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

export class LatencyRecorder {
  private readonly classes: Samples[];

  constructor(classes: number) {
    this.classes = Array.from({ length: classes }, () => new Samples());
  }

  add(queue: number, ms: number): void {
    this.classes[queue]!.add(ms);
  }

  summary(queue: number): LatencySummary {
    const s = this.classes[queue]!;
    if (s.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
    const sorted = s.data.slice(0, s.length).sort();
    const at = (p: number): number => sorted[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
    return { count: s.length, p50: at(0.5), p99: at(0.99), max: sorted[s.length - 1]! };
  }
}
