/** Limits of the graph-level values, from the native catalogue ({@link NATIVE_LIMITS}). */
import { NATIVE_LIMITS } from "../nodes/generated";
import { limitRange } from "../nodes/limit-facts";

/**
 * Limits of the graph-level values: the sample rate in Hz, `(0, 10000000]` (open at 0); the fixed
 * source channel of a modulation edge, integer in `[0, 63]`; the delay of an edge, integer frames
 * in `[0, 16777216]`; the `scale` of a modulation edge, in `[-1000000000000, 1000000000000]`. Each is `{ kind, min, max, minExclusive, unit }`.
 */
export const GRAPH_LIMITS = Object.freeze({
  sampleRate: limitRange(NATIVE_LIMITS, "sampleRate"),
  modulationChannel: limitRange(NATIVE_LIMITS, "modulationChannel"),
  edgeDelayFrames: limitRange(NATIVE_LIMITS, "edgeDelayFrames"),
  modulationScale: limitRange(NATIVE_LIMITS, "modulationScale"),
});
