/**
 * The graph description as the native runtime reads it (`amp_graph_runtime_create` in
 * `native/include/amp_native.h`): snake_case keys, node metadata inside each node's `params`.
 */
import type { ModulationMode } from "../nodes/common";

/** `thermo` metadata of a node, as JSON. */
export interface ThermoJSON {
  readonly heat_param?: string;
  readonly resistance?: number;
  readonly work?: number;
}

/** `modulation` metadata of a node, as JSON. */
export interface ModulationMetaJSON {
  readonly mode?: ModulationMode;
  readonly channels?: number;
}

/** A value in a node's `params`: a parameter value or a metadata object. */
export type ParamValueJSON = number | boolean | string | readonly number[] | readonly string[] | ThermoJSON | ModulationMetaJSON;

/** A node's `params` object: its parameters (snake_case) plus `oversample`, `declared_delay_frames`, `thermo`, `modulation`. */
export interface NodeParamsJSON {
  readonly [key: string]: ParamValueJSON;
}

/** One node of the description. */
export interface NodeJSON {
  /** Instance name, unique in the graph. */
  readonly name: string;
  /** Registered type, e.g. `"sine_osc"`. */
  readonly type: string;
  readonly params: NodeParamsJSON;
}

/** An audio edge: the output of `from` feeds an input of `to`. */
export interface EdgeJSON {
  readonly from: string;
  readonly to: string;
  /** Input port of `to` by name; default its first port. */
  readonly port?: string;
  /** Extra delay on the edge, integer frames in [0, 16777216]; a delay of at least 1 frame closes a feedback loop. */
  readonly delay_frames?: number;
}

/** A modulation edge: the output of `from` modulates parameter `param` of node `to`. */
export interface ModulationJSON {
  readonly from: string;
  readonly to: string;
  readonly param: string;
  /** Default: the target node's `modulation.mode`, else `"add"`. */
  readonly mode?: ModulationMode;
  /** Multiplier of the modulating signal; the runtime's default is 1. */
  readonly scale?: number;
  /** Fixed source channel (integer >= 0); when absent, channels broadcast (1 to all, else `c mod C_src`). */
  readonly channel?: number;
  /** Extra delay on the edge, integer frames in [0, 16777216]. */
  readonly delay_frames?: number;
}

/** The whole description. */
export interface GraphJSON {
  readonly nodes: readonly NodeJSON[];
  readonly edges: readonly EdgeJSON[];
  readonly modulations: readonly ModulationJSON[];
  /** Name of the node whose output is the graph's output. */
  readonly output: string;
  /** Sample rate in Hz; the runtime's default is 48000. */
  readonly sample_rate?: number;
  /** Measure per-node processing times (off by default: timing costs nothing when off). */
  readonly timing?: boolean;
  /** Delay earlier paths so that paths with different declared delays arrive aligned. Runtime default: true. */
  readonly latency_compensation?: boolean;
  /** Thermal budget in heat per second (> 0): frames whose graph heat rate exceeds it are flagged; audio is unchanged. */
  readonly thermal_budget?: number;
  /** Explicit schedule: stages of node names, every node exactly once; checked by the runtime. */
  readonly schedule?: readonly (readonly string[])[];
}
