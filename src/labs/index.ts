/**
 * The chapter registry: every lab the CLI knows, in book order, then the
 * cross-chapter labs (`compare`). Adding a chapter = one import and one entry here.
 */
import type { Chapter } from "./types.js";
import { ch1 } from "./ch1/index.js";
import { ch2 } from "./ch2/index.js";
import { ch3 } from "./ch3/index.js";
import { ch4 } from "./ch4/index.js";
import { ch5 } from "./ch5/index.js";
import { ch6 } from "./ch6/index.js";
import { ch7 } from "./ch7/index.js";
import { ch8 } from "./ch8/index.js";
import { ch9 } from "./ch9/index.js";
import { compare } from "./compare.js";
import { exploreLab } from "./explore/index.js";

export const chapters: Chapter[] = [ch1, ch2, ch3, ch4, ch5, ch6, ch7, ch8, ch9, compare, exploreLab];

export function findChapter(id: string): Chapter | undefined {
  return chapters.find((c) => c.id === id);
}
