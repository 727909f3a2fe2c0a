/**
 * What the figures share: the titles that say what was rendered, axis stacking for small
 * multiples (one row per batch, shared time axis), option checks.
 */
import type { AnalysisSignal } from "../analysis/common";
import { checkOptionKeys, validationError } from "../errors";
import type { Graph } from "../graph/graph";
import type { PlotlyLayout } from "./figure";

/** Options every figure takes. */
export interface CommonFigureOptions {
  /** Title; default says what was rendered (graph hash, output node, sample rate, duration). */
  readonly title?: string;
  /** Width in px the data is decimated to (pixel columns or points; the drawing itself is responsive); integer in [200, 4000]; default 800. */
  readonly width?: number;
  /** Height in px per row; integer in [100, 2000]; default 300. */
  readonly height?: number;
}

/** Legend placement: one horizontal row under the x axis title (the title keeps the top). */
export const LEGEND = Object.freeze({
  orientation: "h",
  traceorder: "normal",
  x: 0,
  xanchor: "left",
  yref: "container",
  y: 0,
  yanchor: "bottom",
});

/** Bottom margin in px leaving room for the x axis title and a legend of `entries` entries (about 4 per row). */
export function bottomMargin(entries: number): number {
  return 80 + 22 * Math.max(1, Math.ceil(entries / 4));
}

/** Default width in px. */
export const DEFAULT_WIDTH = 800;
/** Default height in px per row. */
export const DEFAULT_HEIGHT = 300;
/** Most batches drawn as rows by default (more must be chosen with `batches`). */
export const MAX_DEFAULT_ROWS = 8;

/** Checks an option bag: an object with known keys. */
export function checkFigureOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw validationError({ param: "options", label: `${owner} argument` }, "an object", options);
  }
  checkOptionKeys({ label: `${owner} option` }, options, known, owner);
}

/** Checks that `value` is an integer in [min, max] (or undefined, giving `fallback`). */
export function intOption(owner: string, name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw validationError({ param: name, label: `${owner} option` }, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** Checks that `value` is a finite number in [min, max] (or undefined, giving `fallback`). */
export function numberOption(owner: string, name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw validationError({ param: name, label: `${owner} option` }, `a finite number in [${min}, ${max}]`, value);
  }
  return value;
}

/** Checks a time span `[start, end]` in seconds inside [0, duration]; returns it in frames `[start, end)`. */
export function spanFrames(owner: string, span: unknown, frames: number, sampleRate: number): [number, number] {
  if (span === undefined) return [0, frames];
  const duration = frames / sampleRate;
  if (
    !Array.isArray(span) ||
    span.length !== 2 ||
    typeof span[0] !== "number" ||
    typeof span[1] !== "number" ||
    !(span[0] >= 0) ||
    !(span[1] <= duration) ||
    !(span[0] < span[1])
  ) {
    throw validationError(
      { param: "span", label: `${owner} option` },
      `[start, end] in seconds with 0 <= start < end <= ${duration}`,
      span,
    );
  }
  const start = Math.min(frames - 1, Math.floor(span[0] * sampleRate));
  const end = Math.max(start + 1, Math.min(frames, Math.ceil(span[1] * sampleRate)));
  return [start, end];
}

/** Checks a selection of indices in [0, count - 1] without repeats (default: `0 .. min(count, limit) - 1`). */
export function indexSelection(owner: string, name: string, value: unknown, count: number, limit = Infinity): number[] {
  if (value === undefined) return Array.from({ length: Math.min(count, limit) }, (_, i) => i);
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < count) &&
    new Set(value).size === value.length;
  if (!ok)
    throw validationError({ param: name, label: `${owner} option` }, `a non-empty list of distinct integers in [0, ${count - 1}]`, value);
  return [...(value as number[])];
}

/** A number for titles: up to `digits` significant digits, no trailing zeros. */
export function short(value: number, digits = 4): string {
  return String(Number(value.toPrecision(digits)));
}

/** The graph a signal was rendered from (a RenderResult's), or undefined. */
export function renderedGraph(signal: AnalysisSignal): Graph | undefined {
  const graph = (signal as { graph?: unknown }).graph;
  return typeof graph === "object" && graph !== null && typeof (graph as Graph).hash === "string" ? (graph as Graph) : undefined;
}

/** "graph 3f2a9c01b7de · output amp · 48000 Hz · 2.000 s" for a render; rate and duration otherwise. */
export function describeSource(signal: AnalysisSignal): string {
  const parts: string[] = [];
  const graph = renderedGraph(signal);
  if (graph !== undefined) {
    parts.push(`graph ${graph.hash.slice(0, 12)}`);
    parts.push(`output ${graph.outputName ?? "?"}`);
  }
  parts.push(`${short(signal.sampleRate, 6)} Hz`);
  parts.push(`${(signal.shape.frames / signal.sampleRate).toFixed(3)} s`);
  return parts.join(" · ");
}

/** `"<what> · <source>"`, or the user's title. */
export function figureTitle(what: string, signal: AnalysisSignal, title: string | undefined): string {
  return title ?? `${what} · ${describeSource(signal)}`;
}

/** plotly axis id of row r (0-based): "y", "y2", ... */
export function yAxisId(row: number): string {
  return row === 0 ? "y" : `y${row + 1}`;
}

/** plotly layout key of an axis id: "y" -> "yaxis", "y3" -> "yaxis3". */
export function axisKey(id: string): string {
  return `${id[0]}axis${id.slice(1)}`;
}

/**
 * A layout of `rows` stacked rows sharing one x axis (at the bottom): row 0 on top. Each row's y
 * axis gets `yaxis` merged in; `labels` (e.g. "batch 1") annotate the rows when given.
 */
export function stackedLayout(options: {
  title: string;
  rows: number;
  rowHeight: number;
  xaxis: Record<string, unknown>;
  yaxis: (row: number) => Record<string, unknown>;
  labels?: readonly string[];
}): PlotlyLayout {
  const { rows } = options;
  const gap = rows > 1 ? 0.06 / Math.max(1, rows - 1) : 0;
  const rowSpan = (1 - gap * (rows - 1)) / rows;
  const layout: Record<string, unknown> = {
    title: { text: options.title, font: { size: 14 } },
    height: options.rowHeight * rows + (rows > 1 ? 40 : 0),
    autosize: true,
    margin: { l: 70, r: 30, t: 50, b: 90 },
    showlegend: true,
    legend: LEGEND,
    xaxis: { ...options.xaxis, anchor: yAxisId(rows - 1) },
  };
  for (let r = 0; r < rows; r += 1) {
    const top = 1 - r * (rowSpan + gap);
    layout[axisKey(yAxisId(r))] = { domain: [Math.max(0, top - rowSpan), Math.min(1, top)], anchor: "x", ...options.yaxis(r) };
  }
  if (options.labels !== undefined && rows > 1) {
    layout["annotations"] = options.labels.map((text, r) => ({
      text,
      xref: "paper",
      yref: `${yAxisId(r)} domain`,
      x: 0,
      y: 1,
      xanchor: "left",
      yanchor: "bottom",
      showarrow: false,
      font: { size: 11, color: "#555" },
    }));
  }
  return layout;
}
