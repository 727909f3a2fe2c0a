/**
 * Spectrogram figure: a heatmap of short-time power in dBFS, time (s) across, frequency (Hz) up
 * (log by default), a colour bar in dB over a fixed dynamic range below the maximum; one row per
 * (batch, channel) lane. Values, times, frequencies and the maximum come from the native
 * `spectrogram` (with its maximum); the payload is bounded by `maxValues` (columns are grouped
 * natively to fit).
 */
import type { AnalysisSignal, FrequencyScale, WindowName } from "../analysis/common";
import { spectrogram } from "../analysis/spectrogram";
import { validationError } from "../errors";
import {
  checkFigureOptions,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  figureTitle,
  indexSelection,
  intOption,
  MAX_DEFAULT_ROWS,
  numberOption,
  stackedLayout,
  yAxisId,
  type CommonFigureOptions,
} from "./common";
import { Figure, type PlotlyTrace } from "./figure";
import { f4, f4Matrix } from "./typed-array";

/** Options of {@link spectrogramFigure} (`plot.spectrogram`). */
export interface SpectrogramFigureOptions extends CommonFigureOptions {
  /** Frequency axis: `"log"` (default), `"linear"` or `"mel"` (rows evenly spaced in mel, drawn on a linear Hz axis). */
  readonly scale?: FrequencyScale;
  /** Lowest frequency in Hz; default 20 (log) or 0. */
  readonly minHz?: number;
  /** Highest frequency in Hz; default Nyquist. */
  readonly maxHz?: number;
  /** Frequency rows, integer in [16, 1024]; default 200. */
  readonly rows?: number;
  /** Dynamic range of the colour bar in dB below the maximum, in [10, 300]; default 90. */
  readonly rangeDb?: number;
  /** FFT frame length in samples; default 2048 (or the signal length). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.75. */
  readonly overlap?: number;
  /** Window; default `"hann"`. */
  readonly window?: WindowName;
  /**
   * Most dB values sent (all lanes together), integer in [1000, 2000000]; default 80000 (about
   * 430 kB of base64 float32). Time columns are grouped natively to fit, at most `width` of them.
   */
  readonly maxValues?: number;
  /** Batches drawn; default the first 8 lanes' batches. */
  readonly batches?: readonly number[];
  /** Channels drawn; default all. */
  readonly channels?: readonly number[];
}

const KEYS = [
  "title",
  "width",
  "height",
  "scale",
  "minHz",
  "maxHz",
  "rows",
  "rangeDb",
  "size",
  "overlap",
  "window",
  "maxValues",
  "batches",
  "channels",
];
const OWNER = "plot.spectrogram()";
const SCALES: readonly FrequencyScale[] = ["log", "linear", "mel"];

/** Spectrogram of a signal (a RenderResult or any `{samples, shape, sampleRate}`). */
export function spectrogramFigure(signal: AnalysisSignal, options: SpectrogramFigureOptions = {}): Figure {
  checkFigureOptions(OWNER, options, KEYS);
  const scale = options.scale ?? "log";
  if (!SCALES.includes(scale)) throw validationError({ param: "scale", label: `${OWNER} option` }, `"log", "linear" or "mel"`, scale);
  const width = intOption(OWNER, "width", options.width, 200, 4000, DEFAULT_WIDTH);
  const height = intOption(OWNER, "height", options.height, 100, 2000, DEFAULT_HEIGHT);
  const rows = intOption(OWNER, "rows", options.rows, 16, 1024, 200);
  const rangeDb = numberOption(OWNER, "rangeDb", options.rangeDb, 10, 300, 90);
  const maxValues = intOption(OWNER, "maxValues", options.maxValues, 1000, 2_000_000, 80_000);
  const channels = indexSelection(OWNER, "channels", options.channels, signal.shape.channels);
  const batches = indexSelection(
    OWNER,
    "batches",
    options.batches,
    signal.shape.batches,
    Math.max(1, Math.floor(MAX_DEFAULT_ROWS / channels.length)),
  );
  const lanes = batches.length * channels.length;
  const maxColumns = Math.max(1, Math.min(width, Math.floor(maxValues / (rows * lanes))));
  const sg = spectrogram(signal, {
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.overlap !== undefined ? { overlap: options.overlap } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
    ...(options.minHz !== undefined ? { minHz: options.minHz } : {}),
    ...(options.maxHz !== undefined ? { maxHz: options.maxHz } : {}),
    batches,
    channels,
    scale,
    rows,
    maxColumns,
    floorDb: -300,
  });
  const { columns, rows: R } = sg.shape;
  // The colour bar spans [max - rangeDb, max]; the maximum is found natively.
  const zmax = sg.maxDb;
  const zmin = zmax - rangeDb;
  const x = f4(sg.times);
  const y = f4(sg.frequencies);
  const traces: PlotlyTrace[] = [];
  const labels: string[] = [];
  let lane = 0;
  for (const b of batches) {
    for (const c of channels) {
      const at = lane * columns * R;
      traces.push({
        type: "heatmap",
        name: `batch ${b} channel ${c}`,
        x,
        y,
        // Native layout is (column, row) with row fastest: plotly's z[column][row], transposed.
        z: f4Matrix(sg.db.subarray(at, at + columns * R), columns, R),
        transpose: true,
        zmin,
        zmax,
        colorscale: "Viridis",
        showscale: lane === 0,
        colorbar: { title: { text: "dBFS", side: "right" }, len: 1, y: 0.5, yanchor: "middle" },
        hovertemplate: `%{x:.3f} s<br>%{y:.1f} Hz<br>%{z:.1f} dBFS<extra>batch ${b} ch ${c}</extra>`,
        xaxis: "x",
        yaxis: yAxisId(lane),
      });
      labels.push(`batch ${b} · channel ${c}`);
      lane += 1;
    }
  }
  const layout = stackedLayout({
    title: figureTitle(`spectrogram (${sg.window}, ${sg.size} pt, hop ${sg.hop}, ${rangeDb} dB range)`, signal, options.title),
    rows: lanes,
    rowHeight: height,
    xaxis: { title: { text: "time (s)" }, range: [0, signal.shape.frames / signal.sampleRate] },
    yaxis: () => ({ title: { text: "frequency (Hz)" }, type: scale === "log" ? "log" : "linear" }),
    labels,
  });
  layout["showlegend"] = false;
  return new Figure({ data: traces, layout, timeAxis: true });
}
