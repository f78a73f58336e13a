/** The bench suites `lab bench` knows. Adding one = one import and one entry. */
import { executorSuite } from "./executor.js";
import type { BenchSuite } from "./types.js";

export const suites: BenchSuite[] = [executorSuite];

export function findSuite(id: string): BenchSuite | undefined {
  return suites.find((s) => s.id === id);
}
