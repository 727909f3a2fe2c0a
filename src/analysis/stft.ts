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
import { validationError } from "../errors";
import type { NativeAnalysisConfig } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";
import type { WorkOptions } from "../render/work";
import { checkBeta, checkInt, checkOptions, MAX_FRAME_SIZE, optionSubject, windowCode } from "./checks";
import type { WindowName } from "./common";
import { analysisWork, asyncKeys } from "./work";

interface StftSettings {
  readonly size: number;
  readonly hop: number;
  readonly window: WindowName;
  readonly beta: number;
  readonly symmetric: boolean;
}

function config(settings: StftSettings, fn: string): NativeAnalysisConfig {
  return {
    sampleRate: 1, // the STFT has no frequency axis; the rate is not used
    size: settings.size,
    hop: settings.hop,
    window: windowCode(fn, settings.window),
    beta: settings.beta,
    symmetric: settings.symmetric,
    scale: 0,
    points: 0,
    minHz: 0,
    maxHz: 0,
    floorDb: -200,
  };
}

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

const STFT_KEYS = ["size", "hop", "window", "beta", "symmetric"];

/** Options of the asynchronous variants: progress, stop, and the rate the progress display uses. */
export interface StftWorkOptions extends WorkOptions {
  /**
   * Sample rate of the signal in Hz, used only by the progress display (x realtime, audio
   * duration): the transform itself has no time axis. Default 48000.
   */
  readonly sampleRate?: number;
}

function workRate(fn: string, options: StftWorkOptions): number {
  const rate = options.sampleRate ?? 48000;
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0)
    throw validationError(optionSubject(fn, "sampleRate"), "a finite number of Hz above 0", rate);
  return rate;
}

function stftSettings(fn: string, samples: unknown, options: unknown, keys: readonly string[]): StftSettings {
  if (!(samples instanceof Float64Array) || samples.length < 1)
    throw validationError({ type: `${fn}()`, param: "samples", label: "argument" }, "a Float64Array of at least 1 sample", samples);
  const opts = checkOptions<StftOptions>(fn, options, keys);
  const size = opts.size === undefined ? 2048 : checkInt(optionSubject(fn, "size"), opts.size, 2, MAX_FRAME_SIZE, "samples");
  const hop =
    opts.hop === undefined
      ? Math.max(1, Math.floor(size / 4))
      : checkInt(optionSubject(fn, "hop"), opts.hop, 1, size, "samples (at most size)");
  const window: WindowName = opts.window ?? "hann";
  windowCode(fn, window);
  const beta = checkBeta(fn, window, opts.beta);
  if (opts.symmetric !== undefined && typeof opts.symmetric !== "boolean")
    throw validationError(optionSubject(fn, "symmetric"), "a boolean", opts.symmetric);
  return { size, hop, window, beta, symmetric: opts.symmetric ?? false };
}

function stftResult(native: { data: Float64Array; frames: number; bins: number }, settings: StftSettings, samples: Float64Array): Stft {
  return Object.freeze({ data: native.data, frames: native.frames, bins: native.bins, ...settings, signalFrames: samples.length });
}

/**
 * STFT of one lane (a plain `Float64Array` of samples), computed natively.
 * @param samples - the signal, at least 1 sample, all finite
 * @param options - frame length, hop and window
 */
export function stft(samples: Float64Array, options: StftOptions = {}): Stft {
  const settings = stftSettings("stft", samples, options, STFT_KEYS);
  return stftResult(loadAddon().analysisStft(config(settings, "stft"), samples), settings, samples);
}

/**
 * {@link stft} on a worker thread, with progress (`onProgress`, the kernel's display) and a stop
 * (`signal`, a kernel interrupt): the same result bit for bit.
 */
export async function stftAsync(samples: Float64Array, options: StftOptions & StftWorkOptions = {}): Promise<Stft> {
  const settings = stftSettings("stftAsync", samples, options, [...asyncKeys(STFT_KEYS), "sampleRate"]);
  const rate = workRate("stftAsync", options);
  const native = await analysisWork("stft", samples.length, rate, options, (work) =>
    loadAddon().analysisStft(config(settings, "stftAsync"), samples, work),
  );
  return stftResult(native, settings, samples);
}

/** The checked settings and output length of an inverse STFT. */
function istftSettings(fn: string, transform: Stft, length: unknown): { settings: StftSettings; n: number } {
  const subject = { type: `${fn}()`, param: "transform", label: "argument" };
  if (typeof transform !== "object" || transform === null || !(transform.data instanceof Float64Array))
    throw validationError(subject, "an Stft (the result of stft())", transform);
  const { size, hop, frames, bins, signalFrames } = transform;
  checkInt({ ...subject, param: "transform.size" }, size, 2, MAX_FRAME_SIZE);
  checkInt({ ...subject, param: "transform.hop" }, hop, 1, size);
  checkInt({ ...subject, param: "transform.bins" }, bins, Math.floor(size / 2) + 1, Math.floor(size / 2) + 1);
  checkInt({ ...subject, param: "transform.signalFrames" }, signalFrames, 1, 2 ** 32 - 1);
  checkInt({ ...subject, param: "transform.frames" }, frames, 1, 2 ** 32 - 1);
  if (transform.data.length !== frames * bins * 2)
    throw validationError({ ...subject, param: "transform.data" }, `frames x bins x 2 = ${frames * bins * 2} values`, transform.data);
  const beta = checkBeta(fn, transform.window, transform.window === "kaiser" ? transform.beta : undefined);
  const n =
    length === undefined ? signalFrames : checkInt({ type: `${fn}()`, param: "length", label: "argument" }, length, 1, signalFrames);
  return { settings: { size, hop, window: transform.window, beta, symmetric: transform.symmetric === true }, n };
}

/**
 * Inverse STFT by weighted overlap-add: `istft(stft(x))` equals `x` to rounding.
 * @param transform - an {@link Stft} (its `data` may be modified)
 * @param length - samples to return, an integer in [1, signalFrames]; default `transform.signalFrames`
 */
export function istft(transform: Stft, length?: number): Float64Array {
  const { settings, n } = istftSettings("istft", transform, length);
  return loadAddon().analysisIstft(config(settings, "istft"), transform.data, transform.frames, n);
}

/** Options of {@link istftAsync}. */
export interface IstftOptions extends StftWorkOptions {
  /** Samples to return, an integer in [1, signalFrames]; default `transform.signalFrames`. */
  readonly length?: number;
}

/**
 * {@link istft} on a worker thread, with progress (`onProgress`, the kernel's display) and a stop
 * (`signal`, a kernel interrupt): the same samples bit for bit.
 */
export async function istftAsync(transform: Stft, options: IstftOptions = {}): Promise<Float64Array> {
  checkOptions<IstftOptions>("istftAsync", options, [...asyncKeys(["length"]), "sampleRate"]);
  const { settings, n } = istftSettings("istftAsync", transform, options.length);
  const rate = workRate("istftAsync", options);
  return analysisWork("istft", n, rate, options, (work) =>
    loadAddon().analysisIstft(config(settings, "istftAsync"), transform.data, transform.frames, n, work),
  );
}
