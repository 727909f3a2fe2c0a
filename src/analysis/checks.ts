/**
 * Argument checks and option translation shared by the analysis wrappers: the signal, the lane
 * selection, frame options (size, overlap, window, beta) and axis options. Values only; the
 * maths is native.
 */
import { checkOptionKeys, validationError, type ValidationSubject } from "../errors";
import type { NativeAnalysisConfig } from "../native/addon-types";
import { checkTensor, type TensorShape } from "../render/shape";
import { WINDOW_NAMES, type AnalysisSignal, type FrequencyScale, type LaneSelection, type WindowName } from "./common";

/** Largest frame length (2^24 samples), as in the C ABI. */
export const MAX_FRAME_SIZE = 16777216;
/** Largest resampled axis (points or rows), as in the C ABI. */
export const MAX_POINTS = 65536;
/** Default Kaiser beta. */
export const DEFAULT_BETA = 8.6;
/** Default dB floor. */
export const DEFAULT_FLOOR_DB = -200;

/** The subject of an analysis option error: `spectrum() option "size" ...`. */
export function optionSubject(fn: string, param: string): ValidationSubject {
  return { type: `${fn}()`, param, label: "option" };
}

/** A checked signal. */
export interface CheckedSignal {
  readonly samples: Float64Array;
  readonly shape: TensorShape;
  readonly sampleRate: number;
}

/** Checks `signal` ({ samples, shape, sampleRate }) as the first argument of `fn`. */
export function checkSignal(fn: string, signal: unknown): CheckedSignal {
  const subject: ValidationSubject = { type: `${fn}()`, param: "signal", label: "argument" };
  if (typeof signal !== "object" || signal === null)
    throw validationError(subject, "an object { samples, shape, sampleRate } (a RenderResult is one)", signal);
  const s = signal as Partial<AnalysisSignal>;
  const shape = checkTensor({ type: `${fn}()`, label: "argument" }, s.samples, s.shape);
  const rate = s.sampleRate;
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0)
    throw validationError({ ...subject, param: "signal.sampleRate" }, "a finite number > 0 Hz", rate);
  return { samples: s.samples as Float64Array, shape, sampleRate: rate };
}

/** Checks an options argument: an object (or undefined) with only `known` keys. */
export function checkOptions<T extends object>(fn: string, options: unknown, known: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw validationError({ type: `${fn}()`, param: "options", label: "argument" }, "an options object", options);
  checkOptionKeys({ type: `${fn}()`, label: "option" }, options, known, `${fn}`);
  return options as Partial<T>;
}

/** The selected lanes: native lane indices and the batch and channel lists in result order. */
export interface Lanes {
  readonly lanes: Uint32Array;
  readonly batches: readonly number[];
  readonly channels: readonly number[];
}

function checkIndexList(fn: string, name: string, value: unknown, count: number): number[] {
  if (value === undefined) return Array.from({ length: count }, (_, i) => i);
  const subject = optionSubject(fn, name);
  const expected = `a non-empty array of distinct integers in [0, ${count - 1}]`;
  if (!Array.isArray(value) || value.length === 0) throw validationError(subject, expected, value);
  const seen = new Set<number>();
  for (const item of value) {
    if (typeof item !== "number" || !Number.isInteger(item) || item < 0 || item >= count || seen.has(item))
      throw validationError(subject, expected, value);
    seen.add(item);
  }
  return [...value] as number[];
}

/** Checks a lane selection against a shape. */
export function selectLanes(fn: string, shape: TensorShape, selection: LaneSelection): Lanes {
  const batches = checkIndexList(fn, "batches", selection.batches, shape.batches);
  const channels = checkIndexList(fn, "channels", selection.channels, shape.channels);
  const lanes = new Uint32Array(batches.length * channels.length);
  let at = 0;
  for (const b of batches) for (const c of channels) lanes[at++] = b * shape.channels + c;
  return { lanes, batches: Object.freeze(batches), channels: Object.freeze(channels) };
}

/** Checks a finite number in [min, max]. */
export function checkNumber(subject: ValidationSubject, value: unknown, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    throw validationError(subject, `a finite number in [${min}, ${max}]${unit === "" ? "" : ` ${unit}`}`, value);
  return value;
}

/** Checks an integer in [min, max]. */
export function checkInt(subject: ValidationSubject, value: unknown, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw validationError(subject, `an integer in [${min}, ${max}]${unit === "" ? "" : ` ${unit}`}`, value);
  return value;
}

/** AMP_WINDOW_* code of a window name. */
export function windowCode(fn: string, name: unknown): number {
  const code = WINDOW_NAMES.indexOf(name as WindowName);
  if (code < 0) throw validationError(optionSubject(fn, "window"), `one of ${WINDOW_NAMES.map((w) => `"${w}"`).join(", ")}`, name);
  return code;
}

/** Checks the Kaiser beta: only with the Kaiser window (no option is accepted and ignored). */
export function checkBeta(fn: string, window: WindowName, beta: unknown): number {
  if (beta === undefined) return DEFAULT_BETA;
  if (window !== "kaiser")
    throw validationError(optionSubject(fn, "beta"), `no value unless window is "kaiser" (window is "${window}")`, beta);
  return checkNumber(optionSubject(fn, "beta"), beta, 0, 50);
}

/** Frame options as given to a frame-based analysis. */
export interface FrameInput {
  readonly size?: number | undefined;
  readonly overlap?: number | undefined;
  readonly window?: WindowName | undefined;
  readonly beta?: number | undefined;
}

/** Checked frame options. */
export interface Frames {
  readonly size: number;
  readonly hop: number;
  readonly window: WindowName;
  readonly windowCode: number;
  readonly beta: number;
}

/**
 * Checks size (default `min(defaultSize, frames)`), overlap (default `defaultOverlap`), window
 * and beta against a signal of `frames` samples; the hop is `max(1, round(size (1 - overlap)))`.
 */
export function checkFrames(fn: string, options: FrameInput, frames: number, defaultSize: number, defaultOverlap: number): Frames {
  if (frames < 2)
    throw validationError(
      { type: `${fn}()`, param: "signal.shape.frames", label: "argument" },
      "at least 2 frames for a spectral analysis",
      frames,
    );
  const largest = Math.min(MAX_FRAME_SIZE, frames);
  const size =
    options.size === undefined
      ? Math.min(defaultSize, frames)
      : checkInt(optionSubject(fn, "size"), options.size, 2, largest, `samples (at most the signal's ${frames} frames)`);
  const overlap = options.overlap === undefined ? defaultOverlap : checkNumber(optionSubject(fn, "overlap"), options.overlap, 0, 0.99);
  const window: WindowName = options.window === undefined ? "hann" : (options.window as WindowName);
  const code = windowCode(fn, window);
  const beta = checkBeta(fn, window, options.beta);
  return { size, hop: Math.max(1, Math.round(size * (1 - overlap))), window, windowCode: code, beta };
}

/** Axis options as given. */
export interface AxisInput {
  readonly scale?: FrequencyScale | undefined;
  readonly points?: number | undefined;
  readonly minHz?: number | undefined;
  readonly maxHz?: number | undefined;
}

/** A checked axis: AMP_SCALE_* code, points and range (0s for raw bins). */
export interface Axis {
  readonly scale: "bins" | FrequencyScale;
  readonly code: number;
  readonly points: number;
  readonly minHz: number;
  readonly maxHz: number;
}

/**
 * Checks the display axis options; `pointsName` is what the count is called ("points" or
 * "rows"); `allowed` the scales the function accepts.
 */
export function checkAxis(
  fn: string,
  input: AxisInput,
  pointsName: string,
  sampleRate: number,
  allowed: readonly FrequencyScale[],
  defaultPoints: number,
): Axis {
  const nyquist = sampleRate / 2;
  if (input.scale === undefined) {
    for (const [name, value] of [
      [pointsName, input.points],
      ["minHz", input.minHz],
      ["maxHz", input.maxHz],
    ] as const) {
      if (value !== undefined) throw validationError(optionSubject(fn, name), "no value unless scale is given", value);
    }
    return { scale: "bins", code: 0, points: 0, minHz: 0, maxHz: 0 };
  }
  if (!allowed.includes(input.scale))
    throw validationError(optionSubject(fn, "scale"), `one of ${allowed.map((s) => `"${s}"`).join(", ")}`, input.scale);
  const points = input.points === undefined ? defaultPoints : checkInt(optionSubject(fn, pointsName), input.points, 2, MAX_POINTS);
  const maxHz = input.maxHz === undefined ? nyquist : input.maxHz;
  if (typeof maxHz !== "number" || !Number.isFinite(maxHz) || maxHz <= 0 || maxHz > nyquist)
    throw validationError(optionSubject(fn, "maxHz"), `a finite number in (0, ${nyquist}] Hz (Nyquist)`, maxHz);
  const log = input.scale === "log";
  const minHz = input.minHz === undefined ? Math.min(log ? 20 : 0, maxHz / 2) : input.minHz;
  if (typeof minHz !== "number" || !Number.isFinite(minHz) || minHz < 0 || minHz >= maxHz || (log && minHz <= 0))
    throw validationError(optionSubject(fn, "minHz"), `a finite number in ${log ? "(" : "["}0, ${maxHz}) Hz (below maxHz)`, minHz);
  const code = input.scale === "linear" ? 1 : log ? 2 : 3;
  return { scale: input.scale, code, points, minHz, maxHz };
}

/** Checks the dB floor. */
export function checkFloor(fn: string, floorDb: unknown): number {
  return floorDb === undefined ? DEFAULT_FLOOR_DB : checkNumber(optionSubject(fn, "floorDb"), floorDb, -400, 0, "dB");
}

/** The native config of checked frames, axis and floor. */
export function nativeConfig(sampleRate: number, frames: Frames, axis: Axis | undefined, floorDb: number): NativeAnalysisConfig {
  return {
    sampleRate,
    size: frames.size,
    hop: frames.hop,
    window: frames.windowCode,
    beta: frames.beta,
    symmetric: false,
    scale: axis?.code ?? 0,
    points: axis?.points ?? 0,
    minHz: axis?.minHz ?? 0,
    maxHz: axis?.maxHz ?? 0,
    floorDb,
  };
}

/**
 * The checks every frame-based analysis starts with, in this order: the signal, the option keys,
 * the lane selection and the frame options (defaults `defaultSize` samples, `defaultOverlap`).
 * `signalArgs(axis, floorDb)` gives the leading arguments of the native call: the config, the
 * samples, their shape (batches, channels, frames) and the selected lanes.
 */
export function checkFramedCall<T extends FrameInput & LaneSelection>(
  fn: string,
  signal: AnalysisSignal,
  options: unknown,
  keys: readonly string[],
  defaultSize: number,
  defaultOverlap: number,
) {
  const checked = checkSignal(fn, signal);
  const opts = checkOptions<T>(fn, options, keys);
  // Partial<T> keeps T's lane and frame fields (T extends both), which TypeScript cannot see
  // through the generic.
  const selection = selectLanes(fn, checked.shape, opts as LaneSelection);
  const frames = checkFrames(fn, opts as FrameInput, checked.shape.frames, defaultSize, defaultOverlap);
  const { batches, channels, frames: length } = checked.shape;
  const signalArgs = (axis: Axis | undefined, floorDb: number) =>
    [nativeConfig(checked.sampleRate, frames, axis, floorDb), checked.samples, batches, channels, length, selection.lanes] as const;
  return { checked, opts, selection, frames, signalArgs, laneFrames: selection.lanes.length * length, sampleRate: checked.sampleRate };
}
