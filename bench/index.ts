/** The bench suites `lab bench` knows. Adding one = one import and one entry. */
import { actorsSuite } from "./actors.js";
import { busSuite } from "./bus.js";
import { executorSuite } from "./executor.js";
import { ioSuite } from "./io.js";
import { poolSuite } from "./pool.js";
import type { BenchSuite } from "./types.js";

export const suites: BenchSuite[] = [executorSuite, actorsSuite, busSuite, ioSuite, poolSuite];

export function findSuite(id: string): BenchSuite | undefined {
  return suites.find((s) => s.id === id);
}
