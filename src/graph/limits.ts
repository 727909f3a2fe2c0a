/** Limits of the graph-level values, from the native catalogue ({@link NATIVE_LIMITS}). */
import { ampError } from "../errors";
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

/** Most nodes of one graph: the runtime's `nodes` limit (native/runtime/limits.h). */
export const MAX_GRAPH_NODES: number = NATIVE_LIMITS.nodes.max;

/**
 * Throws AMP_ERR_INVALID_ARGUMENT for a graph of more than {@link MAX_GRAPH_NODES} nodes, before
 * it is built, naming the buffers so many nodes would need at the default block.
 */
export function checkNodeCount(count: number): void {
  if (count <= MAX_GRAPH_NODES) return;
  const mib = Math.ceil((count * 2 * 512 * 8) / 2 ** 20);
  throw ampError(
    "AMP_ERR_INVALID_ARGUMENT",
    `graph: ${count} nodes; a graph takes at most ${MAX_GRAPH_NODES} (${count} nodes would need at least ${mib} MiB of buffers at 1 batch x 512 frames)`,
  );
}
