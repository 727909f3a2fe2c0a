/** Peak, RMS, DC and crest factor per lane, computed by the native runtime (`amp_analysis_levels`). */
import { validationError } from "../errors";
import { loadAddon } from "../native/load-addon";
import { checkTensor, type TensorShape } from "../render/shape";

/** Levels of each (batch, channel) lane, each array `batches x channels` (index `b * channels + c`). Non-finite samples count as 0. */
export interface Levels {
  /** Peak |x| per lane (linear, full scale 1). */
  readonly peak: Float64Array;
  /** RMS per lane (linear). */
  readonly rms: Float64Array;
  /** DC offset (mean) per lane (linear). */
  readonly dc: Float64Array;
  /** Crest factor peak / RMS per lane (linear; 0 for a lane without energy; a sine reads sqrt 2). */
  readonly crest: Float64Array;
  /** Crest factor in dB, `20 log10(crest)` (0 when `crest` is 0; a sine reads 3.01 dB). */
  readonly crestDb: Float64Array;
}

/** How many values of `samples` are NaN or infinite, counted natively (`amp_count_nonfinite`). */
export function countNonFinite(samples: Float64Array): number {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  return loadAddon().countNonFinite(samples);
}

/**
 * Peak, RMS, DC and crest factor of every lane of a planar tensor, computed natively.
 * @param samples - planar `batches x channels x frames` values
 * @param shape - the tensor's shape
 */
export function analyzeLevels(samples: Float64Array, shape: TensorShape): Levels {
  const checked = checkTensor({ param: "samples", label: "argument" }, samples, shape);
  return loadAddon().analysisLevels(samples, checked.batches, checked.channels, checked.frames);
}
