/**
 * What every analysis function shares: the signal it reads, lane selection, window names and
 * frequency scales. The maths is native (`amp_analysis_*`); this file only names and checks.
 */
import type { TensorShape } from "../render/shape";

/**
 * A planar signal to analyse: `samples[(b * channels + c) * frames + f]`, with its shape and
 * sample rate. A {@link RenderResult} is one, so `spectrum(result)` works.
 */
export interface AnalysisSignal {
  /** Planar `batches x channels x frames` samples (full scale is 1.0). */
  readonly samples: Float64Array;
  /** The shape of `samples`. */
  readonly shape: TensorShape;
  /** Sample rate in Hz, finite and > 0. */
  readonly sampleRate: number;
}

/**
 * Which lanes to analyse. Results are planar over the selection, in the order given:
 * `(selected batch index, selected channel index, ...)`.
 */
export interface LaneSelection {
  /** Batch indices, each an integer in [0, batches - 1], no repeats; default every batch. */
  readonly batches?: readonly number[];
  /** Channel indices, each an integer in [0, channels - 1], no repeats; default every channel. */
  readonly channels?: readonly number[];
}

/**
 * Analysis windows (see `docs/analysis.md` for the formulas, gains and scalloping losses):
 * `"rect"`, `"hann"`, `"hamming"` (0.54 / 0.46), `"blackman"` (0.42 / 0.5 / 0.08),
 * `"blackman-harris"` (4-term, -92 dB), `"kaiser"` (with `beta`).
 */
export type WindowName = "rect" | "hann" | "hamming" | "blackman" | "blackman-harris" | "kaiser";

/** Every {@link WindowName}, in the order of the C ABI's `AMP_WINDOW_*` codes. */
export const WINDOW_NAMES: readonly WindowName[] = ["rect", "hann", "hamming", "blackman", "blackman-harris", "kaiser"];

/** Gains of a window of `n` samples `w[j]` (all computed natively). */
export interface WindowGains {
  /** Coherent gain `sum(w) / n` (linear): the amplitude a bin-centred sine keeps. */
  readonly coherentGain: number;
  /** Energy (noise) gain `sum(w^2) / n` (linear): the power white noise keeps. */
  readonly energyGain: number;
  /** Equivalent noise bandwidth in bins: `n * sum(w^2) / sum(w)^2`. */
  readonly enbwBins: number;
  /** Scalloping loss in dB (>= 0): how much lower a sine half a bin off a bin centre reads. */
  readonly scallopingLossDb: number;
}

/**
 * Frequency axis of a resampled spectrum or spectrogram: `"linear"` (evenly spaced in Hz),
 * `"log"` (evenly spaced in log frequency), `"mel"` (evenly spaced in mel, HTK formula
 * `2595 log10(1 + f / 700)`).
 */
export type FrequencyScale = "linear" | "log" | "mel";

/** Options of the short-time frames shared by spectrum, spectrogram and band energy. */
export interface FrameOptions {
  /** Frame (window and FFT) length in samples, an integer in [2, 16777216] no larger than the signal; default depends on the function. */
  readonly size?: number;
  /** Overlap of consecutive frames as a fraction of `size`, in [0, 0.99]; the hop is `max(1, round(size * (1 - overlap)))` samples. */
  readonly overlap?: number;
  /** Analysis window; default `"hann"`. Windows are periodic (DFT-even). */
  readonly window?: WindowName;
  /** Kaiser shape parameter beta, finite in [0, 50]; only with `window: "kaiser"`; default 8.6. */
  readonly beta?: number;
}
