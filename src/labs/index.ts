/**
 * The chapter registry: every lab the CLI knows, in book order, then the
 * cross-chapter labs (`compare`). Adding a chapter = one import and one entry here.
 */
import type { Chapter } from "./types.js";
import { ch2 } from "./ch2.js";
import { ch8 } from "./ch8.js";
import { compare } from "./compare.js";

export const chapters: Chapter[] = [ch2, ch8, compare];

export function findChapter(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}
