/**
 * `--check`: compares the outputs of a re-run with the stored ones, cell by cell.
 *
 * Rules (see docs/notebooks.md):
 * - outputs are compared in order; a missing, extra or differently typed output is a difference;
 * - `stream`: the stream name and the whole text, exactly (numbers printed are compared digit
 *   for digit; renders are deterministic);
 * - `error`: ename and evalue (the traceback holds paths and is not compared);
 * - `execute_result` / `display_data`: the same MIME types, each compared by content:
 *   `application/vnd.plotly.v1+json` (a figure) by its data, layout and config, every number
 *   exactly; when a bundle carries a plotly figure, its `text/html` is the drawing of that data
 *   (plus plotly.js inlined once) and is not compared separately; other text types exactly,
 *   after replacing the random element ids the library generates (`amp-<kind>-<16 hex>`);
 *   binary types (base64) exactly; JSON types by value;
 * - execution counts and output metadata are not compared;
 * - progress displays of long renders (output metadata `amp_kpn.progress`, see
 *   docs/long-work.md) hold timings and are left out on both sides;
 * - the notebooks' `metadata.amp_kpn.renderedGraphs` lists (graph content hashes) must match.
 */
import { isDeepStrictEqual } from "node:util";
import { PLOTLY_MIME } from "../plot/bundle";
import type { Cell, Notebook, Output, OutputData } from "./nbformat";

/** One difference, with the 1-based cell number (0: the notebook's metadata). */
export interface Difference {
  readonly cell: number;
  readonly what: string;
}

const ID_PATTERN = /\bamp-([a-z][a-z-]*)-[0-9a-f]{16}\b/g;

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value);
}

function normaliseIds(value: string): string {
  return value.replace(ID_PATTERN, "amp-$1-#");
}

function clip(value: string): string {
  const flat = JSON.stringify(value);
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** Where two texts first differ, shown as both lines. */
function textDifference(stored: string, got: string): string {
  const a = stored.split("\n");
  const b = got.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return `line ${i + 1}: stored ${clip(a[i] ?? "<none>")}, got ${clip(b[i] ?? "<none>")}`;
  }
  return "differs";
}

/** The first path at which two JSON values differ. */
function jsonDifference(stored: unknown, got: unknown, path = ""): string | undefined {
  if (isDeepStrictEqual(stored, got)) return undefined;
  if (
    typeof stored === "object" &&
    stored !== null &&
    typeof got === "object" &&
    got !== null &&
    Array.isArray(stored) === Array.isArray(got)
  ) {
    const a = stored as Record<string, unknown>;
    const b = got as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = jsonDifference(a[key], b[key], Array.isArray(stored) ? `${path}[${key}]` : `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return `${path === "" ? "value" : path}: stored ${clip(JSON.stringify(stored) ?? "undefined")}, got ${clip(JSON.stringify(got) ?? "undefined")}`;
}

function bundleDifferences(stored: OutputData, got: OutputData): string[] {
  const found: string[] = [];
  const mimes = [...new Set([...Object.keys(stored), ...Object.keys(got)])].sort();
  const figure = PLOTLY_MIME in stored || PLOTLY_MIME in got;
  for (const mime of mimes) {
    if (!(mime in stored)) found.push(`${mime}: not stored, got one`);
    else if (!(mime in got)) found.push(`${mime}: stored, missing in the re-run`);
    else if (mime === "text/html" && figure) continue;
    else if (mime.endsWith("json")) {
      const d = jsonDifference(stored[mime], got[mime]);
      if (d !== undefined) found.push(`${mime} ${d}`);
    } else if (mime.startsWith("text/") || mime === "image/svg+xml") {
      const a = normaliseIds(text(stored[mime]));
      const b = normaliseIds(text(got[mime]));
      if (a !== b) found.push(`${mime} ${textDifference(a, b)}`);
    } else if (text(stored[mime]).replace(/\s/g, "") !== text(got[mime]).replace(/\s/g, "")) found.push(`${mime}: the data differs`);
  }
  return found;
}

function outputDifferences(stored: Output, got: Output): string[] {
  if (stored.output_type !== got.output_type) return [`stored ${stored.output_type}, got ${got.output_type}`];
  if (stored.output_type === "stream" && got.output_type === "stream") {
    if (stored.name !== got.name) return [`stream ${stored.name}, got ${got.name}`];
    const a = text(stored.text);
    const b = text(got.text);
    return a === b ? [] : [`${stored.name} ${textDifference(a, b)}`];
  }
  if (stored.output_type === "error" && got.output_type === "error") {
    return stored.ename === got.ename && stored.evalue === got.evalue
      ? []
      : [`error: stored ${stored.ename}: ${clip(stored.evalue)}, got ${got.ename}: ${clip(got.evalue)}`];
  }
  if ("data" in stored && "data" in got) return bundleDifferences(stored.data, got.data);
  return [];
}

function describe(output: Output): string {
  return output.output_type === "stream" ? `stream ${output.name}` : output.output_type;
}

/** A long render's progress display (timings: never compared). */
function isProgressDisplay(output: Output): boolean {
  if (output.output_type !== "display_data") return false;
  const mark = (output.metadata as Record<string, unknown> | undefined)?.["amp_kpn"];
  return typeof mark === "object" && mark !== null && (mark as Record<string, unknown>)["progress"] === true;
}

function cellDifferences(stored: Cell | undefined, got: Cell, cell: number): Difference[] {
  if (got.cell_type !== "code") return [];
  if (stored === undefined || stored.cell_type !== "code") return [{ cell, what: "not a code cell in the stored notebook" }];
  const found: Difference[] = [];
  const storedOutputs = stored.outputs.filter((o) => !isProgressDisplay(o));
  const gotOutputs = got.outputs.filter((o) => !isProgressDisplay(o));
  const n = Math.max(storedOutputs.length, gotOutputs.length);
  for (let i = 0; i < n; i += 1) {
    const a = storedOutputs[i];
    const b = gotOutputs[i];
    const at = `output ${i + 1}`;
    if (a === undefined && b !== undefined) found.push({ cell, what: `${at}: not stored, the re-run has ${describe(b)}` });
    else if (b === undefined && a !== undefined) found.push({ cell, what: `${at}: stored ${describe(a)}, missing in the re-run` });
    else if (a !== undefined && b !== undefined) for (const what of outputDifferences(a, b)) found.push({ cell, what: `${at}: ${what}` });
  }
  return found;
}

function renderedGraphs(notebook: Notebook): unknown {
  const record = notebook.metadata["amp_kpn"];
  return typeof record === "object" && record !== null ? (record as Record<string, unknown>)["renderedGraphs"] : undefined;
}

/** Every difference between the stored notebook and the re-run (same cells, re-executed). */
export function compareNotebooks(stored: Notebook, rerun: Notebook): Difference[] {
  const found: Difference[] = [];
  if (stored.cells.length !== rerun.cells.length)
    found.push({ cell: 0, what: `stored ${stored.cells.length} cells, the re-run has ${rerun.cells.length}` });
  for (const [i, cell] of rerun.cells.entries()) found.push(...cellDifferences(stored.cells[i], cell, i + 1));
  const a = renderedGraphs(stored);
  const b = renderedGraphs(rerun);
  if (!isDeepStrictEqual(a, b))
    found.push({ cell: 0, what: `rendered graph hashes: stored ${JSON.stringify(a)}, got ${JSON.stringify(b)}` });
  return found;
}
