/**
 * Spectral centroid (`amp_analysis_centroid`): per lane, `sum_k f_k P_k / sum_k P_k` over the
 * bins `f_k = k * sampleRate / size` (k = 0 .. size / 2) of the Welch averaged one-sided power
 * (frames as the spectrum's: no padding, `1 + floor((frames - size) / hop)` segments); 0 Hz for
 * a lane without energy. A steady sine reads its frequency (within the window's leakage).
 */
import { loadAddon } from "../native/load-addon";
import { checkFrames, checkOptions, checkSignal, nativeConfig, selectLanes } from "./checks";
import type { AnalysisSignal, FrameOptions, LaneSelection } from "./common";

const KEYS = ["size", "overlap", "window", "beta", "batches", "channels"];

/** Options of {@link spectralCentroid}. */
export interface CentroidOptions extends FrameOptions, LaneSelection {
  /** Frame length in samples; default 4096 (or the signal length when shorter). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
}

/** Centroids of the selected lanes. */
export interface Centroid {
  /** Centroid in Hz per selected lane, planar `(batch, channel)` over the selection. */
  readonly hz: Float64Array;
  /** The selected batch indices, in result order. */
  readonly batches: readonly number[];
  /** The selected channel indices, in result order. */
  readonly channels: readonly number[];
  /** Frame length and hop in samples. */
  readonly size: number;
  readonly hop: number;
}

/**
 * Spectral centroid in Hz of each selected lane, computed natively.
 * @param signal - planar samples, shape and sample rate (a RenderResult is one)
 * @param options - frames, window, lanes
 */
export function spectralCentroid(signal: AnalysisSignal, options: CentroidOptions = {}): Centroid {
  const checked = checkSignal("spectralCentroid", signal);
  const opts = checkOptions<CentroidOptions>("spectralCentroid", options, KEYS);
  const selection = selectLanes("spectralCentroid", checked.shape, opts);
  const frames = checkFrames("spectralCentroid", opts, checked.shape.frames, 4096, 0.5);
  const { batches, channels, frames: length } = checked.shape;
  const hz = loadAddon().analysisCentroid(
    nativeConfig(checked.sampleRate, frames, undefined, -200),
    checked.samples,
    batches,
    channels,
    length,
    selection.lanes,
  );
  return Object.freeze({ hz, batches: selection.batches, channels: selection.channels, size: frames.size, hop: frames.hop });
}
