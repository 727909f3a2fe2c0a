/**
 * Control history: named automation curves supplied per render, read by `controller` nodes (and
 * routed to any parameter with a modulation edge). Validated here, converted to the native form
 * (times in frames, possibly fractional) and sampled by the runtime.
 */
import { describeValue, invalidError, validationError, type ValidationSubject } from "../errors";
import type { NativeHistoryCurve } from "../native/addon-types";

/** One point of a curve: `[time, value]`, time in the curve's unit (seconds unless it says frames). */
export type CurvePoint = readonly [time: number, value: number];

/** Unit of the times of a curve's points. */
export type CurveTimeUnit = "seconds" | "frames";

/** How a curve is sampled between its points. */
export type CurveInterpolation = "step" | "linear";

/** A curve with its options. */
export interface CurveDefinition {
  /** At least one `[time, value]` pair; times finite and ascending (equal times allowed: a jump), values finite. */
  readonly points: readonly CurvePoint[];
  /** Unit of the times: `"seconds"` (default; converted to frames as `time * sampleRate`, not rounded) or `"frames"` (fractional allowed). */
  readonly unit?: CurveTimeUnit | undefined;
  /** `"linear"` (default) between points, or `"step"`: the value of the last point at or before the frame. */
  readonly interpolation?: CurveInterpolation | undefined;
}

/** A curve: `[time, value]` pairs with times in seconds and linear interpolation, or a {@link CurveDefinition}. */
export type CurveInput = readonly CurvePoint[] | CurveDefinition;

/**
 * The control history of one render: curves by name, e.g.
 * `{ cutoff: [[0, 200], [1.5, 4000]] }` (seconds, linear) or
 * `{ gate: { points: [[0, 1], [480, 0]], unit: "frames", interpolation: "step" } }`.
 *
 * Sampling rule, at every frame `n` (times converted to frames):
 * - before the first point the curve holds the first value; at and after the last point, the last value;
 * - `linear`: `v_i + (v_{i+1} - v_i) * (n - t_i) / (t_{i+1} - t_i)` for `t_i <= n < t_{i+1}`;
 *   `step`: `v_i` of the last point with `t_i <= n`;
 * - two points at the same time make a jump: the later one applies from that time on;
 * - times are relative to the start of each render call: a second `Runtime.render` starts every curve again.
 * The value at a frame depends on the frame alone, so the output is identical for every block size.
 */
export type ControlHistory = Readonly<Record<string, CurveInput>>;

const CURVE_KEYS = ["points", "unit", "interpolation"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** `render option "history.cutoff" point 2 expects ..., got ...` */
function pointError(subject: ValidationSubject, index: number, expected: string, got: unknown) {
  return invalidError(subject, `point ${index} expects ${expected}, got ${describeValue(got)}`);
}

function curveDefinition(subject: ValidationSubject, input: unknown): CurveDefinition {
  if (Array.isArray(input)) return { points: input as CurvePoint[] };
  if (!isPlainObject(input)) throw validationError(subject, "an array of [time, value] pairs or { points, unit?, interpolation? }", input);
  for (const key of Object.keys(input)) {
    if (!CURVE_KEYS.includes(key))
      throw invalidError({ ...subject, param: `${subject.param ?? ""}.${key}` }, `is unknown; a curve has ${CURVE_KEYS.join(", ")}`);
  }
  const { points, unit, interpolation } = input;
  if (unit !== undefined && unit !== "seconds" && unit !== "frames")
    throw validationError({ ...subject, param: `${subject.param ?? ""}.unit` }, `"seconds" or "frames"`, unit);
  if (interpolation !== undefined && interpolation !== "step" && interpolation !== "linear") {
    throw validationError({ ...subject, param: `${subject.param ?? ""}.interpolation` }, `"step" or "linear"`, interpolation);
  }
  if (!Array.isArray(points))
    throw validationError({ ...subject, param: `${subject.param ?? ""}.points` }, "an array of [time, value] pairs", points);
  return { points: points as CurvePoint[], unit, interpolation };
}

function nativeCurve(name: string, input: unknown, sampleRate: number, label: string): NativeHistoryCurve {
  const subject: ValidationSubject = { param: `history.${name}`, label };
  const curve = curveDefinition(subject, input);
  const seconds = (curve.unit ?? "seconds") === "seconds";
  const unitText = seconds ? "seconds" : "frames";
  const count = curve.points.length;
  if (count === 0) throw validationError(subject, "at least one [time, value] point", curve.points);
  const timesFrames = new Float64Array(count);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k += 1) {
    const point: unknown = curve.points[k];
    if (!Array.isArray(point) || point.length !== 2 || typeof point[0] !== "number" || typeof point[1] !== "number") {
      throw pointError(subject, k, "a [time, value] pair of numbers", point);
    }
    const [time, value] = point as [number, number];
    if (!Number.isFinite(time)) throw pointError(subject, k, `a finite time in ${unitText}`, time);
    if (!Number.isFinite(value)) throw pointError(subject, k, "a finite value", value);
    const previous = k > 0 ? (curve.points[k - 1]?.[0] ?? time) : time;
    if (time < previous) throw pointError(subject, k, `a time >= ${previous} ${unitText} (times ascend)`, time);
    const frames = seconds ? time * sampleRate : time;
    if (!Number.isFinite(frames)) throw pointError(subject, k, `a time that is finite in frames at ${sampleRate} Hz`, time);
    timesFrames[k] = frames;
    values[k] = value;
  }
  return { name, timesFrames, values, interpolation: curve.interpolation === "step" ? 0 : 1 };
}

/**
 * Validates a render's control history and converts it to the native form: times in frames
 * (`time * sampleRate` for seconds, not rounded), interpolation as 0 (step) or 1 (linear).
 * @param history - curves by name (see {@link ControlHistory})
 * @param sampleRate - Hz, used to convert seconds to frames
 * @param label - what the option is called in messages (`render option "history.cutoff" ...`)
 */
export function toNativeHistory(history: unknown, sampleRate: number, label = "render option"): NativeHistoryCurve[] {
  if (!isPlainObject(history))
    throw validationError({ param: "history", label }, "an object of curves by name, e.g. { cutoff: [[0, 200], [1.5, 4000]] }", history);
  return Object.entries(history).map(([name, input]) => {
    if (name === "") throw invalidError({ param: "history", label }, 'has a curve named ""; curve names are non-empty');
    if (name.includes("\0"))
      throw invalidError({ param: "history", label }, `has a curve named ${describeValue(name)}; curve names have no NUL characters`);
    return nativeCurve(name, input, sampleRate, label);
  });
}
