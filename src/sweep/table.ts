/**
 * The results of a sweep: one row per point (its parameters, graph hash, measurements, WAV path
 * or samples, and the error when the point failed), shown as a table in notebooks and written as
 * CSV. Values are formatted here, never computed.
 */
import { inspect } from "node:util";
import { DISPLAY_SYMBOL, type Displayable, type MimeBundle } from "../display/mime";
import type { GridValue, SweepPoint } from "./grid";
import { sweepTableToArrow } from "./arrow";

/** One point's results. */
export interface SweepRow {
  /** Index of the point in the sweep (grid order). */
  readonly index: number;
  /** The point's parameter values by grid path. */
  readonly params: SweepPoint;
  /** sha256 of the point's graph (every grid value applied). */
  readonly graphHash: string;
  /** Measurements by column name (see `SweepMeasure` and the `analyze` callback). */
  readonly measurements: Readonly<Record<string, number>>;
  /** WAV file of the point, when the audio went to a folder. */
  readonly file?: string;
  /** Planar `channels x frames` samples, when the audio was kept in memory. */
  readonly samples?: Float64Array;
  /** Why the point has no results (e.g. a worker refused it), else absent. */
  readonly error?: string;
}

/** A value of a table cell. */
export type SweepCell = GridValue | undefined;

const ROWS_SHOWN = 40;

function cellText(value: SweepCell): string {
  if (value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return String(value);
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function csvField(value: SweepCell): string {
  if (value === undefined) return "";
  const text = typeof value === "number" ? String(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The results table of a sweep. */
export class SweepTable implements Displayable {
  /** Grid paths, in grid order. */
  readonly paths: readonly string[];
  /** Measurement column names, in first-seen order. */
  readonly measures: readonly string[];
  /** One row per point, by point index. */
  readonly rows: readonly SweepRow[];

  constructor(paths: readonly string[], rows: readonly SweepRow[]) {
    this.paths = Object.freeze([...paths]);
    const measures: string[] = [];
    for (const row of rows) for (const key of Object.keys(row.measurements)) if (!measures.includes(key)) measures.push(key);
    this.measures = Object.freeze(measures);
    this.rows = Object.freeze([...rows]);
  }

  /** Every column name: `index`, the grid paths, `graphHash`, the measurements, then `file` and `error` when any row has one. */
  get columns(): string[] {
    const columns = ["index", ...this.paths, "graphHash", ...this.measures];
    if (this.rows.some((r) => r.file !== undefined)) columns.push("file");
    if (this.rows.some((r) => r.error !== undefined)) columns.push("error");
    return columns;
  }

  /** One cell: a grid path, a measurement, `index`, `graphHash`, `file` or `error`. */
  cell(row: SweepRow, column: string): SweepCell {
    if (column === "index") return row.index;
    if (column === "graphHash") return row.graphHash;
    if (column === "file") return row.file;
    if (column === "error") return row.error;
    if (Object.prototype.hasOwnProperty.call(row.params, column)) return row.params[column];
    return row.measurements[column];
  }

  /** A whole column, one value per row (undefined where a row has none). */
  column(name: string): SweepCell[] {
    return this.rows.map((row) => this.cell(row, name));
  }

  /** Rows that failed. */
  get failed(): SweepRow[] {
    return this.rows.filter((r) => r.error !== undefined);
  }

  /** The table as CSV (RFC 4180, header row, numbers written in full precision). */
  toCSV(): string {
    const columns = this.columns;
    const lines = [columns.map((c) => csvField(c)).join(",")];
    for (const row of this.rows) lines.push(columns.map((c) => csvField(this.cell(row, c))).join(","));
    return `${lines.join("\n")}\n`;
  }

  /**
   * The table as Apache Arrow IPC file bytes (Feather v2): typed columns (`index` Int32, numbers
   * Float64, booleans Bool, text Utf8, null where a row has no value), read directly by pandas
   * (`pd.read_feather`), polars (`pl.read_ipc`) and R (`arrow::read_ipc_file`).
   *
   * ```ts
   * writeFileSync("sweep.arrow", table.toArrow());
   * ```
   */
  toArrow(): Uint8Array {
    return sweepTableToArrow(this);
  }

  /** Aligned text: the first 40 rows (6 significant digits), then how many more. */
  toString(): string {
    const columns = this.columns.filter((c) => c !== "file");
    const shown = this.rows.slice(0, ROWS_SHOWN);
    const cells = shown.map((row) =>
      columns.map((c) => (c === "graphHash" ? String(row.graphHash).slice(0, 12) : cellText(this.cell(row, c)))),
    );
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
    const line = (values: readonly string[]) => values.map((v, i) => v.padStart(widths[i] ?? 0)).join("  ");
    const lines = [`SweepTable: ${this.rows.length} point${this.rows.length === 1 ? "" : "s"}`, line(columns), ...cells.map(line)];
    if (this.rows.length > ROWS_SHOWN) lines.push(`... ${this.rows.length - ROWS_SHOWN} more rows`);
    return lines.join("\n");
  }

  /** `util.inspect` / `console.log` output: {@link SweepTable.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** An HTML table of the first 40 rows. */
  html(): string {
    const columns = this.columns;
    const head = columns.map((c) => `<th style="text-align:right;padding:2px 8px">${esc(c)}</th>`).join("");
    const body = this.rows
      .slice(0, ROWS_SHOWN)
      .map((row) => {
        const tds = columns.map((c) => {
          const text = c === "graphHash" ? row.graphHash.slice(0, 12) : cellText(this.cell(row, c));
          const color = c === "error" ? ";color:#b00020" : "";
          return `<td style="text-align:right;padding:2px 8px;font-family:monospace${color}">${esc(text)}</td>`;
        });
        return `<tr>${tds.join("")}</tr>`;
      })
      .join("\n");
    const more = this.rows.length > ROWS_SHOWN ? `<div style="color:#777">... ${this.rows.length - ROWS_SHOWN} more rows</div>` : "";
    return [
      `<div class="amp-sweep" style="font-family:sans-serif;font-size:12px">`,
      `<div style="font-weight:bold;font-size:13px;margin-bottom:4px">SweepTable · ${this.rows.length} points</div>`,
      `<table style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>`,
      body,
      `</tbody></table>`,
      more,
      `</div>`,
    ].join("\n");
  }

  /** The MIME bundle the kernel shows: an HTML table and the text table. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return { "text/html": this.html(), "text/plain": this.toString() };
  }
}
