/**
 * The band metrics a node publishes as its `bands` tap (the FFT divider's: one record per analysis
 * frame and channel), read as a {@link BandTrack} for `plot.bands(result, "node")`. The numbers are
 * the tap's; the band edges are converted from normalised frequency to Hz (times the Nyquist
 * frequency), the only arithmetic here.
 */
import type { RenderResult } from "../render/result";
import type { Tap } from "../render/result";
import { invalidError } from "../errors";
import type { BandTrack } from "./bands";

/** Which lane of a node's band metrics to read. */
export interface TapTrackOptions {
  /** Batch, integer; default 0. */
  readonly batch?: number;
  /** Channel (the tap's group), integer; default 0. */
  readonly channel?: number;
}

const COLUMNS = ["lower", "upper", "intensity", "phase", "in_band_db", "out_of_band_db"];

/** True when the value is a render result (it carries taps). */
export function isRenderResult(value: unknown): value is RenderResult {
  return typeof value === "object" && value !== null && typeof (value as RenderResult).taps === "object" && "summary" in value;
}

/** The `bands` tap of node `node` in a render, as a band track of one batch and channel. */
export function bandTrackFromTap(result: RenderResult, node: string, options: TapTrackOptions = {}): BandTrack {
  const key = `${node}.bands`;
  const tap: Tap | undefined = result.taps[key];
  if (tap === undefined) {
    const names = Object.keys(result.taps);
    throw invalidError(
      { param: "node", label: "plot.bands() option" },
      `expects a node that publishes band metrics (a tap "<node>.bands"); this render has no tap ${JSON.stringify(key)} (its taps: ${names.length > 0 ? names.join(", ") : "none"})`,
    );
  }
  const missing = COLUMNS.filter((column) => !tap.columns.includes(column));
  if (missing.length > 0) {
    throw invalidError({ param: "node", label: "plot.bands() option" }, `tap ${JSON.stringify(key)} has no columns ${missing.join(", ")}`);
  }
  const batch = options.batch ?? 0;
  const channel = options.channel ?? 0;
  if (!Number.isInteger(batch) || batch < 0 || batch >= tap.batches) {
    throw invalidError(
      { param: "batch", label: "plot.bands() option" },
      `expects an integer in [0, ${tap.batches - 1}], got ${String(batch)}`,
    );
  }
  if (!Number.isInteger(channel) || channel < 0 || channel >= tap.groups) {
    throw invalidError(
      { param: "channel", label: "plot.bands() option" },
      `expects an integer in [0, ${tap.groups - 1}] (the channels of ${JSON.stringify(node)}), got ${String(channel)}`,
    );
  }
  const nyquist = result.sampleRate / 2;
  const hz = (values: Float64Array): Float64Array => values.map((value) => value * nyquist);
  return {
    times: tap.times,
    lowerHz: hz(tap.series("lower", batch, channel)),
    upperHz: hz(tap.series("upper", batch, channel)),
    intensity: tap.series("intensity", batch, channel),
    phase: tap.series("phase", batch, channel),
    levels: [
      { name: "in band", db: tap.series("in_band_db", batch, channel) },
      { name: "out of band", db: tap.series("out_of_band_db", batch, channel) },
    ],
    levelUnit: "dBFS",
  };
}
