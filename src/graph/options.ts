/** Option bags of the graph builder's link methods ({@link Graph.connect}, {@link Graph.modulate}, {@link Graph.chain}). */
import type { ModulationMode } from "../nodes/common";
import type { NodeSpec } from "../nodes/spec";

/** Options of a modulation edge ({@link Graph.modulate}). */
export interface ModulateOptions {
  /** `"add"`: `p + scale * m`; `"multiply"`: `p * (scale * m)`. Default: the target node's `modulation.mode`, else `"add"` (applied by the runtime; omitted from the JSON). */
  readonly mode?: ModulationMode | undefined;
  /** Multiplier of the modulating signal, finite. Default 1 (left to the runtime when omitted). */
  readonly scale?: number | undefined;
  /** Fixed source channel, integer in [0, 63] (`GRAPH_LIMITS.modulationChannel`). Default: broadcast (1 channel to all, else `c mod C_src`). */
  readonly channel?: number | undefined;
  /** Extra delay on the modulation edge, integer frames in [0, 16777216] (`GRAPH_LIMITS.edgeDelayFrames`). Default 0; at least 1 closes a feedback loop. */
  readonly delayFrames?: number | undefined;
}

/** Options of an audio edge ({@link Graph.connect}). */
export interface ConnectOptions {
  /** Input port of the target by name. Default: its first port. */
  readonly port?: string | undefined;
  /** Extra delay on the edge, integer frames in [0, 16777216] (`GRAPH_LIMITS.edgeDelayFrames`). Default 0; at least 1 closes a feedback loop. */
  readonly delayFrames?: number | undefined;
}

/** An element of {@link Graph.chain}: the name of a node already in the graph, or `[name, spec]` to add one. */
export type ChainLink = string | readonly [name: string, spec: NodeSpec];
