/**
 * Spectral centroid (`amp_analysis_centroid`): per lane, `sum_k f_k P_k / sum_k P_k` over the
 * bins `f_k = k * sampleRate / size` (k = 0 .. size / 2) of the Welch averaged one-sided power
 * (frames as the spectrum's: no padding, `1 + floor((frames - size) / hop)` segments); 0 Hz for
 * a lane without energy. A steady sine reads its frequency (within the window's leakage).
 */
import { loadAddon } from "../native/load-addon";
import type { WorkOptions } from "../render/work";
import { checkFramedCall } from "./checks";
import type { AnalysisSignal, FrameOptions, LaneSelection } from "./common";
import { analysisWork, asyncKeys, type NativeResult } from "./work";

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

/** Checks the arguments of {@link spectralCentroid} and returns its native arguments and result shaping. */
function prepareCentroid(signal: AnalysisSignal, options: CentroidOptions, keys: readonly string[]) {
  const call = checkFramedCall<CentroidOptions>("spectralCentroid", signal, options, keys, 4096, 0.5);
  const { selection, frames } = call;
  const args = call.signalArgs(undefined, -200);
  const finish = (hz: NativeResult<"analysisCentroid">): Centroid => {
    return Object.freeze({ hz, batches: selection.batches, channels: selection.channels, size: frames.size, hop: frames.hop });
  };
  return { args, finish, laneFrames: call.laneFrames, sampleRate: call.sampleRate };
}

/**
 * Spectral centroid in Hz of each selected lane, computed natively.
 * @param signal - planar samples, shape and sample rate (a RenderResult is one)
 * @param options - frames, window, lanes
 */
export function spectralCentroid(signal: AnalysisSignal, options: CentroidOptions = {}): Centroid {
  const p = prepareCentroid(signal, options, KEYS);
  return p.finish(loadAddon().analysisCentroid(...p.args));
}

/**
 * {@link spectralCentroid} on a worker thread, with progress events (`onProgress`, and the kernel's
 * in-place display for work over half a second) and cancellation (`signal`, a kernel interrupt):
 * a stopped call rejects with AMP_ERR_CANCELLED. Same result, bit for bit.
 * @param signal - planar samples, shape and sample rate (not modified or transferred while the call runs)
 * @param options - as {@link spectralCentroid}, plus `onProgress`, `signal` and `progress`
 */
export async function spectralCentroidAsync(signal: AnalysisSignal, options: CentroidOptions & WorkOptions = {}): Promise<Centroid> {
  const p = prepareCentroid(signal, options, asyncKeys(KEYS));
  return p.finish(
    await analysisWork("spectralCentroid", p.laneFrames, p.sampleRate, options, (work) => loadAddon().analysisCentroid(...p.args, work)),
  );
}
