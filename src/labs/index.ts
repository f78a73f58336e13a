/**
 * The chapter registry: every lab the CLI knows, in book order.
 * Adding a chapter = one import and one entry here.
 */
import type { Chapter } from "./types.js";
import { ch6 } from "./ch6.js";
import { ch9 } from "./ch9.js";


export const chapters: Chapter[] = [ch6, ch9];

export function findChapter(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}
