/**
 * Sweep figure: one measurement (or parameter) of a sweep's points against another, as lines
 * and markers, optionally one line per value of a third column (`color`). Values are the
 * table's, measured natively; points are ordered by x within a line; failed points are left out.
 */
import { ampError, validationError } from "../errors";
import type { SweepCell, SweepTable } from "../sweep/table";
import { seriesColor } from "./colors";
import { checkFigureOptions, DEFAULT_HEIGHT, intOption, LEGEND, bottomMargin, type CommonFigureOptions } from "./common";
import { Figure, type PlotlyTrace } from "./figure";

/** Options of {@link sweepFigure} (`plot.sweep`). */
export interface SweepFigureOptions extends CommonFigureOptions {
  /** A column (grid path or measurement) whose values each get their own line; default one line. */
  readonly color?: string;
  /** `"lines+markers"` (default), `"markers"` or `"lines"`. */
  readonly mode?: "lines+markers" | "markers" | "lines";
  /** Axis types; default `"linear"`. */
  readonly xScale?: "linear" | "log";
  readonly yScale?: "linear" | "log";
}

const KEYS = ["title", "width", "height", "color", "mode", "xScale", "yScale"];
const OWNER = "plot.sweep()";

function checkColumn(table: SweepTable, name: unknown, role: string): string {
  const columns = table.columns.filter((c) => c !== "file" && c !== "error");
  if (typeof name !== "string" || !columns.includes(name))
    throw validationError({ param: role, label: `${OWNER} argument` }, `a column of the table: ${columns.join(", ")}`, name);
  return name;
}

function numeric(values: readonly SweepCell[], column: string): number[] {
  return values.map((v) => {
    if (typeof v !== "number")
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        `${OWNER}: column "${column}" holds ${JSON.stringify(v)}, not a number; plot a numeric column`,
        {
          stage: "plot",
        },
      );
    return v;
  });
}

/** `y` against `x` over the sweep's points (rows with an error are skipped). */
export function sweepFigure(table: SweepTable, x: string, y: string, options: SweepFigureOptions = {}): Figure {
  if (typeof table !== "object" || table === null || !Array.isArray((table as SweepTable).rows))
    throw validationError({ param: "table", label: `${OWNER} argument` }, "a SweepTable from sweep()", table);
  checkFigureOptions(OWNER, options, KEYS);
  const xName = checkColumn(table, x, "x");
  const yName = checkColumn(table, y, "y");
  const colorName = options.color === undefined ? undefined : checkColumn(table, options.color, "color");
  const height = intOption(OWNER, "height", options.height, 100, 2000, DEFAULT_HEIGHT);
  const mode = options.mode ?? "lines+markers";
  if (!["lines+markers", "markers", "lines"].includes(mode))
    throw validationError({ param: "mode", label: `${OWNER} option` }, '"lines+markers", "markers" or "lines"', mode);
  for (const key of ["xScale", "yScale"] as const)
    if (options[key] !== undefined && options[key] !== "linear" && options[key] !== "log")
      throw validationError({ param: key, label: `${OWNER} option` }, '"linear" or "log"', options[key]);
  const rows = table.rows.filter((r) => r.error === undefined);
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = colorName === undefined ? "" : String(table.cell(row, colorName));
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [row]);
    else list.push(row);
  }
  const traces: PlotlyTrace[] = [];
  [...groups.entries()].forEach(([key, members], i) => {
    const xs = numeric(
      members.map((r) => table.cell(r, xName)),
      xName,
    );
    const ys = numeric(
      members.map((r) => table.cell(r, yName)),
      yName,
    );
    const order = xs.map((_, k) => k).sort((a, b) => (xs[a] as number) - (xs[b] as number));
    traces.push({
      type: "scatter",
      mode,
      name: colorName === undefined ? yName : `${colorName} = ${key}`,
      x: order.map((k) => xs[k]),
      y: order.map((k) => ys[k]),
      customdata: order.map((k) => (members[k] as { index: number }).index),
      line: { color: seriesColor(i), width: 1.5 },
      marker: { color: seriesColor(i), size: 6 },
      hovertemplate: `${xName} %{x}<br>${yName} %{y}<br>point %{customdata}<extra></extra>`,
    });
  });
  const title = options.title ?? `${yName} against ${xName} · ${rows.length} point${rows.length === 1 ? "" : "s"}`;
  return new Figure({
    data: traces,
    layout: {
      title: { text: title, font: { size: 14 } },
      height,
      autosize: true,
      margin: { l: 70, r: 30, t: 50, b: bottomMargin(traces.length) },
      legend: LEGEND,
      showlegend: colorName !== undefined,
      xaxis: { title: { text: xName }, type: options.xScale ?? "linear" },
      yaxis: { title: { text: yName }, type: options.yScale ?? "linear" },
    },
    label: title,
  });
}
