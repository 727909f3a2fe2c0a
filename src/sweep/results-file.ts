/**
 * A sweep's results file (`resultsFile`): JSON Lines, a header naming the sweep (render settings,
 * measurements, audio and runtime build), then one line per finished point (index, graph hash,
 * measurements, WAV path), appended as points finish. A sweep started with an existing file takes
 * the points recorded there and renders only the others, so an interrupted sweep resumes where it
 * stopped. Measurement numbers round-trip exactly: finite values as JSON numbers (shortest
 * round-trip form), -0, NaN and the infinities as strings.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { ampError } from "../errors";
import type { JobPointResult } from "./job";

/** Line 1 of a results file. */
interface Header {
  readonly ampKpnSweepResults: 1;
  readonly sweep: unknown;
}

/** One finished point, as written. */
interface PointLine {
  readonly index: number;
  readonly graphHash: string;
  readonly measurements: Record<string, number | string>;
  readonly file?: string;
}

/** An open results file: the points it held when opened, and `record` for points as they finish. */
export interface ResultsFile {
  /** Points recorded by an earlier run, by index (the last line of an index wins). */
  readonly recorded: ReadonlyMap<number, JobPointResult>;
  /** Appends finished points (failed ones are not recorded: a resumed sweep renders them again). */
  record(results: readonly JobPointResult[]): void;
  close(): void;
}

function fileError(path: string, why: string): never {
  throw ampError("AMP_ERR_INVALID_ARGUMENT", `sweep: results file ${path} ${why}`, { stage: "sweep" });
}

function encodeNumber(value: number): number | string {
  return Number.isFinite(value) && !Object.is(value, -0) ? value : String(Object.is(value, -0) ? "-0" : value);
}

function decodeNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value === "-0" || value === "NaN" || value === "Infinity" || value === "-Infinity") return Number(value);
  return undefined;
}

/** Parses one point line; throws naming the file and line when it is not one. */
function parsePoint(path: string, line: number, text: string): PointLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fileError(path, `is not a sweep results file: line ${line} is not JSON`);
  }
  const p = value as Partial<PointLine> | null;
  const ok =
    typeof p === "object" &&
    p !== null &&
    Number.isInteger(p.index) &&
    typeof p.graphHash === "string" &&
    typeof p.measurements === "object" &&
    p.measurements !== null &&
    Object.values(p.measurements).every((v) => decodeNumber(v) !== undefined) &&
    (p.file === undefined || typeof p.file === "string");
  if (!ok) return fileError(path, `is not a sweep results file: line ${line} is not a point { index, graphHash, measurements, file? }`);
  return p as PointLine;
}

/**
 * Opens (or creates) the results file of a sweep. `sweep` identifies the sweep (compared as JSON
 * with the file's header); `hashes[i]` is point i's graph hash; `channels` and `frames` describe
 * every point's audio. A torn last line (a run killed while writing) is cut off.
 */
export function openResultsFile(path: string, sweep: unknown, hashes: readonly string[], channels: number, frames: number): ResultsFile {
  const header = JSON.stringify({ ampKpnSweepResults: 1, sweep } satisfies Header);
  const recorded = new Map<number, JobPointResult>();
  let keepBytes = 0;
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8");
    const complete = text.slice(0, text.lastIndexOf("\n") + 1); // a last line without "\n" is torn
    keepBytes = Buffer.byteLength(complete);
    const lines = complete.split("\n").slice(0, -1);
    if (lines.length > 0) {
      let first: unknown;
      try {
        first = JSON.parse(lines[0] as string);
      } catch {
        fileError(path, "is not a sweep results file: line 1 is not JSON");
      }
      if ((first as Partial<Header> | null)?.ampKpnSweepResults !== 1)
        fileError(path, "is not a sweep results file: line 1 is not its header");
      if (JSON.stringify(first) !== header)
        fileError(
          path,
          `belongs to another sweep: it was written with ${JSON.stringify((first as Header).sweep)}, this sweep is ${JSON.stringify(sweep)}; give another file or delete it`,
        );
    }
    lines.slice(1).forEach((text, i) => {
      const p = parsePoint(path, i + 2, text);
      const hash = hashes[p.index];
      if (hash === undefined) fileError(path, `line ${i + 2} records point ${p.index}, but this sweep has ${hashes.length} points`);
      if (hash !== p.graphHash)
        fileError(
          path,
          `line ${i + 2} records point ${p.index} with graph hash ${p.graphHash}, but this sweep's point ${p.index} has ${hash}`,
        );
      // A point whose WAV file went missing is rendered again.
      if (p.file !== undefined && !existsSync(p.file)) return;
      const measurements: Record<string, number> = {};
      for (const [name, v] of Object.entries(p.measurements)) measurements[name] = decodeNumber(v) as number;
      recorded.set(p.index, { index: p.index, hash, measurements, ...(p.file === undefined ? {} : { file: p.file }), channels, frames });
    });
    if (lines.length === 0) keepBytes = 0;
  }
  const fd = openSync(path, existsSync(path) ? "r+" : "w");
  ftruncateSync(fd, keepBytes);
  let at = keepBytes;
  const append = (text: string): void => {
    const bytes = Buffer.from(text);
    writeSync(fd, bytes, 0, bytes.length, at);
    at += bytes.length;
  };
  if (keepBytes === 0) append(`${header}\n`);
  return {
    recorded,
    record(results) {
      const text = results
        .map((r) => {
          const measurements: Record<string, number | string> = {};
          for (const [name, v] of Object.entries(r.measurements)) measurements[name] = encodeNumber(v);
          const line: PointLine = { index: r.index, graphHash: r.hash, measurements, ...(r.file === undefined ? {} : { file: r.file }) };
          return `${JSON.stringify(line)}\n`;
        })
        .join("");
      if (text !== "") append(text);
    },
    close() {
      closeSync(fd);
    },
  };
}
