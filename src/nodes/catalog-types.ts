/**
 * The shape of the native node catalogue (`amp_node_catalog_json()`, addon `nodeCatalog()`), from
 * which the option types, the factories and the node reference are generated.
 */

/**
 * How a parameter is given: `signal` is a per-frame tensor (modulatable, overridable with
 * `setParam`); the others are static values in `params_json` (`text`: a non-empty string; `enum`:
 * one of the parameter's `choices`; `list`: an array of finite numbers with a length rule; `names`:
 * an array of distinct non-empty strings with a length rule).
 */
export type ParamKind = "signal" | "number" | "integer" | "boolean" | "text" | "enum" | "list" | "names";

/** One parameter of a node type. */
export interface CatalogParam {
  /** Name in the graph JSON (`params_json`), lower snake case. */
  readonly name: string;
  readonly kind: ParamKind;
  /** Default value (booleans: a boolean, or 0 / 1; enums: the default name; lists: the default items); `null`: none, the parameter is required. */
  readonly default: number | boolean | string | readonly number[] | null;
  /** Lower bound (inclusive unless `minExclusive`); `null` when unbounded. Lists: the bound of every item. */
  readonly min: number | null;
  /** Upper bound (inclusive unless `maxExclusive`); `null` when unbounded. */
  readonly max: number | null;
  /** True when the range is open at `min`. */
  readonly minExclusive?: boolean;
  /** True when the range is open at `max`. */
  readonly maxExclusive?: boolean;
  /** Unit such as `"Hz"`, `"cycles"`, `"frames"`, or `""`. */
  readonly unit: string;
  /** One sentence. */
  readonly doc: string;
  /** Enum parameters: the allowed names. */
  readonly choices?: readonly string[];
  /** List parameters: the least number of items. */
  readonly minLength?: number;
  /** List parameters: the most items. */
  readonly maxLength?: number;
  /** List parameters: true when the items must be strictly increasing. */
  readonly increasing?: boolean;
  /**
   * Text and names parameters without a default: the other parameter that may stand in for this
   * one; exactly one of the two must be given.
   */
  readonly alternative?: string;
  /**
   * The condition under which the parameter has an effect (absent: always). Given while the
   * condition fails, the parameter is refused (it would be accepted and ignored).
   */
  readonly requires?: CatalogRequirement;
}

/**
 * A parameter's requirement: `key` (a parameter of the node, or the metadata `oversample`) must be
 * above `bound` (`relation` ">") or differ from parameter `other` (`relation` "!=").
 */
export interface CatalogRequirement {
  readonly key: string;
  readonly relation: ">" | "!=";
  /** Relation ">": the value `key` must exceed. */
  readonly bound?: number;
  /** Relation "!=": the parameter `key` must differ from. */
  readonly other?: string;
  /** The condition as text, e.g. `oversample > 1`. */
  readonly text: string;
  /** Why the parameter needs it. */
  readonly why: string;
}

/** One audio input port. */
export interface CatalogPort {
  readonly name: string;
  readonly doc: string;
  /** How several edges into the port combine: channels added (`sum`) or side by side in edge order (`concat`). */
  readonly gather?: "sum" | "concat";
  /** True when the port may be left without an edge (the node then sees no input there). */
  readonly optional?: boolean;
}

/** One named output of a node with several: edges read it as `"node.output"`. */
export interface CatalogOutput {
  readonly name: string;
  readonly doc: string;
}

/**
 * A tap a node type publishes: a side stream of records returned with each render, one per batch and
 * frame or (as the node's doc says) one per batch and analysis frame.
 */
export interface CatalogTap {
  readonly name: string;
  readonly doc: string;
  /** Unit of the values ("" when dimensionless). */
  readonly unit: string;
  /** Numbers per group of a record (a record holds one group, or one per channel, ... as the doc says). */
  readonly values: number;
  /** Names of the numbers of a group, when the node names them. */
  readonly valueNames?: readonly string[];
  /** True when the tap is published only when the node's configuration asks for it. */
  readonly optional?: boolean;
}

/** One registered node type. */
export interface CatalogNode {
  /** Registered type name, e.g. `"sine_osc"`. */
  readonly type: string;
  /** One line: what it computes. */
  readonly summary: string;
  /** Audio input ports; empty for sources. */
  readonly inputs: readonly CatalogPort[];
  /**
   * Named outputs (none or absent: one unnamed output). A node with N named outputs writes N equal
   * channel groups side by side; an edge from `"node.output"` reads one group, from `"node"` the first.
   */
  readonly outputs?: readonly CatalogOutput[];
  /**
   * Per-instance named outputs: when the node is given this names parameter, its items are the
   * node's named outputs (instead of `outputs`), one channel group each, in order.
   */
  readonly outputsParam?: string;
  /** Taps the node publishes (none or absent: none). */
  readonly taps?: readonly CatalogTap[];
  readonly params: readonly CatalogParam[];
  /** W in `heat = sum(x^2) / R + W * oversample`, per batch and frame. */
  readonly heatWork: number;
  readonly hasBackward: boolean;
  /** The adjoint rule, or why there is none. */
  readonly backwardDoc: string;
  /** True when the node really oversamples internally; others refuse `oversample` > 1. */
  readonly oversamples?: boolean;
  /**
   * True when the node publishes its own per-frame heat (a physical heat, e.g. `i^2 R`) instead of
   * the shared model; `heatWork` and `thermo.resistance` / `thermo.work` then do not apply.
   */
  readonly publishesHeat?: boolean;
  /** What a publishing node's heat is (with `publishesHeat`), or how its work W depends on its parameters. */
  readonly heatDoc?: string;
  /** True when `declared_delay_frames` must equal the node's latency (another value is refused). */
  readonly delayIsLatency?: boolean;
  /**
   * True when the node's latency is a linear-phase filter's group delay: its response to an impulse
   * is symmetric about the latency (it starts before it: pre-ringing, within twice the latency).
   */
  readonly linearPhase?: boolean;
}

/** One runtime value limit: `[min, max]`, or `(min, max]` when `minExclusive`. */
export interface CatalogLimit {
  readonly min: number;
  readonly max: number;
  /** True when the range is open at `min` (the sample rate: `(0, max]`). */
  readonly minExclusive: boolean;
}

/**
 * The runtime's value limits outside node parameters (`native/runtime/limits.h`), exported by
 * the catalogue so that TypeScript validates with the same numbers. The eight named ones are
 * required; a runtime may export more (carried into `NATIVE_LIMITS` and the reference as is).
 */
export interface CatalogLimits {
  readonly [name: string]: CatalogLimit;
  /** Node metadata `oversample`: integer factor. */
  readonly oversample: CatalogLimit;
  /** Node metadata `declared_delay_frames`: integer frames. */
  readonly declaredDelayFrames: CatalogLimit;
  /** `delay_frames` of an audio or modulation edge: integer frames. */
  readonly edgeDelayFrames: CatalogLimit;
  /** Node metadata `modulation.channels`: integer channel count. */
  readonly modulationChannels: CatalogLimit;
  /** `channel` of a modulation edge: integer source channel index. */
  readonly modulationChannel: CatalogLimit;
  /** Sample rate in Hz (graph `sample_rate`, render and runtime option). */
  readonly sampleRate: CatalogLimit;
  /** Batches (independent lanes) of a configured runtime: integer. */
  readonly batches: CatalogLimit;
  /** Largest block of a configured runtime: integer frames. */
  readonly blockFrames: CatalogLimit;
  /** Threads a render may use: integer. */
  readonly threads: CatalogLimit;
  /** `scale` of a modulation edge. */
  readonly modulationScale: CatalogLimit;
  /** Node metadata `thermo.resistance`. */
  readonly thermoResistance: CatalogLimit;
  /** Node metadata `thermo.work`, heat per frame. */
  readonly thermoWork: CatalogLimit;
}

/** The whole catalogue. */
export interface NodeCatalog {
  readonly apiVersion: number;
  readonly nodes: readonly CatalogNode[];
  /** The runtime's value limits outside node parameters. */
  readonly limits: CatalogLimits;
}
