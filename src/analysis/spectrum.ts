/**
 * Welch averaged power spectrum and power spectral density (`amp_analysis_spectrum`).
 *
 * References (see `docs/analysis.md`):
 * - `powerDb` is dBFS with a full-scale sine as 0 dB: a sine of amplitude 1 (RMS 1/sqrt 2)
 *   centred on a bin reads 0 dBFS whatever the window; off a bin centre it reads lower by at
 *   most the window's scalloping loss. Per bin: `10 log10(P_k / 0.5)` with `P_k` the one-sided
 *   power `c_k |X_k|^2 / sum(w)^2` (c = 1 at DC and Nyquist, 2 elsewhere), averaged over segments.
 * - `psdDb` is `10 log10(PSD_k)` with the one-sided PSD in FS^2/Hz,
 *   `c_k |X_k|^2 / (sampleRate * sum(w^2))`: white noise of variance s^2 reads s^2 / (sampleRate / 2).
 * - Both are floored at `floorDb` (no -Infinity).
 * Frequencies: bin k is `k * sampleRate / size` Hz, k = 0 .. size / 2.
 * Segments: `1 + floor((frames - size) / hop)`, starting at frame 0, no padding.
 */
import { loadAddon } from "../native/load-addon";
import type { WorkOptions } from "../render/work";
import { checkAxis, checkFloor, checkFramedCall, checkInt, checkNumber, optionSubject } from "./checks";
import type { AnalysisSignal, FrameOptions, FrequencyScale, LaneSelection, WindowGains, WindowName } from "./common";
import { analysisWork, asyncKeys, type NativeResult } from "./work";

const FRAME_KEYS = ["size", "overlap", "window", "beta", "batches", "channels"] as const;
const SPECTRUM_KEYS = [...FRAME_KEYS, "scale", "points", "minHz", "maxHz", "floorDb"];
const PEAKS_KEYS = [...FRAME_KEYS, "count", "minDb"];

/** Options of {@link spectrum}. */
export interface SpectrumOptions extends FrameOptions, LaneSelection {
  /** Frame length in samples (see {@link FrameOptions.size}); default 4096 (or the signal length when shorter). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
  /**
   * Display resampling of the frequency axis. `"linear"` or `"log"`: `points` values from
   * `minHz` to `maxHz` (each point reads the largest bin power within its span, or the
   * interpolated power between the two nearest bins when no bin falls inside, so peaks keep
   * their level). Omitted: the raw bins 0 .. size / 2.
   */
  readonly scale?: Exclude<FrequencyScale, "mel">;
  /** Points of the resampled axis, an integer in [2, 65536]; default 512. Only with `scale`. */
  readonly points?: number;
  /** Lowest frequency of the resampled axis in Hz, in (0, maxHz) for log, [0, maxHz) for linear; default 20 (log) or 0 (linear). Only with `scale`. */
  readonly minHz?: number;
  /** Highest frequency of the resampled axis in Hz, in (minHz, sampleRate / 2]; default sampleRate / 2. Only with `scale`. */
  readonly maxHz?: number;
  /** Lowest dB value reported, finite in [-400, 0]; default -200. */
  readonly floorDb?: number;
}

/** A Welch spectrum: axes, values and what produced them. */
export interface Spectrum {
  /** Frequency of each point in Hz (`points` values, ascending). */
  readonly frequencies: Float64Array;
  /** Power spectrum in dBFS (0 dB = full-scale sine), planar `(batch, channel, point)` over the selection. */
  readonly powerDb: Float64Array;
  /** One-sided power spectral density in dB re 1 FS^2/Hz, planar like `powerDb`. */
  readonly psdDb: Float64Array;
  /** Shape of `powerDb` and `psdDb`: selected batches x selected channels x points. */
  readonly shape: { readonly batches: number; readonly channels: number; readonly points: number };
  /** The selected batch indices, in result order. */
  readonly batches: readonly number[];
  /** The selected channel indices, in result order. */
  readonly channels: readonly number[];
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Frame length in samples. */
  readonly size: number;
  /** Hop between segments in samples. */
  readonly hop: number;
  /** Segments averaged. */
  readonly segments: number;
  /** Bin spacing in Hz (`sampleRate / size`). */
  readonly binHz: number;
  /** The window and its gains. */
  readonly window: WindowName;
  readonly gains: WindowGains;
  /** Frequency scale of `frequencies` (`"bins"` when not resampled). */
  readonly scale: "bins" | "linear" | "log";
  /** Units of the fields. */
  readonly units: { readonly frequencies: "Hz"; readonly powerDb: "dBFS"; readonly psdDb: "dB re 1 FS^2/Hz" };
}

/** Checks the arguments of {@link spectrum} and returns its native arguments and result shaping. */
function prepareSpectrum(signal: AnalysisSignal, options: SpectrumOptions, keys: readonly string[]) {
  const call = checkFramedCall<SpectrumOptions>("spectrum", signal, options, keys, 4096, 0.5);
  const { checked, opts, selection, frames } = call;
  const axis = checkAxis("spectrum", opts, "points", checked.sampleRate, ["linear", "log"], 512);
  const args = call.signalArgs(axis, checkFloor("spectrum", opts.floorDb));
  const finish = (native: NativeResult<"analysisSpectrum">): Spectrum => {
    return Object.freeze({
      frequencies: native.frequencies,
      powerDb: native.powerDb,
      psdDb: native.psdDb,
      shape: Object.freeze({ batches: selection.batches.length, channels: selection.channels.length, points: native.frequencies.length }),
      batches: selection.batches,
      channels: selection.channels,
      sampleRate: checked.sampleRate,
      size: frames.size,
      hop: frames.hop,
      segments: native.segments,
      binHz: native.binHz,
      window: frames.window,
      gains: Object.freeze(native.gains),
      scale: axis.scale === "mel" ? "bins" : axis.scale,
      units: UNITS,
    });
  };
  return { args, finish, laneFrames: call.laneFrames, sampleRate: call.sampleRate };
}

/**
 * Welch averaged power spectrum and PSD of the selected lanes, computed natively.
 * @param signal - planar samples, shape and sample rate (a RenderResult is one)
 * @param options - frames, window, lanes, display resampling and floor
 * @throws AmpError naming the argument and its allowed range: empty signal, size larger than the
 * signal, size 0 or not an integer, NaN/Inf samples, a frequency above Nyquist, ...
 */
export function spectrum(signal: AnalysisSignal, options: SpectrumOptions = {}): Spectrum {
  const p = prepareSpectrum(signal, options, SPECTRUM_KEYS);
  return p.finish(loadAddon().analysisSpectrum(...p.args));
}

/**
 * {@link spectrum} on a worker thread, with progress events (`onProgress`, and the kernel's
 * in-place display for work over half a second) and cancellation (`signal`, a kernel interrupt):
 * a stopped call rejects with AMP_ERR_CANCELLED. Same result, bit for bit.
 * @param signal - planar samples, shape and sample rate (not modified or transferred while the call runs)
 * @param options - as {@link spectrum}, plus `onProgress`, `signal` and `progress`
 */
export async function spectrumAsync(signal: AnalysisSignal, options: SpectrumOptions & WorkOptions = {}): Promise<Spectrum> {
  const p = prepareSpectrum(signal, options, asyncKeys(SPECTRUM_KEYS));
  return p.finish(
    await analysisWork("spectrum", p.laneFrames, p.sampleRate, options, (work) => loadAddon().analysisSpectrum(...p.args, work)),
  );
}

const UNITS = Object.freeze({ frequencies: "Hz", powerDb: "dBFS", psdDb: "dB re 1 FS^2/Hz" } as const);

/** Options of {@link peaks}: the spectrum's frame options plus how many peaks to report. */
export interface PeaksOptions extends FrameOptions, LaneSelection {
  /** Frame length in samples; default 4096 (or the signal length when shorter). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
  /** Peaks per lane, an integer in [1, 1000]; default 1. */
  readonly count?: number;
  /** Ignore peaks below this level in dBFS, finite in [-400, 400]; default -120. */
  readonly minDb?: number;
}

/** One spectral peak of one lane. */
export interface Peak {
  /** The lane's batch index. */
  readonly batch: number;
  /** The lane's channel index. */
  readonly channel: number;
  /** Interpolated frequency in Hz. */
  readonly frequency: number;
  /** Interpolated position in bins (fractional; `frequency / binHz`). */
  readonly bin: number;
  /** Level in dBFS (0 dB = full-scale sine), corrected for the window's scalloping at `bin`. */
  readonly levelDb: number;
}

/** Checks the arguments of {@link peaks} and returns its native arguments and result shaping. */
function preparePeaks(signal: AnalysisSignal, options: PeaksOptions, keys: readonly string[]) {
  const call = checkFramedCall<PeaksOptions>("peaks", signal, options, keys, 4096, 0.5);
  const { checked, opts, selection, frames } = call;
  const count = opts.count === undefined ? 1 : checkInt(optionSubject("peaks", "count"), opts.count, 1, 1000);
  const minDb = opts.minDb === undefined ? -120 : checkNumber(optionSubject("peaks", "minDb"), opts.minDb, -400, 400, "dBFS");
  const args = [...call.signalArgs(undefined, -400), count, minDb] as const;
  const finish = (native: NativeResult<"analysisPeaks">): Peak[] => {
    const result: Peak[] = [];
    let lane = 0;
    for (const batch of selection.batches) {
      for (const channel of selection.channels) {
        const found = native.found[lane] ?? 0;
        for (let p = 0; p < found; p++) {
          const at = lane * count + p;
          result.push(
            Object.freeze({
              batch,
              channel,
              frequency: native.frequency[at] ?? 0,
              bin: native.bin[at] ?? 0,
              levelDb: native.levelDb[at] ?? 0,
            }),
          );
        }
        lane++;
      }
    }
    return result;
  };
  return { args, finish, laneFrames: call.laneFrames, sampleRate: call.sampleRate };
}

/**
 * The strongest local maxima of the Welch power spectrum of each selected lane, strongest
 * first. Each peak's position comes from a parabola through the log magnitudes of the peak bin
 * and its neighbours, refined with the window's own kernel; its level is the peak bin's power
 * corrected by the window's response at that offset. A steady sine reads within 0.01 bin and
 * 0.1 dB of its frequency and level.
 * @param signal - planar samples, shape and sample rate
 * @param options - frames, window, lanes, count and threshold
 */
export function peaks(signal: AnalysisSignal, options: PeaksOptions = {}): Peak[] {
  const p = preparePeaks(signal, options, PEAKS_KEYS);
  return p.finish(loadAddon().analysisPeaks(...p.args));
}

/**
 * {@link peaks} on a worker thread, with progress events (`onProgress`, and the kernel's
 * in-place display for work over half a second) and cancellation (`signal`, a kernel interrupt):
 * a stopped call rejects with AMP_ERR_CANCELLED. Same result, bit for bit.
 * @param signal - planar samples, shape and sample rate (not modified or transferred while the call runs)
 * @param options - as {@link peaks}, plus `onProgress`, `signal` and `progress`
 */
export async function peaksAsync(signal: AnalysisSignal, options: PeaksOptions & WorkOptions = {}): Promise<Peak[]> {
  const p = preparePeaks(signal, options, asyncKeys(PEAKS_KEYS));
  return p.finish(await analysisWork("peaks", p.laneFrames, p.sampleRate, options, (work) => loadAddon().analysisPeaks(...p.args, work)));
}
