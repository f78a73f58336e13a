/**
 * Chapter 2, "Basic Async Rust": what a future is, shown by running one. One file per
 * experiment in this folder; this file lists them in book order.
 */
import type { Chapter } from "../types.js";
import { coffee } from "./coffee.js";
import { people } from "./people.js";
import { counter } from "./counter-future.js";
import { selfReferential } from "./self-referential.js";
import { timeoutExperiment } from "./timeout.js";
import { sharedCounter } from "./shared-counter.js";
import { auditLogger } from "./audit-logger.js";

export const ch2: Chapter = {
  id: "ch2",
  title: "Basic Async Rust: futures, wakers, join, timeout, shared state",
  experiments: [coffee, people, counter, selfReferential, timeoutExperiment, sharedCounter, auditLogger],
};
