/**
 * What each runtime limit of the catalogue bounds: its kind, unit and where it is given. The
 * numbers themselves come only from the native catalogue (`NATIVE_LIMITS` in `generated.ts`);
 * this module holds none, so the generator can use it on any catalogue.
 */
import type { CatalogLimit, CatalogLimits } from "./catalog-types";
import { formatRange } from "./param-text";

/** Name of a runtime limit every catalogue has, e.g. `"sampleRate"`. */
export type LimitName =
  | "oversample"
  | "declaredDelayFrames"
  | "edgeDelayFrames"
  | "modulationChannels"
  | "modulationChannel"
  | "sampleRate"
  | "batches"
  | "blockFrames"
  | "threads"
  | "modulationScale"
  | "thermoResistance"
  | "thermoWork";

/** A runtime limit as a range for validation and messages: kind, bounds (closed at `max`), unit. */
export interface LimitRange {
  readonly kind: "integer" | "number";
  readonly min: number;
  readonly max: number;
  /** True when the range is open at `min`. */
  readonly minExclusive: boolean;
  /** `"Hz"`, `"frames"` or `""`. */
  readonly unit: string;
}

/** How a limit is documented. */
export interface LimitFacts {
  readonly kind: "integer" | "number";
  readonly unit: string;
  /** Where the value is given, e.g. ``node params `oversample` (TS `oversample`)``. */
  readonly where: string;
  /** One phrase: what the value means. */
  readonly meaning: string;
}

const REQUIRED_FACTS: { readonly [Name in LimitName]: LimitFacts } = {
  oversample: { kind: "integer", unit: "", where: "node params `oversample` (TS `oversample`)", meaning: "internal oversampling factor" },
  declaredDelayFrames: {
    kind: "integer",
    unit: "frames",
    where: "node params `declared_delay_frames` (TS `declaredDelayFrames`)",
    meaning: "latency the node adds, in output frames",
  },
  edgeDelayFrames: {
    kind: "integer",
    unit: "frames",
    where: "edge and modulation `delay_frames` (TS `delayFrames`)",
    meaning: "extra delay on a link; at least 1 closes a feedback loop",
  },
  modulationChannels: {
    kind: "integer",
    unit: "",
    where: "node params `modulation.channels` (TS `modulation.channels`)",
    meaning: "modulation channel count",
  },
  modulationChannel: {
    kind: "integer",
    unit: "",
    where: "modulation `channel` (TS `channel`)",
    meaning: "fixed source channel of a modulation edge",
  },
  sampleRate: { kind: "number", unit: "Hz", where: "graph `sample_rate`, render and runtime `sampleRate`", meaning: "sample rate" },
  batches: { kind: "integer", unit: "", where: "render and runtime `batches`", meaning: "independent lanes rendered together" },
  blockFrames: { kind: "integer", unit: "frames", where: "render and runtime `blockFrames`", meaning: "largest block the scheduler runs" },
  threads: { kind: "integer", unit: "", where: "render and runtime `threads`", meaning: "threads a render may use" },
  modulationScale: { kind: "number", unit: "", where: "modulation `scale` (TS `scale`)", meaning: "multiplier of a modulating signal" },
  thermoResistance: {
    kind: "number",
    unit: "",
    where: "node params `thermo.resistance` (TS `thermo.resistance`)",
    meaning: "R of the heat model",
  },
  thermoWork: {
    kind: "number",
    unit: "",
    where: "node params `thermo.work` (TS `thermo.work`)",
    meaning: "W of the heat model, per frame",
  },
};

/** Facts of limits a runtime may export beyond the required ones. */
const OPTIONAL_FACTS: Readonly<Record<string, LimitFacts>> = {
  nodes: { kind: "integer", unit: "", where: "graph `nodes`", meaning: "nodes of one graph" },
  bufferChannels: { kind: "integer", unit: "", where: "`Runtime.setBuffer` and render `buffers`", meaning: "channels of a PCM buffer" },
  bufferSamples: {
    kind: "integer",
    unit: "",
    where: "`Runtime.setBuffer` and render `buffers`",
    meaning: "samples (channels x frames) of a PCM buffer, checked before allocation",
  },
};

/** The limits every catalogue has, in catalogue order. */
export const REQUIRED_LIMITS: readonly LimitName[] = Object.freeze(Object.keys(REQUIRED_FACTS) as LimitName[]);

/** How a limit is documented; a limit this library does not know yet gets generic facts. */
export function limitFacts(name: string, limit: CatalogLimit): LimitFacts {
  const known = (REQUIRED_FACTS as Readonly<Record<string, LimitFacts>>)[name] ?? OPTIONAL_FACTS[name];
  if (known !== undefined) return known;
  const kind = Number.isInteger(limit.min) && Number.isInteger(limit.max) ? "integer" : "number";
  return { kind, unit: "", where: "the runtime", meaning: `runtime limit \`${name}\`` };
}

/** One required limit of a catalogue as a {@link LimitRange} (frozen). */
export function limitRange(limits: CatalogLimits, name: LimitName): LimitRange {
  const limit = limits[name];
  const facts = REQUIRED_FACTS[name];
  return Object.freeze({ kind: facts.kind, min: limit.min, max: limit.max, minExclusive: limit.minExclusive, unit: facts.unit });
}

/** `[1, 64]`, `(0, 10000000]`: the limit's range as written in messages and docs. */
export function formatLimit(limit: CatalogLimit): string {
  return formatRange({ kind: "number", min: limit.min, max: limit.max, minExclusive: limit.minExclusive });
}
