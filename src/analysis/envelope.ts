/**
 * Waveform envelope for display: min, max and RMS per column (`amp_analysis_envelope`).
 *
 * The span [start, end) of `L = end - start` frames is split into `columns` columns; column c
 * covers frames [start + floor(c L / columns), start + floor((c + 1) L / columns)), so every
 * column holds at least one frame and their union is the span. Each column's min and max are
 * the exact extremes of its finite samples; NaN and Inf samples are left out of min, max and RMS
 * and counted in `nonFinite` (a column with no finite sample reads 0 with its count set).
 */
import { loadAddon } from "../native/load-addon";
import { checkInt, checkOptions, checkSignal, optionSubject, selectLanes } from "./checks";
import type { AnalysisSignal, LaneSelection } from "./common";

const UNITS = Object.freeze({ min: "FS", max: "FS", rms: "FS", times: "s", edges: "frames" } as const);

/** Options of {@link envelope}. */
export interface EnvelopeOptions extends LaneSelection {
  /** First frame of the span, an integer in [0, frames - 1]; default 0. */
  readonly start?: number;
  /** Frame after the span, an integer in [start + columns, frames]; default frames. */
  readonly end?: number;
}

/** A display envelope: per-column extremes and RMS of the selected lanes. */
export interface Envelope {
  /** Smallest finite sample per column, planar `(batch, channel, column)` over the selection. */
  readonly min: Float64Array;
  /** Largest finite sample per column, planar like `min`. */
  readonly max: Float64Array;
  /** RMS of the finite samples per column (linear, full scale 1), planar like `min`. */
  readonly rms: Float64Array;
  /** NaN or Inf samples per column, planar like `min`. */
  readonly nonFinite: Uint32Array;
  /** Time of each column's centre in seconds (from frame 0 of the signal). */
  readonly times: Float64Array;
  /** Column edges in frames: `columns + 1` values, column c is [edges[c], edges[c + 1]). */
  readonly edges: Float64Array;
  /** Shape of `min`, `max`, `rms` and `nonFinite`. */
  readonly shape: { readonly batches: number; readonly channels: number; readonly columns: number };
  /** The selected batch indices, in result order. */
  readonly batches: readonly number[];
  /** The selected channel indices, in result order. */
  readonly channels: readonly number[];
  /** The span in frames. */
  readonly start: number;
  readonly end: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Units of the fields. */
  readonly units: { readonly min: "FS"; readonly max: "FS"; readonly rms: "FS"; readonly times: "s"; readonly edges: "frames" };
}

/**
 * Min, max and RMS per column of the selected lanes over a span, computed natively.
 * @param signal - planar samples, shape and sample rate (a RenderResult is one)
 * @param columns - number of columns, an integer in [1, end - start]
 * @param options - span and lanes
 */
export function envelope(signal: AnalysisSignal, columns: number, options: EnvelopeOptions = {}): Envelope {
  const checked = checkSignal("envelope", signal);
  const opts = checkOptions<EnvelopeOptions>("envelope", options, ["start", "end", "batches", "channels"]);
  const selection = selectLanes("envelope", checked.shape, opts);
  const { batches, channels, frames } = checked.shape;
  const start = opts.start === undefined ? 0 : checkInt(optionSubject("envelope", "start"), opts.start, 0, frames - 1, "frames");
  const end = opts.end === undefined ? frames : checkInt(optionSubject("envelope", "end"), opts.end, start + 1, frames, "frames");
  checkInt({ type: "envelope()", param: "columns", label: "argument" }, columns, 1, end - start, "(the frames of the span)");
  const native = loadAddon().analysisEnvelope(checked.samples, batches, channels, frames, selection.lanes, start, end, columns);
  const span = end - start;
  const edges = new Float64Array(columns + 1);
  const times = new Float64Array(columns);
  for (let c = 0; c <= columns; c++) edges[c] = start + Math.floor((span * c) / columns);
  for (let c = 0; c < columns; c++) times[c] = ((edges[c] ?? 0) + (edges[c + 1] ?? 0)) / 2 / checked.sampleRate;
  return Object.freeze({
    ...native,
    times,
    edges,
    shape: Object.freeze({ batches: selection.batches.length, channels: selection.channels.length, columns }),
    batches: selection.batches,
    channels: selection.channels,
    start,
    end,
    sampleRate: checked.sampleRate,
    units: UNITS,
  });
}
