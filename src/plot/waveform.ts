/**
 * Waveform figure (librosa `waveshow` habits): per pixel column the min/max band of each channel,
 * filled, with the RMS band (-rms .. +rms) drawn darker inside it; when the span has fewer than
 * two samples per pixel, the samples themselves as points and lines. Time in seconds; one colour
 * per channel (channels overlaid in a row); one row per batch. Every value comes from the native
 * `envelope` (exact per-column min, max, RMS and non-finite counts) or from the samples.
 */
import type { AnalysisSignal } from "../analysis/common";
import { envelope } from "../analysis/envelope";
import { channelColor, withAlpha } from "./colors";
import {
  checkFigureOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  figureTitle,
  indexSelection,
  intOption,
  MAX_DEFAULT_ROWS,
  spanFrames,
  stackedLayout,
  yAxisId,
  type CommonFigureOptions,
} from "./common";
import { Figure, type PlotlyTrace } from "./figure";
import { f4 } from "./typed-array";

/** Options of {@link waveform}. */
export interface WaveformOptions extends CommonFigureOptions {
  /** Time span `[start, end]` in seconds, 0 <= start < end <= duration; default the whole signal. */
  readonly span?: readonly [number, number];
  /** Batches drawn as rows (distinct indices); default the first 8. */
  readonly batches?: readonly number[];
  /** Channels drawn (distinct indices); default all. */
  readonly channels?: readonly number[];
  /**
   * Pixel columns of the envelope, integer in [16, 8000]; default the figure width. Below two
   * samples per column the samples are drawn instead.
   */
  readonly columns?: number;
}

const KEYS = ["title", "width", "height", "span", "batches", "channels", "columns"];
const OWNER = "plot.waveform()";

/** Waveform of a signal (a RenderResult or any `{samples, shape, sampleRate}`). */
export function waveform(signal: AnalysisSignal, options: WaveformOptions = {}): Figure {
  checkFigureOptions(OWNER, options, KEYS);
  const { batches: B, channels: C, frames } = signal.shape;
  const width = intOption(OWNER, "width", options.width, 200, 4000, DEFAULT_WIDTH);
  const height = intOption(OWNER, "height", options.height, 100, 2000, DEFAULT_HEIGHT);
  const columns = intOption(OWNER, "columns", options.columns, 16, 8000, width);
  const [start, end] = spanFrames(OWNER, options.span, frames, signal.sampleRate);
  const batches = indexSelection(OWNER, "batches", options.batches, B, MAX_DEFAULT_ROWS);
  const channels = indexSelection(OWNER, "channels", options.channels, C);
  const span = end - start;
  const exact = span < 2 * columns;
  const traces: PlotlyTrace[] = [];
  // Exact extremes of the span (one native column per lane) decide the y range.
  const whole = envelope(signal, 1, { start, end, batches, channels });
  let exceeds = false;
  for (let i = 0; i < whole.max.length; i += 1) {
    if ((whole.max[i] ?? 0) > 1 || (whole.min[i] ?? 0) < -1) exceeds = true;
  }
  let nonFiniteTotal = 0;
  for (let i = 0; i < whole.nonFinite.length; i += 1) nonFiniteTotal += whole.nonFinite[i] ?? 0;

  const env = exact ? undefined : envelope(signal, Math.min(columns, span), { start, end, batches, channels });
  batches.forEach((b, row) => {
    const axes = { xaxis: "x", yaxis: yAxisId(row) };
    channels.forEach((c, lc) => {
      const colour = channelColor(c);
      const group = `ch${c}`;
      const first = row === 0;
      const name = `channel ${c}`;
      if (env === undefined) {
        const lane = (b * C + c) * frames;
        traces.push({
          type: "scatter",
          mode: span <= columns / 4 ? "lines+markers" : "lines",
          name,
          legendgroup: group,
          showlegend: first,
          x0: start / signal.sampleRate,
          dx: 1 / signal.sampleRate,
          y: f4(signal.samples.subarray(lane + start, lane + end)),
          line: { color: colour, width: 1.2 },
          marker: { color: colour, size: 4 },
          hovertemplate: `${name}<br>%{x:.6f} s<br>%{y:.5f}<extra></extra>`,
          ...axes,
        });
        return;
      }
      const cols = env.shape.columns;
      const at = (row * channels.length + lc) * cols;
      const x = f4(env.times);
      const min = env.min.subarray(at, at + cols);
      const max = env.max.subarray(at, at + cols);
      const rms = env.rms.subarray(at, at + cols);
      const negRms = Float64Array.from(rms, (v) => -v);
      traces.push(
        {
          type: "scatter",
          mode: "lines",
          name: `${name} max`,
          legendgroup: group,
          showlegend: false,
          x,
          y: f4(max),
          line: { color: colour, width: 0.6 },
          hovertemplate: `${name} max %{y:.4f}<br>%{x:.4f} s<extra></extra>`,
          ...axes,
        },
        {
          type: "scatter",
          mode: "lines",
          name,
          legendgroup: group,
          showlegend: first,
          x,
          y: f4(min),
          fill: "tonexty",
          fillcolor: withAlpha(colour, 0.35),
          line: { color: colour, width: 0.6 },
          hovertemplate: `${name} min %{y:.4f}<br>%{x:.4f} s<extra></extra>`,
          ...axes,
        },
        {
          type: "scatter",
          mode: "lines",
          name: `${name} rms`,
          legendgroup: group,
          showlegend: false,
          x,
          y: f4(rms),
          line: { color: colour, width: 0 },
          hovertemplate: `${name} rms %{y:.4f}<br>%{x:.4f} s<extra></extra>`,
          ...axes,
        },
        {
          type: "scatter",
          mode: "lines",
          name: `${name} -rms`,
          legendgroup: group,
          showlegend: false,
          x,
          y: f4(negRms),
          fill: "tonexty",
          fillcolor: withAlpha(colour, 0.8),
          line: { color: colour, width: 0 },
          hoverinfo: "skip",
          ...axes,
        },
      );
      // Columns holding NaN or Inf samples, marked on the zero line.
      const bad: number[] = [];
      for (let k = 0; k < cols; k += 1) if ((env.nonFinite[at + k] ?? 0) > 0) bad.push(env.times[k] ?? 0);
      if (bad.length > 0) {
        traces.push({
          type: "scatter",
          mode: "markers",
          name: `${name} NaN/Inf`,
          legendgroup: group,
          x: bad,
          y: bad.map(() => 0),
          marker: { symbol: "x", color: "#d62728", size: 8 },
          ...axes,
        });
      }
    });
  });
  const shapes = exceeds
    ? batches.flatMap((_, row) =>
        [-1, 1].map((y) => ({
          type: "line",
          xref: "x domain",
          x0: 0,
          x1: 1,
          yref: yAxisId(row),
          y0: y,
          y1: y,
          line: { color: "#d62728", width: 1, dash: "dot" },
        })),
      )
    : [];
  const what = exact ? "waveform (samples)" : "waveform (min/max and RMS per pixel)";
  const notes: string[] = [];
  if (exceeds) notes.push("exceeds [-1, 1]");
  if (nonFiniteTotal > 0) notes.push(`${nonFiniteTotal} NaN/Inf samples`);
  if (B > batches.length && options.batches === undefined) notes.push(`batches 0-${batches.length - 1} of ${B}`);
  const title =
    figureTitle(what, signal, options.title) + (notes.length > 0 && options.title === undefined ? ` · ${notes.join(", ")}` : "");
  const layout = stackedLayout({
    title,
    rows: batches.length,
    rowHeight: height,
    xaxis: { title: { text: "time (s)" }, range: [start / signal.sampleRate, end / signal.sampleRate] },
    yaxis: () =>
      exceeds
        ? { title: { text: "amplitude (FS)" }, autorange: true, zeroline: true }
        : { title: { text: "amplitude (FS)" }, range: [-1, 1], zeroline: true },
    labels: batches.map((b) => `batch ${b}`),
  });
  if (shapes.length > 0) layout["shapes"] = shapes;
  return new Figure({ data: traces, layout, timeAxis: true });
}
