/**
 * Heat figure: per-node heat per frame as stacked areas (one colour per node, legend sorted by
 * total heat), the graph total as a line, the cumulative graph heat on a secondary axis, and,
 * when the graph has a thermal budget, the budget as a horizontal line with the frames over it
 * shaded. Long curves are decimated natively to the pixel width (`columnStats`: mean heat per
 * frame in each column) and accumulated natively (`runningSum`); TypeScript only places them.
 */
import { columnStats, runningSum } from "../analysis/series-columns";
import { ampError } from "../errors";
import type { RenderResult } from "../render/result";
import { seriesColor, withAlpha } from "./colors";
import {
  LEGEND,
  bottomMargin,
  checkFigureOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  figureTitle,
  intOption,
  short,
  spanFrames,
  type CommonFigureOptions,
} from "./common";
import { Figure, type PlotlyTrace } from "./figure";
import { f4 } from "./typed-array";

/** Options of {@link heatFigure} (`plot.heat`). */
export interface HeatFigureOptions extends CommonFigureOptions {
  /** Batch drawn, integer in [0, batches - 1]; default 0. */
  readonly batch?: number;
  /** Time span `[start, end]` in seconds; default the whole render. */
  readonly span?: readonly [number, number];
  /** Pixel columns, integer in [16, 8000]; default the figure width (never more than the frames). */
  readonly columns?: number;
  /** Nodes drawn (names); default every node with heat, sorted by total heat (largest first). */
  readonly nodes?: readonly string[];
}

const KEYS = ["title", "width", "height", "batch", "span", "columns", "nodes"];
const OWNER = "plot.heat()";

/** Heat curves of a render made with `recordHeat: true`. */
export function heatFigure(result: RenderResult, options: HeatFigureOptions = {}): Figure {
  checkFigureOptions(OWNER, options, KEYS);
  const heat = result.heat;
  if (heat === undefined) {
    throw ampError("AMP_ERR_INVALID_ARGUMENT", `${OWNER}: the result has no heat curves; render with { recordHeat: true }`, {
      stage: "plot",
    });
  }
  const { batches, frames } = result.shape;
  const width = intOption(OWNER, "width", options.width, 200, 4000, DEFAULT_WIDTH);
  const height = intOption(OWNER, "height", options.height, 100, 2000, DEFAULT_HEIGHT);
  const batch = intOption(OWNER, "batch", options.batch, 0, batches - 1, 0);
  const [start, end] = spanFrames(OWNER, options.span, frames, result.sampleRate);
  const columns = Math.min(end - start, intOption(OWNER, "columns", options.columns, 16, 8000, width));
  const known = Object.keys(heat.nodes);
  let names: string[];
  if (options.nodes !== undefined) {
    const wanted = options.nodes;
    if (!Array.isArray(wanted) || wanted.length === 0 || wanted.some((n) => typeof n !== "string" || !known.includes(n))) {
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        `${OWNER} option "nodes" expects a non-empty list of node names from ${known.join(", ")}, got ${JSON.stringify(wanted)}`,
        { stage: "plot" },
      );
    }
    names = [...wanted];
  } else {
    // Legend order: total heat per node (the runtime's summaries), largest first.
    names = known.filter((n) => (result.nodes[n]?.totalHeat ?? 0) > 0);
    if (names.length === 0) names = known;
    names.sort((a, b) => (result.nodes[b]?.totalHeat ?? 0) - (result.nodes[a]?.totalHeat ?? 0));
  }
  const lane = (curve: Float64Array) => curve.subarray(batch * frames, (batch + 1) * frames);
  const span: [number, number] = [start, end];
  const sr = result.sampleRate;
  const step = (end - start) / columns / sr;
  const x0 = start / sr + step / 2;
  const traces: PlotlyTrace[] = [];
  names.forEach((name, i) => {
    const stats = columnStats(lane(heat.nodes[name] as Float64Array), 1, frames, columns, span);
    traces.push({
      type: "scatter",
      mode: "lines",
      name,
      stackgroup: "nodes",
      x0,
      dx: step,
      y: f4(stats.mean),
      line: { color: seriesColor(i), width: 0.5 },
      fillcolor: withAlpha(seriesColor(i), 0.55),
      hovertemplate: `${name}<br>%{x:.4f} s<br>%{y:.4g} heat/frame<extra></extra>`,
    });
  });
  const total = columnStats(lane(heat.graph), 1, frames, columns, span);
  traces.push({
    type: "scatter",
    mode: "lines",
    name: "graph total",
    x0,
    dx: step,
    y: f4(total.mean),
    line: { color: "#111111", width: 1.6 },
    hovertemplate: `graph total<br>%{x:.4f} s<br>%{y:.4g} heat/frame<extra></extra>`,
  });
  const cumulative = runningSum(total.sum, 1, columns);
  traces.push({
    type: "scatter",
    mode: "lines",
    name: "cumulative (right axis)",
    x0: start / sr + step,
    dx: step,
    y: f4(cumulative),
    yaxis: "y2",
    line: { color: "#d62728", width: 1.4, dash: "dot" },
    hovertemplate: `cumulative<br>%{x:.4f} s<br>%{y:.5g} heat<extra></extra>`,
  });
  const shapes: Record<string, unknown>[] = [];
  const budget = result.summary.thermalBudget;
  if (budget > 0) {
    // The runtime flags frames whose heat rate exceeds the budget: heat per frame > budget / sampleRate.
    const perFrame = budget / sr;
    traces.push({
      type: "scatter",
      mode: "lines",
      name: `thermal budget (${short(budget)}/s)`,
      x: [start / sr, end / sr],
      y: [perFrame, perFrame],
      line: { color: "#ff7f0e", width: 1.5, dash: "dash" },
      hoverinfo: "skip",
    });
    if (result.overBudget !== undefined) {
      const flags = Float64Array.from(result.overBudget.subarray(batch * frames, (batch + 1) * frames));
      const flagged = columnStats(flags, 1, frames, columns, span);
      // Shade runs of columns holding at least one flagged frame.
      let runStart = -1;
      for (let c = 0; c <= columns; c += 1) {
        const on = c < columns && (flagged.max[c] ?? 0) > 0;
        if (on && runStart < 0) runStart = c;
        if (!on && runStart >= 0) {
          shapes.push({
            type: "rect",
            xref: "x",
            yref: "paper",
            x0: (flagged.edges[runStart] ?? 0) / sr,
            x1: (flagged.edges[c] ?? 0) / sr,
            y0: 0,
            y1: 1,
            fillcolor: "rgba(214,39,40,0.16)",
            line: { width: 0 },
            layer: "above",
          });
          runStart = -1;
        }
      }
    }
  }
  const over = result.summary.framesOverBudget;
  let what = `heat (batch ${batch}${budget > 0 ? `, ${over} frame${over === 1 ? "" : "s"} over budget` : ""})`;
  if (budget > 0 && result.overBudget === undefined) what += " · render with recordOverBudget: true to shade them";
  const layout: Record<string, unknown> = {
    title: { text: figureTitle(what, result, options.title), font: { size: 14 } },
    height,
    autosize: true,
    margin: { l: 70, r: 80, t: 50, b: bottomMargin(traces.length) },
    legend: LEGEND,
    xaxis: { title: { text: "time (s)" }, range: [start / sr, end / sr] },
    yaxis: { title: { text: "heat (units/frame)" }, rangemode: "tozero", exponentformat: "SI" },
    yaxis2: {
      title: { text: "cumulative heat (units)" },
      overlaying: "y",
      side: "right",
      rangemode: "tozero",
      showgrid: false,
      exponentformat: "SI",
    },
  };
  if (shapes.length > 0) layout["shapes"] = shapes;
  return new Figure({ data: traces, layout, timeAxis: true });
}
