/**
 * What a sweep keeps per point, and how it is measured: every number comes from the native
 * runtime (levels, heat totals per batch lane, latency) or the native analysis functions
 * (spectral centroid, band levels averaged over frames by `columnStats`). The specification is
 * plain JSON so it travels to worker threads and to BullMQ workers unchanged.
 */
import { bandEnergy, type Band } from "../analysis/band-energy";
import { spectralCentroid } from "../analysis/centroid";
import type { AnalysisSignal, WindowName } from "../analysis/common";
import { analyzeLevels } from "../analysis/levels";
import { columnStats } from "../analysis/series-columns";
import { checkOptionKeys, validationError } from "../errors";

/** Frame options of the spectral measurements. */
export interface SweepFrameOptions {
  /** Frame length in samples; default 4096 for the centroid, 2048 for bands (or the render length when shorter). */
  readonly size?: number;
  /** Overlap fraction in [0, 0.99]; default 0.5. */
  readonly overlap?: number;
  /** Analysis window; default `"hann"`. */
  readonly window?: WindowName;
}

/** Band levels to keep: per band, the mean over analysis frames of its level in dBFS (`bandEnergy`). */
export interface SweepBandsMeasure extends SweepFrameOptions {
  /** The bands `[lowHz, highHz)`, 1 to 64 of them, each below Nyquist. */
  readonly bands: readonly Band[];
}

/**
 * What to measure per point. Columns are named as listed; an output with more than one channel
 * gets one column per channel, suffixed `.c0`, `.c1`, ...
 */
export interface SweepMeasure {
  /** `peak`, `rms`, `dc` (linear, full scale 1) and `crestDb` (dB). Default true. */
  readonly levels?: boolean;
  /** `heat`: the graph's heat total; `"nodes"` adds `heat.<node>` per node. Default true. */
  readonly heat?: boolean | "nodes";
  /** `latencyFrames`: the graph's latency in frames. Default true. */
  readonly latency?: boolean;
  /** `centroidHz`: spectral centroid of the Welch power (`spectralCentroid`). Default false. */
  readonly centroid?: boolean | SweepFrameOptions;
  /** `band0Db`, `band1Db`, ...: mean band level in dBFS. Default none. */
  readonly bands?: SweepBandsMeasure;
}

const MEASURE_KEYS = ["levels", "heat", "latency", "centroid", "bands"];
const FRAME_KEYS = ["size", "overlap", "window"];

function frameOptions(name: string, value: unknown): SweepFrameOptions {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw validationError({ param: `measure.${name}`, label: "sweep option" }, "an object { size?, overlap?, window? }", value);
  checkOptionKeys({ label: "sweep option" }, value, name === "bands" ? [...FRAME_KEYS, "bands"] : FRAME_KEYS, `sweep() measure.${name}`);
  return value as SweepFrameOptions;
}

/** Checks a measure specification (shape only: values are checked by the analysis functions on the first point). */
export function checkMeasure(measure: unknown): SweepMeasure {
  if (measure === undefined) return {};
  if (typeof measure !== "object" || measure === null || Array.isArray(measure))
    throw validationError(
      { param: "measure", label: "sweep option" },
      "an object { levels?, heat?, latency?, centroid?, bands? }",
      measure,
    );
  checkOptionKeys({ label: "sweep option" }, measure, MEASURE_KEYS, "sweep() measure");
  const m = measure as SweepMeasure;
  for (const key of ["levels", "latency"] as const)
    if (m[key] !== undefined && typeof m[key] !== "boolean")
      throw validationError({ param: `measure.${key}`, label: "sweep option" }, "a boolean", m[key]);
  if (m.heat !== undefined && typeof m.heat !== "boolean" && m.heat !== "nodes")
    throw validationError({ param: "measure.heat", label: "sweep option" }, 'a boolean or "nodes"', m.heat);
  if (m.centroid !== undefined && typeof m.centroid !== "boolean") frameOptions("centroid", m.centroid);
  if (m.bands !== undefined) {
    const bands = frameOptions("bands", m.bands) as SweepBandsMeasure;
    if (!Array.isArray(bands.bands) || bands.bands.length < 1 || bands.bands.length > 64)
      throw validationError({ param: "measure.bands.bands", label: "sweep option" }, "1 to 64 [lowHz, highHz] pairs", bands.bands);
  }
  return JSON.parse(JSON.stringify(m)) as SweepMeasure;
}

/** What the runtime reported about one lane's render. */
export interface LaneFacts {
  /** The graph's heat total for this lane. */
  readonly heat: number;
  /** Heat totals per node for this lane. */
  readonly nodeHeat: Readonly<Record<string, number>>;
  readonly latencyFrames: number;
}

/**
 * The measurements of each batch lane of `signal` (one point per batch; `facts[b]` is batch b's).
 * Levels and the centroid are measured in one native call over every lane (one analysis plan for
 * all of them): the native functions measure each lane on its own, so every value equals that of
 * measuring the lane's one-batch audio alone. Band levels are measured lane by lane.
 */
export function measureLanes(signal: AnalysisSignal, facts: readonly LaneFacts[], measure: SweepMeasure): Record<string, number>[] {
  const { batches, channels, frames } = signal.shape;
  const name = (base: string, c: number) => (channels === 1 ? base : `${base}.c${c}`);
  const levels = measure.levels !== false ? analyzeLevels(signal.samples, signal.shape) : undefined;
  const centroid =
    measure.centroid !== undefined && measure.centroid !== false
      ? spectralCentroid(signal, measure.centroid === true ? {} : measure.centroid)
      : undefined;
  const out: Record<string, number>[] = [];
  for (let b = 0; b < batches; b += 1) {
    const row: Record<string, number> = {};
    const lane = b * channels;
    if (levels !== undefined) {
      for (let c = 0; c < channels; c += 1) {
        row[name("peak", c)] = levels.peak[lane + c] ?? NaN;
        row[name("rms", c)] = levels.rms[lane + c] ?? NaN;
        row[name("dc", c)] = levels.dc[lane + c] ?? NaN;
        row[name("crestDb", c)] = levels.crestDb[lane + c] ?? NaN;
      }
    }
    const fact = facts[b] as LaneFacts;
    if (measure.heat !== false) {
      row["heat"] = fact.heat;
      if (measure.heat === "nodes") for (const [node, total] of Object.entries(fact.nodeHeat)) row[`heat.${node}`] = total;
    }
    if (measure.latency !== false) row["latencyFrames"] = fact.latencyFrames;
    if (centroid !== undefined) for (let c = 0; c < channels; c += 1) row[name("centroidHz", c)] = centroid.hz[lane + c] ?? NaN;
    if (measure.bands !== undefined) {
      const { bands, ...frameOptions } = measure.bands;
      const one = {
        ...signal,
        samples: signal.samples.subarray(lane * frames, (lane + channels) * frames),
        shape: { batches: 1, channels, frames },
      };
      const energy = bandEnergy(one, { bands, ...frameOptions });
      const rows = channels * bands.length;
      const mean = columnStats(energy.levelDb, rows, energy.shape.frames, 1).mean;
      for (let c = 0; c < channels; c += 1)
        for (let k = 0; k < bands.length; k += 1) row[name(`band${k}Db`, c)] = mean[c * bands.length + k] ?? NaN;
    }
    out.push(row);
  }
  return out;
}
