/** Peak and RMS levels, computed by the native runtime (`amp_analyze_levels`). */
import { validationError } from "../errors";
import { loadAddon } from "../native/load-addon";
import { checkTensor, type TensorShape } from "../render/shape";

/** Levels of each (batch, channel) lane, each array `batches x channels` (index `b * channels + c`). */
export interface Levels {
  /** Peak |x| per lane (linear; non-finite samples count as 0). */
  readonly peak: Float64Array;
  /** RMS per lane (linear; non-finite samples count as 0). */
  readonly rms: Float64Array;
}

/** How many values of `samples` are NaN or infinite, counted natively (`amp_count_nonfinite`). */
export function countNonFinite(samples: Float64Array): number {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  return loadAddon().countNonFinite(samples);
}

/**
 * Peak and RMS of every lane of a planar tensor, computed natively.
 * @param samples - planar `batches x channels x frames` values
 * @param shape - the tensor's shape
 */
export function analyzeLevels(samples: Float64Array, shape: TensorShape): Levels {
  const checked = checkTensor({ param: "samples", label: "argument" }, samples, shape);
  return loadAddon().analyzeLevels(samples, checked.batches, checked.channels, checked.frames);
}
