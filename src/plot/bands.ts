/**
 * Band metrics figure. Top: frequency (Hz) against time with each band [lower, upper] as a filled
 * region (its opacity following the band's intensity when one is given) and, when given, the
 * phase offset on a secondary axis. Below: band levels in dB over time: the in-band level and the
 * out-of-band levels (below and above the band).
 *
 * Three sources feed it: a signal, measured natively with `bandEnergy` for a fixed band;
 * {@link BandTrack} values; or a render result and a node name, whose `bands` tap (the FFT
 * divider's, one record per analysis frame) gives the band bounds, intensity, phase and levels.
 */
import type { AnalysisSignal, WindowName } from "../analysis/common";
import { bandEnergy, type Band } from "../analysis/band-energy";
import { validationError } from "../errors";
import { seriesColor, withAlpha } from "./colors";
import {
  LEGEND,
  checkFigureOptions,
  DEFAULT_HEIGHT,
  figureTitle,
  indexSelection,
  intOption,
  numberOption,
  short,
  type CommonFigureOptions,
} from "./common";
import { Figure, type PlotlyTrace } from "./figure";
import { f4 } from "./typed-array";
import { bandTrackFromTap, isRenderResult } from "./bands-tap";
import type { RenderResult } from "../render/result";

/** Band metrics over time, from any source (measured or reported by a node's tap). */
export interface BandTrack {
  /** Time of each frame in seconds. */
  readonly times: Float64Array;
  /** Lower band edge per frame in Hz. */
  readonly lowerHz: Float64Array;
  /** Upper band edge per frame in Hz. */
  readonly upperHz: Float64Array;
  /** Band intensity per frame in [0, 1] (fill opacity), when reported. */
  readonly intensity?: Float64Array;
  /** Phase offset per frame in radians, when reported. */
  readonly phase?: Float64Array;
  /** Level curves in dB per frame, e.g. `{ name: "in band", db }`. */
  readonly levels: readonly { readonly name: string; readonly db: Float64Array }[];
  /** Unit of the level curves, e.g. `"dBFS"`. */
  readonly levelUnit: string;
}

/** Options of {@link bandsFigure} (`plot.bands`). */
export interface BandsFigureOptions extends Omit<CommonFigureOptions, "width"> {
  /** The band `[lowHz, highHz)` measured from a signal; required with a signal. */
  readonly band?: Band;
  /** Batch of the signal, integer; default 0. */
  readonly batch?: number;
  /** Channel of the signal, integer; default 0. */
  readonly channel?: number;
  /** FFT frame length in samples; default 2048 (or the signal length). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
  /** Window; default `"hann"`. */
  readonly window?: WindowName;
  /** Floor of the levels in dB, in [-400, 0]; default -140. */
  readonly floorDb?: number;
}

const KEYS = ["title", "height", "band", "batch", "channel", "size", "overlap", "window", "floorDb"];
const OWNER = "plot.bands()";

function isTrack(value: unknown): value is BandTrack {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as BandTrack).lowerHz instanceof Float64Array &&
    (value as BandTrack).times instanceof Float64Array
  );
}

/** Measures in-band and out-of-band levels of one lane natively (`bandEnergy`). */
export function measureBand(signal: AnalysisSignal, options: BandsFigureOptions): BandTrack {
  const nyquist = signal.sampleRate / 2;
  const band = options.band;
  if (
    !Array.isArray(band) ||
    band.length !== 2 ||
    !(typeof band[0] === "number" && typeof band[1] === "number") ||
    !(band[0] >= 0 && band[0] < band[1] && band[1] <= nyquist)
  ) {
    throw validationError({ param: "band", label: `${OWNER} option` }, `[lowHz, highHz] with 0 <= lowHz < highHz <= ${nyquist}`, band);
  }
  const [batch] = indexSelection(OWNER, "batch", options.batch === undefined ? undefined : [options.batch], signal.shape.batches, 1);
  const [channel] = indexSelection(
    OWNER,
    "channel",
    options.channel === undefined ? undefined : [options.channel],
    signal.shape.channels,
    1,
  );
  const floorDb = numberOption(OWNER, "floorDb", options.floorDb, -400, 0, -140);
  const bands: Band[] = [[band[0], band[1]]];
  const names = ["in band"];
  if (band[0] > 0) {
    bands.push([0, band[0]]);
    names.push(`below (0-${short(band[0])} Hz)`);
  }
  if (band[1] < nyquist) {
    bands.push([band[1], nyquist]);
    names.push(`above (${short(band[1])}-${short(nyquist)} Hz)`);
  }
  const e = bandEnergy(signal, {
    bands,
    batches: [batch ?? 0],
    channels: [channel ?? 0],
    floorDb,
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.overlap !== undefined ? { overlap: options.overlap } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
  });
  const n = e.shape.frames;
  return {
    times: e.times,
    lowerHz: new Float64Array(n).fill(band[0]),
    upperHz: new Float64Array(n).fill(band[1]),
    levels: names.map((name, i) => ({ name, db: e.levelDb.subarray(i * n, (i + 1) * n) })),
    levelUnit: "dBFS",
  };
}

/**
 * Band metrics figure of a signal (with `band`), of a {@link BandTrack}, or of the `bands` tap a node
 * published in a render: `plot.bands(result, "div", { channel: 1 })` draws the FFT divider's band
 * edges, intensity, phase and in-band / out-of-band levels per analysis frame.
 */
export function bandsFigure(source: AnalysisSignal | BandTrack, options?: BandsFigureOptions): Figure;
export function bandsFigure(result: RenderResult, node: string, options?: BandsFigureOptions): Figure;
export function bandsFigure(
  source: AnalysisSignal | BandTrack | RenderResult,
  nodeOrOptions: string | BandsFigureOptions = {},
  tapOptions: BandsFigureOptions = {},
): Figure {
  const node = typeof nodeOrOptions === "string" ? nodeOrOptions : undefined;
  const options = typeof nodeOrOptions === "string" ? tapOptions : nodeOrOptions;
  checkFigureOptions(OWNER, options, KEYS);
  const height = intOption(OWNER, "height", options.height, 100, 2000, DEFAULT_HEIGHT);
  let track: BandTrack;
  if (node !== undefined) {
    if (!isRenderResult(source)) {
      throw validationError({ param: "source", label: `${OWNER} argument` }, "a render result when a node name is given", source);
    }
    track = bandTrackFromTap(source, node, {
      ...(options.batch !== undefined ? { batch: options.batch } : {}),
      ...(options.channel !== undefined ? { channel: options.channel } : {}),
    });
  } else {
    track = isTrack(source) ? source : measureBand(source, options);
  }
  const x = f4(track.times);
  const traces: PlotlyTrace[] = [];
  const bandColour = "#1f77b4";
  traces.push(
    {
      type: "scatter",
      mode: "lines",
      name: "upper edge",
      x,
      y: f4(track.upperHz),
      line: { color: bandColour, width: 1 },
      showlegend: false,
      hovertemplate: "upper %{y:.1f} Hz<br>%{x:.3f} s<extra></extra>",
      xaxis: "x",
      yaxis: "y",
    },
    {
      type: "scatter",
      mode: "lines",
      name: "band",
      x,
      y: f4(track.lowerHz),
      fill: "tonexty",
      fillcolor: withAlpha(bandColour, 0.3),
      line: { color: bandColour, width: 1 },
      hovertemplate: "lower %{y:.1f} Hz<br>%{x:.3f} s<extra></extra>",
      xaxis: "x",
      yaxis: "y",
    },
  );
  if (track.intensity !== undefined) {
    traces.push({
      type: "scatter",
      mode: "markers",
      name: "intensity",
      x,
      y: f4(track.upperHz),
      marker: { color: f4(track.intensity), colorscale: "Blues", cmin: 0, cmax: 1, size: 5, showscale: false },
      xaxis: "x",
      yaxis: "y",
    });
  }
  if (track.phase !== undefined) {
    traces.push({
      type: "scatter",
      mode: "lines",
      name: "phase offset (rad)",
      x,
      y: f4(track.phase),
      line: { color: "#9467bd", width: 1, dash: "dot" },
      xaxis: "x",
      yaxis: "y3",
    });
  }
  track.levels.forEach((level, i) => {
    traces.push({
      type: "scatter",
      mode: "lines",
      name: level.name,
      x,
      y: f4(level.db),
      line: { color: i === 0 ? bandColour : seriesColor(i + 1), width: i === 0 ? 1.8 : 1.2 },
      hovertemplate: `${level.name}<br>%{x:.3f} s<br>%{y:.1f} ${track.levelUnit}<extra></extra>`,
      xaxis: "x",
      yaxis: "y2",
    });
  });
  const signalSource = isTrack(source) ? undefined : source;
  const what =
    node !== undefined
      ? `band metrics of ${node}`
      : `band metrics${options.band !== undefined ? ` [${short(options.band[0])}, ${short(options.band[1])}) Hz` : ""}`;
  const title = signalSource === undefined ? (options.title ?? what) : figureTitle(what, signalSource, options.title);
  const layout: Record<string, unknown> = {
    title: { text: title, font: { size: 14 } },
    height: Math.round(height * 1.6),
    autosize: true,
    margin: { l: 70, r: 70, t: 50, b: 90 },
    legend: LEGEND,
    xaxis: { title: { text: "time (s)" }, anchor: "y2" },
    yaxis: { title: { text: "frequency (Hz)" }, domain: [0.55, 1], anchor: "x", rangemode: "tozero" },
    yaxis2: { title: { text: `level (${track.levelUnit})` }, domain: [0, 0.45], anchor: "x" },
  };
  if (track.phase !== undefined) layout["yaxis3"] = { title: { text: "phase (rad)" }, overlaying: "y", side: "right", showgrid: false };
  return new Figure({ data: traces, layout, timeAxis: true });
}
