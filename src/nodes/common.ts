/**
 * Metadata options every node accepts, next to its own parameters. In the graph JSON they sit in
 * the node's `params` object under snake_case keys: `oversample`, `declared_delay_frames`,
 * `thermo: { heat_param, resistance, work }`, `modulation: { mode, channels }`. The ranges quoted
 * below are the native ones ({@link NATIVE_LIMITS}); a test checks that they still agree.
 */
import { NATIVE_LIMITS } from "./generated";
import { limitRange } from "./limit-facts";

/** How a modulation edge combines with the parameter: add gives `p + scale * m`, multiply gives `p * (scale * m)`. */
export type ModulationMode = "add" | "multiply";

/** Heat model overrides: `heat = sum(x^2) / resistance + work * oversample` per batch and frame. */
export interface ThermoOptions {
  /** Name under which the node publishes its heat channel. Default `"thermo.heat"`. JSON `heat_param`. */
  readonly heatParam?: string | undefined;
  /** R of the heat model, in [1e-12, 1e12]. Default 1. */
  readonly resistance?: number | undefined;
  /** W of the heat model, per frame, in [0, 1e12]. Default: the node type's catalogue value. */
  readonly work?: number | undefined;
}

/** Default modulation behaviour for this node's parameters. */
export interface ModulationOptions {
  /** Default mode of modulation edges into this node. Default `"add"`. */
  readonly mode?: ModulationMode | undefined;
  /**
   * Channels of every modulated parameter of this node, integer in [1, 64]: 1 (every output
   * channel sees one modulation value: source channel 0, or the edge's fixed `channel`) or the
   * node's output channel count (channel c reads source channel c mod C_src). Any other count is
   * refused when the runtime is created. Default: the output channel count when a modulation
   * source has more than one channel, else 1.
   */
  readonly channels?: number | undefined;
}

/** Options every node factory accepts. */
export interface CommonNodeOptions {
  /** Internal oversampling factor, integer in [1, 64]. Default 1. Above 1 only for node types that oversample (catalogue `oversamples`); the others refuse it. */
  readonly oversample?: number | undefined;
  /** Latency the node adds, in output frames, integer in [0, 16777216]. Default: the node's own delay. JSON `declared_delay_frames`. */
  readonly declaredDelayFrames?: number | undefined;
  /** Heat model overrides. */
  readonly thermo?: ThermoOptions | undefined;
  /** Default modulation mode and channel count for this node's parameters. */
  readonly modulation?: ModulationOptions | undefined;
}

/** Limits of the metadata values, from the native catalogue ({@link NATIVE_LIMITS}). */
export const METADATA_LIMITS = Object.freeze({
  oversample: limitRange(NATIVE_LIMITS, "oversample"),
  declaredDelayFrames: limitRange(NATIVE_LIMITS, "declaredDelayFrames"),
  modulationChannels: limitRange(NATIVE_LIMITS, "modulationChannels"),
  thermoResistance: limitRange(NATIVE_LIMITS, "thermoResistance"),
  thermoWork: limitRange(NATIVE_LIMITS, "thermoWork"),
});
