/**
 * Short-time Fourier transform and its inverse by weighted overlap-add (`amp_analysis_stft`,
 * `amp_analysis_istft`).
 *
 * Frame-count rule: the signal of N samples is preceded by `P = size - hop` zeros (and followed
 * by zeros); frame m covers samples [m * hop - P, m * hop - P + size), for
 * m = 0 .. M - 1 with `M = floor((N - 1 + P) / hop) + 1`. So every sample is covered by every
 * frame that would cover it in an infinite stream, and the inverse (analysis and synthesis with
 * the same window, divided by the overlap-added `w^2`) gives the signal back exactly (to
 * rounding) for any window whose overlap-added `w^2` does not vanish: hann at hop size / 4,
 * hamming at size / 2, blackman at size / 4, rect at size, ...
 */
import { notImplemented } from "./not-implemented";
import type { WindowName } from "./common";

/** Options of {@link stft}. */
export interface StftOptions {
  /** Frame (window and FFT) length in samples, an integer in [2, 16777216]; default 2048. */
  readonly size?: number;
  /** Hop in samples, an integer in [1, size]; default size / 4. */
  readonly hop?: number;
  /** Window; default `"hann"` (periodic). */
  readonly window?: WindowName;
  /** Kaiser beta in [0, 50]; only with `"kaiser"`; default 8.6. */
  readonly beta?: number;
  /** Symmetric instead of periodic window; default false. */
  readonly symmetric?: boolean;
}

/** The STFT of one signal. */
export interface Stft {
  /** Complex spectra, interleaved: frame m, bin k is `(data[2 (m * bins + k)], data[2 (m * bins + k) + 1])`; bins follow numpy's rfft (unscaled). */
  readonly data: Float64Array;
  /** Frames M (see the frame-count rule). */
  readonly frames: number;
  /** Bins per frame, `size / 2 + 1` (floor). */
  readonly bins: number;
  /** Frame length and hop in samples. */
  readonly size: number;
  readonly hop: number;
  /** The window settings. */
  readonly window: WindowName;
  readonly beta: number;
  readonly symmetric: boolean;
  /** Samples of the analysed signal (what {@link istft} returns by default). */
  readonly signalFrames: number;
}

/**
 * STFT of one lane (a plain `Float64Array` of samples), computed natively.
 * @param samples - the signal, at least 1 sample, all finite
 * @param options - frame length, hop and window
 */
export function stft(samples: Float64Array, options: StftOptions = {}): Stft {
  return notImplemented("stft", samples, options);
}

/**
 * Inverse STFT by weighted overlap-add: `istft(stft(x))` equals `x` to rounding.
 * @param transform - an {@link Stft} (its `data` may be modified)
 * @param length - samples to return, an integer in [1, signalFrames]; default `transform.signalFrames`
 */
export function istft(transform: Stft, length?: number): Float64Array {
  return notImplemented("istft", transform, length);
}
