/**
 * Energy in frequency bands over time (`amp_analysis_band_energy`).
 *
 * Frames as the spectrogram's (no padding, time = frame centre). Bin k (frequency
 * `k * sampleRate / size`) belongs to band [lo, hi) when lo <= f_k < hi, or f_k = hi = Nyquist
 * (the top edge is closed at Nyquist). A bin's energy is its share of the windowed frame's
 * energy by Parseval, `c_k |X_k|^2 / size` (c = 1 at DC and Nyquist, 2 elsewhere), so bands
 * that tile [0, Nyquist] sum to `sum((w x)^2)` over the frame.
 */
import { validationError } from "../errors";
import { loadAddon } from "../native/load-addon";
import type { WorkOptions } from "../render/work";
import { checkFloor, checkFramedCall, optionSubject } from "./checks";
import type { AnalysisSignal, FrameOptions, LaneSelection, WindowGains, WindowName } from "./common";
import { analysisWork, asyncKeys, type NativeResult } from "./work";

/** A band `[lowHz, highHz)` in Hz, 0 <= lowHz < highHz <= sampleRate / 2. */
export type Band = readonly [lowHz: number, highHz: number];

const KEYS = ["bands", "size", "overlap", "window", "beta", "batches", "channels", "floorDb"];
const UNITS = Object.freeze({ times: "s", bands: "Hz", energy: "FS^2 samples", levelDb: "dBFS" } as const);

/** Options of {@link bandEnergy}. */
export interface BandEnergyOptions extends FrameOptions, LaneSelection {
  /** The bands, 1 to 1024 of them (they may overlap or leave gaps); required. */
  readonly bands: readonly Band[];
  /** Frame length in samples; default 2048 (or the signal length when shorter). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
  /** Lowest dB value reported in `levelDb`, finite in [-400, 0]; default -200. */
  readonly floorDb?: number;
}

/** Band energies over time. */
export interface BandEnergy {
  /** Time of each frame's centre in seconds. */
  readonly times: Float64Array;
  /** The bands as given, `[low0, high0, low1, high1, ...]` in Hz. */
  readonly bands: Float64Array;
  /** Windowed energy per band and frame (FS^2 x samples), planar `(batch, channel, band, frame)`. */
  readonly energy: Float64Array;
  /** The same as a level in dBFS: `10 log10(energy / (sum(w^2) * 0.5))`, so a full-scale sine inside the band reads 0 dB; floored. */
  readonly levelDb: Float64Array;
  /** Shape of `energy` and `levelDb`. */
  readonly shape: { readonly batches: number; readonly channels: number; readonly bands: number; readonly frames: number };
  /** The selected batch indices, in result order. */
  readonly batches: readonly number[];
  /** The selected channel indices, in result order. */
  readonly channels: readonly number[];
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Frame length and hop in samples. */
  readonly size: number;
  readonly hop: number;
  /** The window and its gains. */
  readonly window: WindowName;
  readonly gains: WindowGains;
  /** Units of the fields. */
  readonly units: { readonly times: "s"; readonly bands: "Hz"; readonly energy: "FS^2 samples"; readonly levelDb: "dBFS" };
}

/** Checks the arguments of {@link bandEnergy} and returns its native arguments and result shaping. */
function prepareBandEnergy(signal: AnalysisSignal, options: BandEnergyOptions, keys: readonly string[]) {
  const call = checkFramedCall<BandEnergyOptions>("bandEnergy", signal, options, keys, 2048, 0.5);
  const { checked, opts, selection, frames } = call;
  const floorDb = checkFloor("bandEnergy", opts.floorDb);
  const nyquist = checked.sampleRate / 2;
  const list: unknown = opts.bands;
  if (!Array.isArray(list) || list.length < 1 || list.length > 1024)
    throw validationError(optionSubject("bandEnergy", "bands"), "an array of 1 to 1024 [lowHz, highHz] pairs", list);
  const bands = new Float64Array(2 * list.length);
  list.forEach((band: unknown, i: number) => {
    const ok =
      Array.isArray(band) &&
      band.length === 2 &&
      band.every((v: unknown) => typeof v === "number" && Number.isFinite(v)) &&
      band[0] >= 0 &&
      band[0] < band[1] &&
      band[1] <= nyquist;
    if (!ok)
      throw validationError(
        optionSubject("bandEnergy", `bands[${i}]`),
        `[lowHz, highHz] with 0 <= lowHz < highHz <= ${nyquist} Hz (Nyquist)`,
        band,
      );
    bands[2 * i] = (band as number[])[0] ?? 0;
    bands[2 * i + 1] = (band as number[])[1] ?? 0;
  });
  const args = [...call.signalArgs(undefined, floorDb), bands] as const;
  const finish = (native: NativeResult<"analysisBandEnergy">): BandEnergy => {
    return Object.freeze({
      times: native.times,
      bands,
      energy: native.energy,
      levelDb: native.levelDb,
      shape: Object.freeze({
        batches: selection.batches.length,
        channels: selection.channels.length,
        bands: list.length,
        frames: native.frames,
      }),
      batches: selection.batches,
      channels: selection.channels,
      sampleRate: checked.sampleRate,
      size: frames.size,
      hop: frames.hop,
      window: frames.window,
      gains: Object.freeze(native.gains),
      units: UNITS,
    });
  };
  return { args, finish, laneFrames: call.laneFrames, sampleRate: call.sampleRate };
}

/**
 * Energy in each band per analysis frame of the selected lanes, computed natively.
 * @param signal - planar samples, shape and sample rate (a RenderResult is one)
 * @param options - bands (required), frames, window, lanes, floor
 */
export function bandEnergy(signal: AnalysisSignal, options: BandEnergyOptions): BandEnergy {
  const p = prepareBandEnergy(signal, options, KEYS);
  return p.finish(loadAddon().analysisBandEnergy(...p.args));
}

/**
 * {@link bandEnergy} on a worker thread, with progress events (`onProgress`, and the kernel's
 * in-place display for work over half a second) and cancellation (`signal`, a kernel interrupt):
 * a stopped call rejects with AMP_ERR_CANCELLED. Same result, bit for bit.
 * @param signal - planar samples, shape and sample rate (not modified or transferred while the call runs)
 * @param options - as {@link bandEnergy}, plus `onProgress`, `signal` and `progress`
 */
export async function bandEnergyAsync(signal: AnalysisSignal, options: BandEnergyOptions & WorkOptions): Promise<BandEnergy> {
  const p = prepareBandEnergy(signal, options, asyncKeys(KEYS));
  return p.finish(
    await analysisWork("bandEnergy", p.laneFrames, p.sampleRate, options, (work) => loadAddon().analysisBandEnergy(...p.args, work)),
  );
}
