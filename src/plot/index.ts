/**
 * `plot.*`: pure functions from results to figures. Every number drawn comes from the native
 * runtime or its analysis functions; a figure is a plain plotly object turned into a MIME bundle
 * in one place (`bundle.ts`).
 */
import { bandsFigure } from "./bands";
import { graphFigure } from "./graph-diagram";
import { grid } from "./grid";
import { heatFigure } from "./heat";
import { spectrogramFigure } from "./spectrogram";
import { spectrumFigure } from "./spectrum";
import { sweepFigure } from "./sweep";
import { waveform } from "./waveform";

/** The figure functions: `plot.waveform(result)`, `plot.spectrum(result, { scale: "log" })`, ... */
export const plot = Object.freeze({
  /** Min/max and RMS per pixel column (samples when zoomed in), one row per batch. */
  waveform,
  /** Welch power spectrum in dBFS against frequency (log by default). */
  spectrum: spectrumFigure,
  /** Spectrogram heatmap in dBFS with a fixed dynamic range. */
  spectrogram: spectrogramFigure,
  /** Band bounds over time and in-band / out-of-band levels; `plot.bands(result, "div")` draws a node's band-metrics tap. */
  bands: bandsFigure,
  /** Per-node heat per frame (stacked), graph total, cumulative, thermal budget. */
  heat: heatFigure,
  /** The graph diagram (SVG). */
  graph: graphFigure,
  /** One measurement of a sweep against a parameter or another measurement: `plot.sweep(table, "lp.frequency", "centroidHz")`. */
  sweep: sweepFigure,
  /** Several figures stacked into one, time axes shared. */
  grid,
});
