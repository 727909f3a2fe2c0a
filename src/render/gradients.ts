/**
 * Gradients through whole graphs (docs/gradients.md): the options and results of
 * `RenderResult.backward()` / `Runtime.backward()`, and the L2 loss helper. The backward pass
 * itself is native (`amp_graph_runtime_backward_v2`, on a worker thread with progress and
 * cancel); this file checks arguments and shapes results.
 */
import { ampError, checkOptionKeys, invalidError, validationError } from "../errors";
import type { Graph } from "../graph/graph";
import type { NativeGradientRequest, NativeHistoryCurve, NativeRuntime } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";
import type { TensorShape } from "./shape";
import { requireNodeType } from "../graph/validate-params";
import { signalTarget } from "./signal-params";
import { PROGRESS_INTERVAL_MS } from "./progress";
import { checkWorkOptions, runWork, WORK_KEYS, type WorkOptions } from "./work";
import { WINDOW_NAMES, type WindowName } from "../analysis/common";

/**
 * How a render records for {@link RenderResult.backward}: `record: true` keeps every value the
 * backward pass reads (memory grows with the span, see {@link Runtime.recordSize});
 * `record: { checkpointFrames }` keeps a snapshot of the stream every `checkpointFrames` frames
 * instead, and the backward pass re-renders each segment from its snapshot (about one more
 * render of time; memory for one segment plus one snapshot per segment). The gradients are the
 * same bits either way.
 */
export interface RecordOptions {
  /** Frames between snapshots, an integer in [1, 2^40] (a value >= the span: one segment). */
  readonly checkpointFrames: number;
}

/** The `record` option checked: undefined (no recording), 0 (full) or the checkpoint interval. */
export function checkRecordOption(record: unknown): number | undefined {
  if (record === undefined || record === false) return undefined;
  if (record === true) return 0;
  const expected = "a boolean or { checkpointFrames: integer in [1, 2^40] }";
  if (typeof record !== "object" || record === null || Array.isArray(record))
    throw validationError({ param: "record", label: "render option" }, expected, record);
  checkOptionKeys({ label: "record option" }, record, ["checkpointFrames"], "render({ record })");
  const { checkpointFrames } = record as RecordOptions;
  if (typeof checkpointFrames !== "number" || !Number.isInteger(checkpointFrames) || checkpointFrames < 1 || checkpointFrames > 2 ** 40)
    throw validationError({ param: "checkpointFrames", label: "record option" }, "an integer in [1, 2^40]", checkpointFrames);
  return checkpointFrames;
}

/**
 * Options of {@link RenderResult.backward}. The pass runs on a worker thread; `onProgress`,
 * `signal` and `progress` work as for renders (progress in frames of the recorded span; a
 * stopped pass rejects with AMP_ERR_CANCELLED and leaves the runtime and its recording usable).
 */
export interface BackwardOptions extends WorkOptions {
  /**
   * What to differentiate the loss with respect to, each either
   * - `"node.param"`: a signal parameter (JSON or camelCase name), e.g. `"osc.frequency"`: the
   *   gradient with respect to its base value (the `params` value or `setParam` override, before
   *   modulation), per batch and frame (`batches x 1 x frames`), or per batch when `summed`;
   * - `"node"`: the node's output, as if it were an input of the rest of the graph
   *   (`batches x channels x frames`), e.g. a `controller` that feeds the graph a curve;
   * - `"node.buffer"`: the node's PCM buffer (slot 0, handed over with `setBuffer` or the render
   *   option `buffers`), e.g. a `sampler`'s sound: `batches x buffer channels x buffer frames`,
   *   or `1 x buffer channels x buffer frames` when `summed` (summed over batches).
   * - `"node.history"`: the points of the control-history curves a `controller` plays (the
   *   render's `history`), summed over batches: {@link Gradient.curves} gives, per curve, the
   *   gradient with respect to each point's value and time (time in the curve's unit: per second
   *   for seconds, per frame for frames; 0 for step curves). `data` holds them per curve in the
   *   controller's order: values, then times in frames.
   */
  readonly wrt: readonly string[];
  /** Sum parameter gradients over the recorded frames: one number per batch (the gradient with respect to a constant value); buffer gradients over batches. Default false. */
  readonly summed?: boolean | undefined;
}

/** One gradient of a backward pass, planar like the samples. */
export interface Gradient {
  /** The `wrt` entry it answers. */
  readonly wrt: string;
  readonly node: string;
  /** The parameter (JSON name), `"buffer"` for a node's PCM buffer, or undefined for a node output. */
  readonly param: string | undefined;
  /** `batches x 1 x frames` (parameters), `batches x 1 x 1` (summed), `batches x channels x frames` (outputs). */
  readonly shape: TensorShape;
  readonly data: Float64Array;
  /** For `"node.history"`: per curve name, the gradient with respect to each point's value and time. */
  readonly curves?: Readonly<Record<string, CurvePointGradients>> | undefined;
}

/** The gradient of a loss with respect to the points of one control-history curve. */
export interface CurvePointGradients {
  /** dL/d(value of point i), one per point. */
  readonly values: Float64Array;
  /**
   * dL/d(time of point i), in the curve's time unit (per second or per frame): exact between
   * frames for linear curves (`-slope x weight`, a frame exactly on a point uses the segment
   * starting there); 0 for step curves and held ends (the value jumps there).
   */
  readonly times: Float64Array;
}

/** The render's control history, for the backward pass (re-renders, point gradients). */
export interface RecordedHistory {
  readonly native: NativeHistoryCurve[];
  /** Each curve's time unit as given. */
  readonly units: ReadonlyMap<string, "seconds" | "frames">;
  readonly sampleRate: number;
}

/** Gradients by `wrt` entry. */
export type Gradients = Readonly<Record<string, Gradient>>;

const BACKWARD_KEYS = ["wrt", "summed", ...WORK_KEYS];

/** True when the node type has a parameter named `name` (a parameter wins over `"buffer"`). */
function hasParam(node: string, type: string, name: string): boolean {
  return requireNodeType(node, type).params.some((p) => p.name === name);
}

/** A render's history kept for its backward pass: the native curves and each curve's unit. */
export function recordedHistory(source: unknown, native: NativeHistoryCurve[], sampleRate: number): RecordedHistory {
  const units = new Map<string, "seconds" | "frames">();
  for (const [name, input] of Object.entries(source as Record<string, unknown>)) {
    const unit = Array.isArray(input) ? undefined : (input as { unit?: unknown }).unit;
    units.set(name, unit === "frames" ? "frames" : "seconds");
  }
  return { native, units, sampleRate };
}

/** The curves a node reads: a controller's `curve` or `curves` parameter (other nodes: none). */
function curveNames(params: Readonly<Record<string, unknown>>): string[] {
  const { curve, curves } = params as { curve?: unknown; curves?: unknown };
  if (typeof curve === "string") return [curve];
  if (Array.isArray(curves)) return curves.filter((c): c is string => typeof c === "string");
  return [];
}

/** The shape of a PCM buffer handed to a node (slot 0), for the shape of its gradient. */
export interface BufferShape {
  readonly channels: number;
  readonly frames: number;
}

/**
 * Runs one backward pass of `native` over its recorded span, on a worker thread.
 * @param sampleRate - the render's sample rate in Hz (progress: x realtime)
 * @param dLdy - the loss gradient with respect to the rendered samples (same shape, finite)
 * @param history - the control history the span was rendered with (native form), if any
 */
export async function runBackward(
  native: NativeRuntime,
  graph: Graph,
  shape: TensorShape,
  sampleRate: number,
  dLdy: unknown,
  options: unknown,
  buffers: ReadonlyMap<string, BufferShape> = new Map(),
  history?: RecordedHistory,
): Promise<Gradients> {
  if (!(dLdy instanceof Float64Array)) throw validationError({ param: "dLdy", label: "argument" }, "a Float64Array", dLdy);
  const expected = shape.batches * shape.channels * shape.frames;
  if (dLdy.length !== expected)
    throw validationError(
      { param: "dLdy", label: "argument" },
      `${expected} values (batches ${shape.batches} x channels ${shape.channels} x frames ${shape.frames}, like the samples)`,
      dLdy,
    );
  for (let i = 0; i < dLdy.length; i += 1)
    if (!Number.isFinite(dLdy[i]))
      throw invalidError({ param: "dLdy", label: "argument" }, `expects finite values, got ${dLdy[i]} at index ${i}`);
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw validationError({ param: "options", label: "argument" }, "an object { wrt, summed? }", options);
  checkOptionKeys({ label: "backward option" }, options, BACKWARD_KEYS, "backward()");
  const { wrt, summed = false } = options as BackwardOptions;
  checkWorkOptions(options as BackwardOptions, "backward option");
  if (typeof summed !== "boolean") throw validationError({ param: "summed", label: "backward option" }, "a boolean", summed);
  if (!Array.isArray(wrt) || wrt.length === 0 || !wrt.every((w) => typeof w === "string"))
    throw validationError({ param: "wrt", label: "backward option" }, 'a non-empty array of "node.param" or "node" strings', wrt);
  const requests: NativeGradientRequest[] = [];
  const results: Record<string, Gradient> = {};
  for (const entry of wrt as readonly string[]) {
    if (entry in results) throw invalidError({ param: "wrt", label: "backward option" }, `lists ${JSON.stringify(entry)} twice`);
    const dot = entry.indexOf(".");
    const nodeName = dot < 0 ? entry : entry.slice(0, dot);
    const node = graph.node(nodeName);
    if (node === undefined)
      throw invalidError(
        { param: "wrt", label: "backward option" },
        `entry ${JSON.stringify(entry)} names no node of the graph; nodes: ${graph.nodes.map((n) => n.name).join(", ")}`,
      );
    let param: string | undefined;
    let nativeParam: string | undefined;
    let gradientShape: TensorShape;
    let curves: Record<string, CurvePointGradients> | undefined;
    const suffix = entry.slice(dot + 1);
    if (dot >= 0 && suffix === "history" && !hasParam(nodeName, node.type, "history")) {
      // The points of the curves the node reads; the runtime refuses a node that reads none.
      param = "history";
      nativeParam = "@history";
      if (history === undefined)
        throw invalidError({ param: "wrt", label: "backward option" }, `entry ${JSON.stringify(entry)} needs a render made with a history`);
      const names = curveNames(node.params);
      let count = 0;
      for (const name of names) count += 2 * (history.native.find((c) => c.name === name)?.timesFrames.length ?? 0);
      const data = new Float64Array(count);
      curves = {};
      let at = 0;
      for (const name of names) {
        const points = history.native.find((c) => c.name === name)?.timesFrames.length ?? 0;
        curves[name] = { values: data.subarray(at, at + points), times: data.subarray(at + points, at + 2 * points) };
        at += 2 * points;
      }
      gradientShape = { batches: 1, channels: 1, frames: count };
      const request: NativeGradientRequest = { node: nodeName, summed: false, out: data, param: nativeParam };
      requests.push(request);
      results[entry] = { wrt: entry, node: nodeName, param, shape: Object.freeze(gradientShape), data, curves };
      continue;
    }
    if (dot >= 0 && suffix === "buffer" && !hasParam(nodeName, node.type, "buffer")) {
      // The node's PCM buffer: the runtime refuses a node without one, naming it.
      const buffer = buffers.get(nodeName) ?? { channels: 0, frames: 0 };
      param = "buffer";
      nativeParam = "@buffer";
      gradientShape = { batches: summed ? 1 : shape.batches, channels: buffer.channels, frames: buffer.frames };
    } else if (dot < 0) {
      const channels = native.describeNode(nodeName).outputChannels;
      gradientShape = { batches: shape.batches, channels, frames: shape.frames };
    } else {
      const target = signalTarget(node, entry.slice(dot + 1));
      if (target.kind !== "param")
        throw invalidError({ node: nodeName, type: node.type, param: target.name }, "is the heat channel, which has no gradient");
      param = target.name;
      nativeParam = param;
      gradientShape = { batches: shape.batches, channels: 1, frames: summed ? 1 : shape.frames };
    }
    const data = new Float64Array(gradientShape.batches * gradientShape.channels * gradientShape.frames);
    const request: NativeGradientRequest = { node: nodeName, summed: param !== undefined && summed, out: data };
    if (nativeParam !== undefined) request.param = nativeParam;
    requests.push(request);
    results[entry] = { wrt: entry, node: nodeName, param, shape: Object.freeze(gradientShape), data };
  }
  const work = options as WorkOptions;
  // The render's history: a checkpointed recording re-renders its segments with it.
  await runWork(
    { label: "backward", totalFrames: shape.frames, sampleRate },
    "backward",
    work,
    () => native.cancel(),
    (w) => native.backward(dLdy, requests, { onProgress: w.onProgress, intervalMs: PROGRESS_INTERVAL_MS }, history?.native),
  );
  // Point times: the runtime's are per frame; a curve given in seconds gets per second.
  for (const result of Object.values(results)) {
    if (result.curves === undefined || history === undefined) continue;
    const perCurve: Record<string, CurvePointGradients> = {};
    for (const [name, points] of Object.entries(result.curves)) {
      const times = Float64Array.from(points.times);
      if (history.units.get(name) === "seconds") for (let i = 0; i < times.length; i += 1) times[i] = (times[i] ?? 0) * history.sampleRate;
      perCurve[name] = Object.freeze({ values: points.values, times });
    }
    results[result.wrt] = Object.freeze({ ...result, curves: Object.freeze(perCurve) });
  }
  for (const key of Object.keys(results)) results[key] = Object.freeze(results[key] as Gradient);
  return Object.freeze(results);
}

/** A loss value with its gradient with respect to the rendered samples (the `dLdy` of `backward`). */
export interface Loss {
  readonly loss: number;
  readonly dLdy: Float64Array;
}

/**
 * Mean squared error of rendered samples against a target of the same length, computed natively
 * (`amp_loss_l2`): `loss = mean((y - target)^2)`, `dLdy = 2 (y - target) / n`.
 * @param samples - e.g. `result.samples`
 * @param target - the signal to match, same length
 */
export function l2Loss(samples: Float64Array, target: Float64Array): Loss {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  if (!(target instanceof Float64Array) || target.length !== samples.length)
    throw validationError({ param: "target", label: "argument" }, `a Float64Array of ${samples.length} values`, target);
  if (samples.length === 0) throw ampError("AMP_ERR_INVALID_ARGUMENT", 'argument "samples" is empty');
  const dLdy = new Float64Array(samples.length);
  const loss = loadAddon().lossL2(samples, target, dLdy);
  return Object.freeze({ loss, dLdy });
}

/** Options of {@link spectralL2Loss}. */
export interface SpectralLossOptions {
  /** Frame (window and FFT) length in samples, an integer in [2, 16777216]. */
  readonly size: number;
  /** Samples between frames, an integer in [1, size]. */
  readonly hop: number;
  /** The analysis window (periodic). Default `"hann"`. */
  readonly window?: WindowName | undefined;
  /** Kaiser shape, in [0, 50], for `window: "kaiser"`. Default 8. */
  readonly kaiserBeta?: number | undefined;
  /** Rows of the planar samples (batches x channels of a render: `result.shape`); each row is one signal. Default 1. */
  readonly lanes?: number | undefined;
}

const SPECTRAL_KEYS = ["size", "hop", "window", "kaiserBeta", "lanes"];

/**
 * Spectral L2 loss, computed natively (`amp_loss_spectral_l2`, the project's own STFT):
 * `loss = mean over lanes, STFT frames and bins 0..size/2 of (|Y| - |T|)^2`, the STFT magnitudes
 * of the samples and of the target (frames as `stft`: `size - hop` zeros before each lane), and
 * `dLdy`, its exact gradient with respect to the samples (the `dLdy` of `backward`).
 * @param samples - e.g. `result.samples` (`lanes x frames`, planar)
 * @param target - the signal to match, same length
 * @param options - frame size, hop, window, lanes
 */
export function spectralL2Loss(samples: Float64Array, target: Float64Array, options: SpectralLossOptions): Loss {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  if (!(target instanceof Float64Array) || target.length !== samples.length)
    throw validationError({ param: "target", label: "argument" }, `a Float64Array of ${samples.length} values`, target);
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw validationError({ param: "options", label: "argument" }, "an object { size, hop, window?, kaiserBeta?, lanes? }", options);
  checkOptionKeys({ label: "spectral loss option" }, options, SPECTRAL_KEYS, "spectralL2Loss()");
  const { size, hop, window = "hann", kaiserBeta = 8, lanes = 1 } = options;
  const integer = (name: string, value: unknown, low: number, high: number): number => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high)
      throw validationError({ param: name, label: "spectral loss option" }, `an integer in [${low}, ${high}]`, value);
    return value;
  };
  integer("size", size, 2, 16777216);
  integer("hop", hop, 1, size);
  integer("lanes", lanes, 1, Math.max(1, samples.length));
  const code = WINDOW_NAMES.indexOf(window);
  if (code < 0) throw validationError({ param: "window", label: "spectral loss option" }, `one of ${WINDOW_NAMES.join(", ")}`, window);
  if (typeof kaiserBeta !== "number" || !(kaiserBeta >= 0 && kaiserBeta <= 50))
    throw validationError({ param: "kaiserBeta", label: "spectral loss option" }, "a number in [0, 50]", kaiserBeta);
  if (samples.length === 0 || samples.length % lanes !== 0)
    throw invalidError({ param: "samples", label: "argument" }, `expects lanes (${lanes}) x frames values, got ${samples.length}`);
  const dLdy = new Float64Array(samples.length);
  const loss = loadAddon().lossSpectralL2(size, hop, code, kaiserBeta, samples, target, lanes, dLdy);
  return Object.freeze({ loss, dLdy });
}
