/**
 * The chapter registry: every lab the CLI knows, in book order, then the
 * cross-chapter labs (`compare`). Adding a chapter = one import and one entry here.
 */
import type { Chapter } from "./types.js";
import { ch1 } from "./ch1.js";
import { ch2 } from "./ch2.js";
import { ch3 } from "./ch3.js";
import { ch4 } from "./ch4.js";
import { ch5 } from "./ch5.js";
import { ch6 } from "./ch6.js";
import { ch7 } from "./ch7.js";
import { ch8 } from "./ch8.js";
import { ch9 } from "./ch9.js";
import { compare } from "./compare.js";
import { exploreLab } from "./explore/index.js";

export const chapters: Chapter[] = [ch1, ch2, ch3, ch4, ch5, ch6, ch7, ch8, ch9, compare, exploreLab];

export function findChapter(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}
