/**
 * Short-time power spectra over time, in dB (`amp_analysis_spectrogram`).
 *
 * Frames: frame m covers samples [m * hop, m * hop + size), m = 0 .. 1 + floor((frames - size) / hop) - 1
 * (no padding; a frame's time is its centre, `(m * hop + size / 2) / sampleRate` s). When there
 * are more frames than `maxColumns`, consecutive frames are averaged (in power) into columns:
 * column c holds frames [floor(c M / cols), floor((c + 1) M / cols)), its time is their mean.
 * Values are dBFS like the power spectrum (0 dB = a full-scale sine centred on a bin).
 */
import { loadAddon } from "../native/load-addon";
import type { WorkOptions } from "../render/work";
import { checkAxis, checkFloor, checkFramedCall, checkInt, optionSubject } from "./checks";
import type { AnalysisSignal, FrameOptions, FrequencyScale, LaneSelection, WindowGains, WindowName } from "./common";
import { analysisWork, asyncKeys, type NativeResult } from "./work";

const KEYS = ["size", "overlap", "window", "beta", "batches", "channels", "scale", "rows", "minHz", "maxHz", "maxColumns", "floorDb"];
const ASYNC_KEYS = asyncKeys(KEYS);
const UNITS = Object.freeze({ times: "s", frequencies: "Hz", db: "dBFS" } as const);

/** Options of {@link spectrogram}. */
export interface SpectrogramOptions extends FrameOptions, LaneSelection {
  /** Frame length in samples; default 2048 (or the signal length when shorter). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.75. */
  readonly overlap?: number;
  /**
   * Frequency axis. Omitted: the raw bins 0 .. size / 2. `"linear"`, `"log"` or `"mel"`: `rows`
   * rows evenly spaced on that scale from `minHz` to `maxHz`; each row is the mean power of the
   * bins within its span, or the interpolated power between the nearest bins when none is inside.
   */
  readonly scale?: FrequencyScale;
  /** Rows of a resampled axis, an integer in [2, 65536]; default 256. Only with `scale`. */
  readonly rows?: number;
  /** Lowest frequency in Hz; default 20 for log, 0 otherwise. Only with `scale`. */
  readonly minHz?: number;
  /** Highest frequency in Hz, at most sampleRate / 2; default sampleRate / 2. Only with `scale`. */
  readonly maxHz?: number;
  /** Most columns returned, an integer in [1, 1000000]; default 2000. */
  readonly maxColumns?: number;
  /** Lowest dB value reported, finite in [-400, 0]; default -200. */
  readonly floorDb?: number;
}

/** A spectrogram: axes, dB values and what produced them. */
export interface Spectrogram {
  /** Time of each column in seconds (the mean of its frames' centres). */
  readonly times: Float64Array;
  /** Frequency of each row in Hz (ascending). */
  readonly frequencies: Float64Array;
  /**
   * dBFS values, planar `(batch, channel, column, row)` over the selection: row (frequency)
   * fastest, `db[((lb * channels + lc) * columns + col) * rows + row]`.
   */
  readonly db: Float64Array;
  /** Shape of `db`. */
  readonly shape: { readonly batches: number; readonly channels: number; readonly columns: number; readonly rows: number };
  /** The selected batch indices, in result order. */
  readonly batches: readonly number[];
  /** The selected channel indices, in result order. */
  readonly channels: readonly number[];
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Frame length in samples. */
  readonly size: number;
  /** Hop between frames in samples. */
  readonly hop: number;
  /** Analysis frames computed (before grouping into columns). */
  readonly frames: number;
  /** The window and its gains. */
  readonly window: WindowName;
  readonly gains: WindowGains;
  /** Frequency scale of the rows (`"bins"` when not resampled). */
  readonly scale: "bins" | FrequencyScale;
  /** The dB floor used. */
  readonly floorDb: number;
  /** Smallest value in `db` (dBFS). */
  readonly minDb: number;
  /** Largest value in `db` (dBFS): a colour scale with a fixed dynamic range spans [maxDb - range, maxDb]. */
  readonly maxDb: number;
  /** Units of the fields. */
  readonly units: { readonly times: "s"; readonly frequencies: "Hz"; readonly db: "dBFS" };
}

/** Checks the arguments of a spectrogram and returns its native arguments and result shaping. */
function prepare(signal: AnalysisSignal, options: SpectrogramOptions, keys: readonly string[]) {
  const call = checkFramedCall<SpectrogramOptions>("spectrogram", signal, options, keys, 2048, 0.75);
  const { checked, opts, selection, frames } = call;
  const axis = checkAxis(
    "spectrogram",
    { scale: opts.scale, points: opts.rows, minHz: opts.minHz, maxHz: opts.maxHz },
    "rows",
    checked.sampleRate,
    ["linear", "log", "mel"],
    256,
  );
  const maxColumns =
    opts.maxColumns === undefined ? 2000 : checkInt(optionSubject("spectrogram", "maxColumns"), opts.maxColumns, 1, 1000000);
  const floorDb = checkFloor("spectrogram", opts.floorDb);
  const args = [...call.signalArgs(axis, floorDb), maxColumns] as const;
  const finish = (native: NativeResult<"analysisSpectrogram">): Spectrogram =>
    Object.freeze({
      times: native.times,
      frequencies: native.frequencies,
      db: native.db,
      shape: Object.freeze({
        batches: selection.batches.length,
        channels: selection.channels.length,
        columns: native.columns,
        rows: native.frequencies.length,
      }),
      batches: selection.batches,
      channels: selection.channels,
      sampleRate: checked.sampleRate,
      size: frames.size,
      hop: frames.hop,
      frames: native.frames,
      window: frames.window,
      gains: Object.freeze(native.gains),
      scale: axis.scale,
      floorDb,
      minDb: native.minDb,
      maxDb: native.maxDb,
      units: UNITS,
    });
  return { args, finish, laneFrames: call.laneFrames, sampleRate: call.sampleRate };
}

/**
 * Spectrogram of the selected lanes, computed natively (synchronously: for minutes of audio use
 * {@link spectrogramAsync}, which shows progress and can be stopped).
 * @param signal - planar samples, shape and sample rate (a RenderResult is one)
 * @param options - frames, window, lanes, frequency scale, columns and floor
 */
export function spectrogram(signal: AnalysisSignal, options: SpectrogramOptions = {}): Spectrogram {
  const p = prepare(signal, options, KEYS);
  return p.finish(loadAddon().analysisSpectrogram(...p.args));
}

/**
 * {@link spectrogram} on a worker thread, with progress events (`onProgress`, and the kernel's
 * in-place display for work over half a second) and cancellation (`signal`, a kernel interrupt):
 * a stopped call rejects with AMP_ERR_CANCELLED. Same result, bit for bit.
 * @param signal - planar samples, shape and sample rate (not modified or transferred while the call runs)
 * @param options - as {@link spectrogram}, plus `onProgress`, `signal` and `progress`
 */
export async function spectrogramAsync(signal: AnalysisSignal, options: SpectrogramOptions & WorkOptions = {}): Promise<Spectrogram> {
  const p = prepare(signal, options, ASYNC_KEYS);
  return p.finish(
    await analysisWork("spectrogram", p.laneFrames, p.sampleRate, options, (work) => loadAddon().analysisSpectrogram(...p.args, work)),
  );
}
