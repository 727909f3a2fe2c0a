/**
 * Spectrum figure: Welch power in dBFS (or PSD in dB re 1 FS^2/Hz) against frequency, log
 * frequency from 20 Hz to Nyquist by default, floored so silence does not dominate; one colour
 * per channel, one row per batch; optional peak annotations. Every value comes from the native
 * `spectrum` (and `peaks`).
 */
import type { AnalysisSignal, WindowName } from "../analysis/common";
import { peaks, spectrum, type Spectrum } from "../analysis/spectrum";
import { validationError } from "../errors";
import { channelColor } from "./colors";
import {
  checkFigureOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  figureTitle,
  indexSelection,
  intOption,
  MAX_DEFAULT_ROWS,
  numberOption,
  short,
  stackedLayout,
  yAxisId,
  type CommonFigureOptions,
} from "./common";
import { Figure, type PlotlyTrace } from "./figure";
import { f4 } from "./typed-array";

/** Options of {@link spectrumFigure} (`plot.spectrum`). */
export interface SpectrumFigureOptions extends CommonFigureOptions {
  /** Frequency axis: `"log"` (default, from `minHz`, default 20 Hz) or `"linear"` (from 0 Hz). */
  readonly scale?: "log" | "linear";
  /** What is drawn: `"power"` (dBFS, a full-scale sine reads 0 dB; default) or `"psd"` (dB re 1 FS^2/Hz). */
  readonly kind?: "power" | "psd";
  /** Lowest frequency in Hz; default 20 (log) or 0 (linear). */
  readonly minHz?: number;
  /** Highest frequency in Hz, at most Nyquist; default Nyquist. */
  readonly maxHz?: number;
  /** Points on the frequency axis, integer in [16, 8192]; default the figure width. */
  readonly points?: number;
  /** Floor in dB, finite in [-400, 0]; default -140. */
  readonly floorDb?: number;
  /** FFT frame length in samples (see `spectrum`); default 4096 or the signal length. */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
  /** Window; default `"hann"`. */
  readonly window?: WindowName;
  /** Annotate the strongest peaks of each lane, integer in [0, 20]; default 0. */
  readonly peaks?: number;
  /** Batches drawn as rows; default the first 8. */
  readonly batches?: readonly number[];
  /** Channels drawn; default all. */
  readonly channels?: readonly number[];
}

const KEYS = [
  "title",
  "width",
  "height",
  "scale",
  "kind",
  "minHz",
  "maxHz",
  "points",
  "floorDb",
  "size",
  "overlap",
  "window",
  "peaks",
  "batches",
  "channels",
];
const OWNER = "plot.spectrum()";

/** Spectrum of a signal (a RenderResult or any `{samples, shape, sampleRate}`). */
export function spectrumFigure(signal: AnalysisSignal, options: SpectrumFigureOptions = {}): Figure {
  checkFigureOptions(OWNER, options, KEYS);
  const scale = options.scale ?? "log";
  if (scale !== "log" && scale !== "linear")
    throw validationError({ param: "scale", label: `${OWNER} option` }, `"log" or "linear"`, scale);
  const kind = options.kind ?? "power";
  if (kind !== "power" && kind !== "psd") throw validationError({ param: "kind", label: `${OWNER} option` }, `"power" or "psd"`, kind);
  const width = intOption(OWNER, "width", options.width, 200, 4000, DEFAULT_WIDTH);
  const height = intOption(OWNER, "height", options.height, 100, 2000, DEFAULT_HEIGHT);
  const points = intOption(OWNER, "points", options.points, 16, 8192, width);
  const floorDb = numberOption(OWNER, "floorDb", options.floorDb, -400, 0, -140);
  const peakCount = intOption(OWNER, "peaks", options.peaks, 0, 20, 0);
  const batches = indexSelection(OWNER, "batches", options.batches, signal.shape.batches, MAX_DEFAULT_ROWS);
  const channels = indexSelection(OWNER, "channels", options.channels, signal.shape.channels);
  const frame = {
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.overlap !== undefined ? { overlap: options.overlap } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
  };
  const s: Spectrum = spectrum(signal, {
    ...frame,
    batches,
    channels,
    scale,
    points,
    floorDb,
    ...(options.minHz !== undefined ? { minHz: options.minHz } : {}),
    ...(options.maxHz !== undefined ? { maxHz: options.maxHz } : {}),
  });
  const values = kind === "power" ? s.powerDb : s.psdDb;
  const unit = kind === "power" ? "dBFS" : "dB re 1 FS²/Hz";
  const n = s.shape.points;
  const x = f4(s.frequencies);
  const traces: PlotlyTrace[] = [];
  batches.forEach((_, row) => {
    channels.forEach((c, lc) => {
      const at = (row * channels.length + lc) * n;
      traces.push({
        type: "scatter",
        mode: "lines",
        name: `channel ${c}`,
        legendgroup: `ch${c}`,
        showlegend: row === 0,
        x,
        y: f4(values.subarray(at, at + n)),
        line: { color: channelColor(c), width: 1.3 },
        hovertemplate: `channel ${c}<br>%{x:.1f} Hz<br>%{y:.1f} ${unit}<extra></extra>`,
        xaxis: "x",
        yaxis: yAxisId(row),
      });
    });
  });
  const annotations: Record<string, unknown>[] = [];
  if (peakCount > 0) {
    const found = peaks(signal, { ...frame, batches, channels, count: peakCount, minDb: floorDb });
    for (const p of found) {
      const row = batches.indexOf(p.batch);
      annotations.push({
        x: scale === "log" ? Math.log10(p.frequency) : p.frequency,
        y: p.levelDb,
        xref: "x",
        yref: yAxisId(row),
        text: `${short(p.frequency, 5)} Hz<br>${p.levelDb.toFixed(1)} dBFS`,
        showarrow: true,
        arrowhead: 2,
        ax: 0,
        ay: -30,
        font: { size: 10, color: channelColor(p.channel) },
      });
    }
  }
  const xmin = s.frequencies[0] ?? 0;
  const xmax = s.frequencies[n - 1] ?? signal.sampleRate / 2;
  const layout = stackedLayout({
    title: figureTitle(
      `${kind === "power" ? "power spectrum" : "power spectral density"} (Welch, ${s.window}, ${s.size} pt, ${s.segments} segments)`,
      signal,
      options.title,
    ),
    rows: batches.length,
    rowHeight: height,
    xaxis: {
      title: { text: "frequency (Hz)" },
      type: scale,
      range: scale === "log" ? [Math.log10(xmin), Math.log10(xmax)] : [xmin, xmax],
    },
    yaxis: () => ({ title: { text: `level (${unit})` }, range: [floorDb, null], autorange: "max" }),
    labels: batches.map((b) => `batch ${b}`),
  });
  if (annotations.length > 0) layout["annotations"] = [...((layout["annotations"] as unknown[]) ?? []), ...annotations];
  return new Figure({ data: traces, layout });
}
