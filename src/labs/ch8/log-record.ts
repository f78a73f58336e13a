/**
 * One record of the append log, and the scan that reads a whole log back.
 *
 * A record is one line: `<crc32 of the JSON, 8 lowercase hex> <JSON>\n`, where the
 * JSON is `[seq, "s", key, base64(value)]` or `[seq, "d", key]`.
 *
 * What each part defends against:
 * - The newline is the record's last byte and cannot occur inside it (JSON escapes
 *   it in keys; base64 has none), so a write cut short — a crash, a short write
 *   under a file-size limit, a power cut that leaves zeros — never ends in a
 *   complete-looking record: the fragment either lacks its newline or fails its CRC.
 * - The CRC-32 (zlib's `crc32`, in `node:zlib` since Node 20.15; the same polynomial
 *   computed from a table on older Node 20 — see `checksum`) covers the sequence
 *   number, the operation, the key and the value: a flipped byte anywhere in the
 *   JSON, or in the checksum itself (compared as the exact lowercase text, so a
 *   flipped case bit is caught too), fails the record.
 * - The sequence number starts at 1 in every file and grows by one per record, so
 *   a record that is missing (a deleted line), repeated, or out of place (swapped
 *   lines) is caught even though each line on its own is valid.
 *
 * What it cannot see: the loss of whole records at the very end (a file cut back
 * at a record boundary looks like a log whose last writes never happened). Only a
 * second copy of the length elsewhere would catch that; no single-file log does.
 *
 * The scan stops at the first record that fails and calls the failure a *torn
 * tail* when no valid record follows it (what a crash inside a write leaves), or
 * *damage* when a valid record does (something changed the file after the fact).
 */
import * as zlib from "node:zlib";
import type { Bytes } from "./messages.js";

/** CRC-32 (IEEE 802.3, zlib's). The package supports Node >= 20.0; `zlib.crc32` arrived in 20.15. */
const crc32: (data: Uint8Array) => number =
  typeof zlib.crc32 === "function" ? (data) => zlib.crc32(data) : tableCrc32();

function tableCrc32(): (data: Uint8Array) => number {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return (data) => {
    let c = -1;
    for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
}

/** @internal for the test that pins the fallback to zlib's output. */
export const fallbackCrc32 = tableCrc32();

export type LogEntry = { op: "s"; key: string; value: Bytes } | { op: "d"; key: string };

const NEWLINE = 0x0a;
const HEX = /^[0-9a-f]{8}$/;

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** The bytes of record `seq` (newline included). */
export function encodeRecord(seq: number, entry: LogEntry): Buffer {
  const json = JSON.stringify(
    entry.op === "s" ? [seq, "s", entry.key, Buffer.from(entry.value).toString("base64")] : [seq, "d", entry.key],
  );
  const body = Buffer.from(json, "utf8");
  return Buffer.concat([Buffer.from(`${hex8(crc32(body))} `, "latin1"), body, Buffer.from("\n", "latin1")]);
}

/** Why one line is not a valid record with sequence number `seq`, or its entry. */
export function decodeRecord(line: Buffer, seq: number): LogEntry | string {
  if (line.length < 10 || line[8] !== 0x20) return "malformed record";
  const sum = line.toString("latin1", 0, 8);
  const body = line.subarray(9);
  if (!HEX.test(sum) || sum !== hex8(crc32(body))) return "checksum mismatch";
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return "checksum matches but the record is not JSON"; // only a writer bug gets here
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== "number" || typeof parsed[2] !== "string")
    return "malformed record";
  if (parsed[0] !== seq) return `out of sequence: expected record ${seq}, found ${parsed[0]}`;
  if (parsed[1] === "s" && typeof parsed[3] === "string" && parsed.length === 4)
    return { op: "s", key: parsed[2], value: new Uint8Array(Buffer.from(parsed[3], "base64")) };
  if (parsed[1] === "d" && parsed.length === 3) return { op: "d", key: parsed[2] };
  return "malformed record";
}

export interface ScanResult {
  /** Entries of the valid prefix, in order. */
  entries: LogEntry[];
  /** Bytes of the valid prefix (where the file is cut back to). */
  goodBytes: number;
  /** Set when something after the valid prefix was not a record. */
  failure?: {
    kind: "torn-tail" | "damaged";
    /** 1-based line of the first bad record. */
    line: number;
    reason: string;
    /** Records after it that still verify (their key is known), and lines that do not. */
    laterValid: { key: string }[];
    laterInvalid: number;
  };
}

/** Read a whole log: the valid prefix, and what is wrong after it. */
export function scanLog(data: Buffer): ScanResult {
  const entries: LogEntry[] = [];
  let start = 0;
  let line = 0;
  while (start < data.length) {
    const end = data.indexOf(NEWLINE, start);
    line++;
    const decoded = end < 0 ? "unfinished record (no newline)" : decodeRecord(data.subarray(start, end), line);
    if (typeof decoded === "string")
      return { entries, goodBytes: start, failure: describeRest(data, start, line, decoded) };
    entries.push(decoded);
    start = end + 1;
  }
  return { entries, goodBytes: start };
}

/** Classify what follows the first bad record: any checksum-valid record after it means damage, not a torn write. */
function describeRest(data: Buffer, from: number, line: number, reason: string): NonNullable<ScanResult["failure"]> {
  const laterValid: { key: string }[] = [];
  let laterInvalid = 0;
  let start = data.indexOf(NEWLINE, from);
  start = start < 0 ? data.length : start + 1;
  while (start < data.length) {
    let end = data.indexOf(NEWLINE, start);
    if (end < 0) end = data.length;
    const body = data.subarray(start, end);
    // Any sequence number will do here: we only ask "is this an intact record, and whose?".
    const seq = peekSeq(body);
    const decoded = seq === null ? "malformed" : decodeRecord(body, seq);
    if (typeof decoded === "string") laterInvalid++;
    else laterValid.push({ key: decoded.key });
    start = end + 1;
  }
  return { kind: laterValid.length > 0 ? "damaged" : "torn-tail", line, reason, laterValid, laterInvalid };
}

function peekSeq(body: Buffer): number | null {
  const m = /^\[(\d+),/.exec(body.toString("latin1", 9, 30));
  return m === null ? null : Number(m[1]);
}
