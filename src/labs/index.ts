/**
 * The chapter registry: every lab the CLI knows, in book order.
 * Adding a chapter = one import and one entry here.
 */
import type { Chapter } from "./types.js";
import { ch4 } from "./ch4.js";
import { ch5 } from "./ch5.js";


export const chapters: Chapter[] = [ch4, ch5];

export function findChapter(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}
