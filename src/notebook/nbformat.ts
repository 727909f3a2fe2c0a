/**
 * The parts of Jupyter's notebook format (nbformat 4) the runner reads and writes: cells,
 * outputs as Jupyter stores them, reading with checks and writing with Jupyter's layout
 * (one-space JSON indent, sorted keys are not required; a trailing newline).
 */
import { readFileSync } from "node:fs";
import { usageError } from "../cli/args";

/** A MIME bundle as stored in a notebook: MIME type to string (or JSON for `+json` types). */
export type OutputData = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: OutputData;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: OutputData;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: Record<string, unknown> & { tags?: string[] };
  source: string | string[];
  execution_count: number | null;
  outputs: Output[];
}
export interface TextCell {
  cell_type: "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown>;
  source: string | string[];
  attachments?: Record<string, unknown>;
}
export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown> & {
    kernelspec?: { name?: string; display_name?: string; language?: string };
  };
  cells: Cell[];
}

/** A cell's source as one string (nbformat allows a list of lines). */
export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Splits text into lines keeping their newlines, as Jupyter stores multi-line strings. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** True when `cell` carries the tag `tag` (e.g. `"parameters"`). */
export function hasTag(cell: Cell, tag: string): boolean {
  const tags = cell.metadata["tags"];
  return Array.isArray(tags) && tags.includes(tag);
}

/** Checks a parsed notebook; throws a usage error naming what is wrong. */
export function checkNotebook(value: unknown, source: string): Notebook {
  const fail = (what: string): never => {
    throw usageError(`${source}: ${what}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("not a notebook (expected a JSON object)");
  const nb = value as Record<string, unknown>;
  if (nb["nbformat"] !== 4) fail(`only nbformat 4 notebooks are supported, got nbformat ${JSON.stringify(nb["nbformat"])}`);
  if (!Array.isArray(nb["cells"])) fail(`"cells" must be a list`);
  if (typeof nb["metadata"] !== "object" || nb["metadata"] === null) fail(`"metadata" must be an object`);
  for (const [i, cell] of (nb["cells"] as unknown[]).entries()) {
    const c = cell as Record<string, unknown> | null;
    const type = c?.["cell_type"];
    if (type !== "code" && type !== "markdown" && type !== "raw") fail(`cell ${i + 1}: unknown cell_type ${JSON.stringify(type)}`);
    const src = c?.["source"];
    if (typeof src !== "string" && !(Array.isArray(src) && src.every((s) => typeof s === "string")))
      fail(`cell ${i + 1}: "source" must be a string or a list of strings`);
    if (c !== null && (typeof c["metadata"] !== "object" || c["metadata"] === null)) c["metadata"] = {};
    if (type === "code" && c !== null && !Array.isArray(c["outputs"])) c["outputs"] = [];
  }
  return value as Notebook;
}

/** Reads and checks the notebook at `path`. */
export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw usageError(`cannot read notebook ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return checkNotebook(parsed, path);
}

/** The notebook as Jupyter writes it: JSON indented by one space, a final newline. */
export function notebookText(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
