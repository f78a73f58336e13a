/**
 * The chapter registry: every lab the CLI knows, in book order.
 * Adding a chapter = one import and one entry here.
 */
import type { Chapter } from "./types.js";
import { ch3 } from "./ch3.js";
import { compare } from "./compare.js";


export const chapters: Chapter[] = [ch3, compare];

export function findChapter(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}
