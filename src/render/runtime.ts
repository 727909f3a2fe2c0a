/**
 * `Runtime`: one compiled graph in the native runtime. Values are validated here; the addon
 * checks types only. Renders run on a worker thread and resolve with a {@link RenderResult}.
 * Native failures are {@link AmpError}s; a failed render carries the caller's stack.
 */
import { recordRenderedGraph } from "./rendered-graphs";
import { inspect } from "node:util";
import { AmpError, ampError, checkOptionKeys, invalidError, validationError, type ValidationSubject } from "../errors";
import { Graph } from "../graph/graph";
import type { NativeGraphSummary, NativeRenderOptions, NativeRenderOutput, NativeRuntime } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";
import { toNativeHistory, type ControlHistory } from "./history";
import { checkRenderOption, checkSampleRate, RENDER_LIMITS } from "./limits";
import { checkNumber } from "../graph/validate-params";
import { RenderResult, type GraphSummary, type HeatCurves, type NodeSummary } from "./result";
import { makeTaps } from "./taps";
import { checkMemoryBudget, checkRenderOutputSize, formatBytes, renderOutputBytes } from "./output-size";
import { checkTensor, type TensorShape } from "./shape";
import { interruptSignal } from "./interrupt";
import { signalTarget } from "./signal-params";
import {
  checkRecordOption,
  recordedHistory,
  runBackward,
  type BackwardOptions,
  type BufferShape,
  type Gradients,
  type RecordedHistory,
  type RecordOptions,
} from "./gradients";
import { isCancelled, ProgressJob, type ProgressCallback } from "./progress";
import { checkPcmBuffer, type PcmBuffer } from "./buffers";

/** Options of {@link Runtime.create}. */
export interface RuntimeOptions {
  /** Sample rate in Hz, in (0, 10000000]. Default: the graph's `sampleRate`, else 48000. */
  readonly sampleRate?: number | undefined;
  /** Independent lanes rendered together, integer in [1, 4096]. Default 1. */
  readonly batches?: number | undefined;
  /** Largest block the scheduler runs, in frames, integer in [1, 1048576]. Default 512. */
  readonly blockFrames?: number | undefined;
  /**
   * Threads a render may use, integer in [1, 16] (capped at the machine's cores). Default 1.
   * Independent nodes of one dependency level run in parallel once blocks reach 256 frames;
   * samples, heat and summaries are bit-identical for every thread count. Experimental: more
   * threads can be slower on small or busy machines (measure with `node bench/threads.js`;
   * docs/scheduling.md).
   */
  readonly threads?: number | undefined;
  /**
   * Memory budget in bytes, a number > 0: the runtime's buffers for its configuration (see
   * {@link Runtime.bufferBytes}) plus the result arrays of one render. A configuration or a
   * render that would exceed it is refused before anything is allocated, with AMP_ERR_INVALID_ARGUMENT
   * naming the bytes needed. Default: none (the runtime still refuses buffers beyond half the
   * machine's memory, and result arrays beyond the same).
   */
  readonly maxBytes?: number | undefined;
}

/** Options of {@link Runtime.render}. */
export interface RuntimeRenderOptions {
  /** Record per-frame heat curves per node and for the graph. Default false. Audio is identical either way. */
  readonly recordHeat?: boolean | undefined;
  /** Record per-frame thermal-budget flags (needs a graph with a thermal budget). Default false. */
  readonly recordOverBudget?: boolean | undefined;
  /**
   * Cancels the render: rejects with AMP_ERR_CANCELLED and resets the runtime to frame 0. The
   * host interrupt signal (`setInterruptSignal`, aborted by a kernel interrupt) also cancels.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Control history of this render: curves by name, read by `controller` nodes, e.g.
   * `{ cutoff: [[0, 200], [1.5, 4000]] }` (times in seconds, linear) or
   * `{ gate: { points: [[0, 1], [480, 0]], unit: "frames", interpolation: "step" } }`.
   * Held before the first and after the last point; linear between points (or step); two points
   * at the same time make a jump; times are relative to the start of this render call. Seconds
   * become frames as `time * sampleRate`, not rounded. See {@link ControlHistory}.
   */
  readonly history?: ControlHistory | undefined;
  /**
   * Record the render for a backward pass ({@link RenderResult.backward}): every buffer is sized
   * before the render starts (see {@link Runtime.recordSize}), and a span too long to record is
   * refused up front with the bytes it needs. Audio is identical either way. `true` records every
   * value; `{ checkpointFrames }` keeps a snapshot every `checkpointFrames` frames instead and
   * re-renders each segment during the backward pass (bounded memory, same gradient bits; see
   * {@link RecordOptions}). Default false.
   */
  readonly record?: boolean | RecordOptions | undefined;
  /**
   * Progress events while the render runs (at most ~10 a second, the last one when it ends),
   * with live levels per output lane and the heat total, all computed natively. A throw from the
   * callback cancels the render, which then rejects with that error. See {@link ProgressEvent}.
   */
  readonly onProgress?: ProgressCallback | undefined;
  /** `false` keeps the render off the host progress display (kernel, CLI). Default true. */
  readonly progress?: boolean | undefined;
  /**
   * When the render is stopped (`signal`, a kernel interrupt, Ctrl-C in the CLI), resolve with
   * the frames rendered so far, marked `result.partial`, instead of rejecting with
   * AMP_ERR_CANCELLED; the runtime then stays at the frame where it stopped (rendering on
   * continues the stream). Default false.
   */
  readonly partial?: boolean | undefined;
}

/** Options of {@link Runtime.stream}. */
export interface RuntimeStreamOptions {
  /** Frames to render in all, integer in [1, 2^53 - 1]. */
  readonly frames: number;
  /** Frames per yielded block, integer in [1, 2147483647]. Default 65536 (the last block may be shorter). */
  readonly blockFrames?: number | undefined;
  /** As {@link RuntimeRenderOptions.recordHeat}, per block. */
  readonly recordHeat?: boolean | undefined;
  /** Stops the stream: rejects with AMP_ERR_CANCELLED, or ends it after a partial last block with `partial: true`. */
  readonly signal?: AbortSignal | undefined;
  /** Progress of the whole stream (frames of `frames`), as {@link RuntimeRenderOptions.onProgress}. */
  readonly onProgress?: ProgressCallback | undefined;
  /** `false` keeps the stream off the host progress display. Default true. */
  readonly progress?: boolean | undefined;
  /** When stopped, yield the frames of the interrupted block (marked `partial`) and end instead of throwing. Default false. */
  readonly partial?: boolean | undefined;
}

/** One record of the runtime log (a parsed JSON line), e.g. `{ "event": "amp_graph_runtime_set_param_shape_mismatch", ... }`. */
export type RuntimeLogRecord = Readonly<Record<string, unknown>>;

/** Node and graph summaries of a runtime. */
export interface RuntimeDescription {
  readonly graph: GraphSummary;
  readonly nodes: Readonly<Record<string, NodeSummary>>;
}

const DEFAULT_SAMPLE_RATE = 48000;
const DEFAULT_BLOCK_FRAMES = 512;

/** Rewrites a native error's stack to the stack captured where the caller started the work. */
export function withCallerStack(error: unknown, callerStack: string | undefined): unknown {
  if (!(error instanceof Error) || callerStack === undefined) return error;
  const frames = callerStack.split("\n").slice(1).join("\n");
  error.stack = `${error.name}: ${error.message}\n${frames}`;
  return error;
}

const RUNTIME_KEYS = ["sampleRate", "batches", "blockFrames", "threads", "maxBytes"];

/** Checks a `maxBytes` option: undefined or a number > 0 (Infinity allowed: no budget). */
export function checkMaxBytes(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0)
    throw validationError({ param: "maxBytes", label: "render option" }, "a number of bytes > 0", value);
  return value;
}
const RUNTIME_RENDER_KEYS = ["recordHeat", "recordOverBudget", "signal", "history", "record", "onProgress", "progress", "partial"];
const STREAM_KEYS = ["frames", "blockFrames", "recordHeat", "signal", "onProgress", "progress", "partial"];
const DEFAULT_STREAM_BLOCK = 65536;

/** Throws unless `value` is undefined or a boolean. */
function checkFlag(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") throw validationError({ param: name, label: "render option" }, "a boolean", value);
  return value;
}

/** Throws unless `value` is undefined or a function. */
function checkCallback(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function")
    throw validationError({ param: name, label: "render option" }, "a function (event) => void", value);
}

/**
 * Cuts each of `lanes` rows of a planar array written at stride `stride` down to its first
 * `keep` values, in place (a memory move); returns the packed view.
 */
function packLanes<T extends Float64Array | Uint8Array>(data: T, lanes: number, stride: number, keep: number): T {
  for (let lane = 1; lane < lanes; lane += 1) data.copyWithin(lane * keep, lane * stride, lane * stride + keep);
  return data.subarray(0, lanes * keep) as T;
}

/**
 * Checks a render length; an integer beyond the per-call limit (e.g. 2^40) is refused naming
 * the bytes its output alone would need.
 */
function checkFrameCount(frames: unknown, graph: { readonly batches: number; readonly outputChannels: number }): void {
  if (typeof frames === "number" && Number.isInteger(frames) && frames > RENDER_LIMITS.frames.max) {
    const bytes = frames * graph.batches * graph.outputChannels * 8;
    throw validationError(
      { param: "frames", label: "render option" },
      `an integer in [1, ${RENDER_LIMITS.frames.max}] frames per render call (render in parts: the runtime streams); ` +
        `${frames} frames x ${graph.batches} batches x ${graph.outputChannels} channels would need ${formatBytes(bytes)} of output alone`,
      frames,
    );
  }
  checkRenderOption("frames", frames);
}

/** Throws unless `graph` is a {@link Graph} (from `graph()` or `Graph.fromJSON`). */
export function checkGraph(graph: unknown): asserts graph is Graph {
  if (!(graph instanceof Graph))
    throw validationError({ param: "graph", label: "argument" }, "a Graph from graph() or Graph.fromJSON()", graph);
}

/** Throws unless `signal` is `undefined` or an `AbortSignal` (any realm's: checked by shape). */
export function checkSignal(signal: unknown): asserts signal is AbortSignal | undefined {
  if (signal === undefined) return;
  const s = signal as Partial<AbortSignal> | null;
  if (typeof s !== "object" || s === null || typeof s.aborted !== "boolean" || typeof s.addEventListener !== "function")
    throw validationError({ param: "signal", label: "render option" }, "an AbortSignal (e.g. new AbortController().signal)", signal);
}

/** Throws unless `options` is an object whose keys are all in `known`. */
function checkOptionBag(options: unknown, known: readonly string[], owner: string, label: string): asserts options is object {
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw validationError({ param: "options", label: "argument" }, `an object { ${known.map((k) => `${k}?`).join(", ")} }`, options);
  checkOptionKeys({ label }, options, known, owner);
}

/** The AMP_ERR_CANCELLED error of a render stopped before it started. */
export function cancelledError(reason: unknown): AmpError {
  const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
  return ampError("AMP_ERR_CANCELLED", `render cancelled${why === "" ? "" : `: ${why}`}`, { stage: "render" });
}

/** A compiled graph in the native runtime. Create with {@link Runtime.create}; release with {@link Runtime.dispose}. */
export class Runtime {
  /** The graph this runtime was created from. */
  readonly graph: Graph;
  #native: NativeRuntime;
  #disposed = false;
  #batches: number;
  #blockFrames: number;
  #sampleRate: number;
  #maxBytes: number | undefined;
  #recording = 0; // which recorded render the native recording belongs to
  #buffers = new Map<string, BufferShape>(); // slot-0 buffers handed over, by node
  #outputChannels: number | undefined;

  private constructor(graph: Graph, native: NativeRuntime, sampleRate: number, maxBytes: number | undefined) {
    this.graph = graph;
    this.#native = native;
    this.#maxBytes = maxBytes;
    this.#batches = 1;
    this.#blockFrames = DEFAULT_BLOCK_FRAMES;
    this.#sampleRate = sampleRate;
  }

  /**
   * Compiles a graph in the native runtime and configures it. Loads the addon on first use.
   * @param graph - a graph with an output
   * @param options - sample rate (Hz), batches, block size (frames), threads
   */
  static create(graph: Graph, options: RuntimeOptions = {}): Runtime {
    checkGraph(graph);
    checkOptionBag(options, RUNTIME_KEYS, "Runtime.create()", "render option");
    const json = JSON.stringify(graph.toJSON());
    const sampleRate = options.sampleRate === undefined ? (graph.sampleRate ?? DEFAULT_SAMPLE_RATE) : checkSampleRate(options.sampleRate);
    const batches = checkRenderOption("batches", options.batches === undefined ? 1 : options.batches);
    const blockFrames = checkRenderOption("blockFrames", options.blockFrames === undefined ? DEFAULT_BLOCK_FRAMES : options.blockFrames);
    const threads = checkRenderOption("threads", options.threads === undefined ? 1 : options.threads);
    const maxBytes = checkMaxBytes(options.maxBytes);
    const native = loadAddon().createRuntime(json);
    const runtime = new Runtime(graph, native, sampleRate, maxBytes);
    try {
      if (sampleRate !== (graph.sampleRate ?? DEFAULT_SAMPLE_RATE)) native.setSampleRate(sampleRate);
      if (threads !== 1) native.setThreads(threads);
      runtime.configure(batches, blockFrames);
    } catch (error) {
      runtime.dispose();
      throw error;
    }
    return runtime;
  }

  /** Configured batches. */
  get batches(): number {
    return this.#batches;
  }

  /** Configured largest block, in frames. */
  get blockFrames(): number {
    return this.#blockFrames;
  }

  /** Sample rate in Hz. */
  get sampleRate(): number {
    return this.#sampleRate;
  }

  /** True after {@link Runtime.dispose}. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Allocates every buffer for `batches` lanes and blocks of at most `blockFrames` frames, and
   * resets the stream to frame 0. Rendering allocates nothing after this.
   * @param batches - integer in [1, 4096]
   * @param blockFrames - integer in [1, 1048576]
   */
  configure(batches: number, blockFrames: number): void {
    const native = this.#live();
    checkRenderOption("batches", batches, { param: "batches", label: "argument" });
    checkRenderOption("blockFrames", blockFrames, { param: "blockFrames", label: "argument" });
    if (this.#maxBytes !== undefined)
      checkMemoryBudget(`a runtime of ${batches} batches x block ${blockFrames}`, native.bufferBytes(batches, blockFrames), this.#maxBytes);
    native.configure(batches, blockFrames);
    this.#batches = batches;
    this.#blockFrames = blockFrames;
  }

  /** Changes the sample rate (Hz, in (0, 10000000]) and resets the stream to frame 0. */
  setSampleRate(sampleRate: number): void {
    const native = this.#live();
    checkSampleRate(sampleRate, { param: "sampleRate", label: "argument" });
    native.setSampleRate(sampleRate);
    this.#sampleRate = sampleRate;
  }

  /** Threads renders may use, integer in [1, 16]; see {@link RuntimeOptions.threads}. */
  setThreads(threads: number): void {
    const native = this.#live();
    checkRenderOption("threads", threads, { param: "threads", label: "argument" });
    native.setThreads(threads);
  }

  /**
   * Bytes of the buffers a configuration allocates (every node output, heat row, delay line and
   * node state), computed natively without allocating.
   * @param batches - integer in [1, 4096]; default: the configured value
   * @param blockFrames - integer in [1, 1048576]; default: the configured value
   */
  bufferBytes(batches: number = this.#batches, blockFrames: number = this.#blockFrames): number {
    const native = this.#live();
    checkRenderOption("batches", batches, { param: "batches", label: "argument" });
    checkRenderOption("blockFrames", blockFrames, { param: "blockFrames", label: "argument" });
    return native.bufferBytes(batches, blockFrames);
  }

  /** Resets every node's state, the heat totals and the frame counter. Overrides stay. */
  reset(): void {
    this.#live().reset();
  }

  /**
   * The stream state as bytes: position, every node's state, every delay FIFO, heat totals and
   * telemetry (not the configuration: graph, batches, block, sample rate, threads, overrides).
   * Rendering on after {@link Runtime.restore} of it gives the bits the uninterrupted stream gave.
   */
  snapshot(): Uint8Array {
    return this.#live().snapshot();
  }

  /**
   * Continues the stream from a {@link Runtime.snapshot} of a runtime with the same graph (node
   * names and types), batches, block size and sample rate; anything else throws and changes nothing.
   * @param snapshot - bytes returned by `snapshot()`
   */
  restore(snapshot: Uint8Array): void {
    const native = this.#live();
    if (!(snapshot instanceof Uint8Array))
      throw validationError({ param: "snapshot", label: "argument" }, "a Uint8Array from snapshot()", snapshot);
    native.restore(snapshot);
  }

  /**
   * Overrides a signal parameter (or the node's heat channel, `"thermo.heat"` unless renamed)
   * with a tensor the node sees on every block. The shape must be exactly
   * `batches x 1 x blockFrames` (the configured values); another shape throws
   * AMP_ERR_SHAPE_MISMATCH from the runtime, which keeps the previous value and logs the mismatch.
   * @param node - node name
   * @param param - signal parameter name (JSON or camelCase) or the heat channel name
   * @param data - planar values, `shape.batches * shape.channels * shape.frames` of them, finite
   * @param shape - the tensor's shape
   */
  setParam(node: string, param: string, data: Float64Array, shape: TensorShape): void {
    const native = this.#live();
    const paramName = this.#checkOverride(node, param);
    const subject = { node, param: paramName };
    const checked = checkTensor(subject, data, shape);
    for (let i = 0; i < data.length; i += 1) {
      if (!Number.isFinite(data[i]))
        throw invalidError({ ...subject, label: "override of parameter" }, `expects finite values, got ${data[i]} at index ${i}`);
    }
    native.setParam(node, paramName, data, checked.batches, checked.channels, checked.frames);
  }

  /** Removes the overrides of one node, or of every node when `node` is omitted. */
  clearParams(node?: string): void {
    const native = this.#live();
    if (node === undefined) {
      native.clearParams();
      return;
    }
    this.#checkNode(node);
    native.clearParams(node);
  }

  /**
   * Lane sharing: declares that the batch lanes differ only in these parameters (signal
   * parameters or a node's heat channel). Every node outside their downstream cone (audio and
   * modulation edges), other than the output, then runs once per block for all lanes and every
   * lane reads its output; its heat and taps are reported for every lane. Each lane's samples,
   * heat and taps stay bit-identical to rendering that lane alone, so a render whose lanes vary
   * one filter after a bank of sources computes the sources once. While nodes are shared, an
   * override whose lanes differ on a shared node throws (naming node and parameter), and so does
   * `record()`. An empty list turns sharing off. Resets the stream to frame 0 (overrides stay).
   * @param varying - the lane-varying parameters, `{ node, param }` (JSON or camelCase name)
   */
  shareLanes(varying: readonly { readonly node: string; readonly param: string }[]): void {
    const native = this.#live();
    if (!Array.isArray(varying)) throw validationError({ param: "varying", label: "argument" }, "an array of { node, param }", varying);
    const nodes: string[] = [];
    const params: string[] = [];
    for (const entry of varying as readonly unknown[]) {
      if (typeof entry !== "object" || entry === null || typeof (entry as { node?: unknown }).node !== "string")
        throw validationError({ param: "varying", label: "argument" }, "an array of { node: string, param: string }", entry);
      const { node, param } = entry as { node: string; param: unknown };
      if (typeof param !== "string")
        throw validationError({ node, param: "param", label: "lane-varying entry" }, "a parameter name", param);
      nodes.push(node);
      params.push(this.#checkOverride(node, param));
    }
    native.shareLanes(nodes, params);
  }

  /**
   * Hands a PCM buffer to a node, e.g. the sound a `sampler` plays (`readWav` output is one). The
   * samples are checked here and again natively before anything is allocated, then copied into
   * native memory the node owns (the array may be reused at once). The buffer is configuration,
   * like an override: reset and snapshot / restore keep it (a snapshot does not contain it).
   * A node that takes no buffers, or whose own rules refuse it (e.g. a sampler's `start` or loop
   * beyond the buffer's end), throws AMP_ERR_INVALID_ARGUMENT and changes nothing.
   * @param node - node name
   * @param buffer - planar `channels x frames` samples with their sample rate (see {@link PcmBuffer})
   * @param slot - which buffer of the node, integer >= 0; default 0 (a sampler has slot 0 only)
   */
  setBuffer(node: string, buffer: PcmBuffer, slot = 0): void {
    const native = this.#live();
    const found = this.#checkNode(node);
    checkNumber({ node, param: "slot", label: "argument" }, slot, { kind: "integer", min: 0, max: 4294967295, unit: "" });
    const checked = checkPcmBuffer({ node, type: found.type, label: "buffer" }, buffer);
    native.setBuffer(node, slot, checked.samples, checked.channels, checked.frames, checked.sampleRate);
    if (slot === 0) this.#buffers.set(node, { channels: checked.channels, frames: checked.frames });
  }

  /**
   * Renders `frames` more frames of the stream on a worker thread.
   * @param frames - integer in [1, 2147483647]
   * @param options - heat recording, over-budget flags, cancellation, control history
   * @returns the samples (batches x output channels x frames) with heat and summaries
   */
  async render(frames: number, options: RuntimeRenderOptions = {}): Promise<RenderResult> {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, Runtime.prototype.render);
    const native = this.#live();
    checkFrameCount(frames, native.describeGraph());
    checkOptionBag(options, RUNTIME_RENDER_KEYS, "Runtime.render()", "render option");
    checkSignal(options.signal);
    checkCallback("onProgress", options.onProgress);
    checkFlag("progress", options.progress);
    const partial = checkFlag("partial", options.partial) === true;
    const graphSummary = native.describeGraph();
    const job = ProgressJob.open(
      { label: "render", totalFrames: frames, sampleRate: this.#sampleRate, lanes: graphSummary.batches * graphSummary.outputChannels },
      options,
      graphSummary.framesRendered,
    );
    try {
      const result = await this.#renderCall(frames, options, partial, job, holder.stack);
      job?.finish(result.partial);
      return result;
    } catch (error) {
      if (job !== undefined) job.finish(true);
      throw error;
    }
  }

  /**
   * Renders `frames` more frames on a worker thread and resolves with the samples alone, planar
   * `batches x outputChannels x frames` (the bits {@link Runtime.render} gives): no summaries,
   * taps, heat curves or progress display, and no entry in the session's rendered graphs. For
   * callers that render one runtime many times and read only what they need ({@link
   * Runtime.heatByBatch}, {@link Runtime.describe}), such as a sweep's workers. Cancels as
   * `render` does (`signal`, the host interrupt): rejects with AMP_ERR_CANCELLED and resets the
   * runtime to frame 0.
   * @param frames - integer in [1, 2147483647]
   * @param options - cancellation and control history, as for {@link Runtime.render}; `into`: an
   *   array of exactly `batches x outputChannels x frames` values the samples are written to and
   *   resolved in, instead of a new one (no allocation and no page faults for a caller that
   *   renders many times; it must not be transferred while the render runs)
   */
  async renderSamples(
    frames: number,
    options: {
      readonly signal?: AbortSignal | undefined;
      readonly history?: ControlHistory | undefined;
      readonly into?: Float64Array | undefined;
    } = {},
  ): Promise<Float64Array> {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, Runtime.prototype.renderSamples);
    const native = this.#live();
    checkRenderOption("frames", frames);
    checkSignal(options.signal);
    const history = options.history === undefined ? undefined : toNativeHistory(options.history, this.#sampleRate);
    const into = options.into;
    if (into !== undefined) this.#checkOutputArray(native, into, frames, { param: "into", label: "render option" });
    this.#checkRenderSize(native, frames, false, false);
    const signals = [options.signal, interruptSignal()].filter((s): s is AbortSignal => s !== undefined);
    const aborted = signals.find((s) => s.aborted);
    if (aborted !== undefined) throw withCallerStack(cancelledError(aborted.reason), holder.stack);
    const onAbort = (): void => native.cancel();
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    try {
      const output = await native.render(frames, {
        recordHeat: false,
        ...(history === undefined ? {} : { history }),
        ...(into === undefined ? {} : { into }),
      });
      return output.samples;
    } catch (error) {
      if (error instanceof AmpError && error.status === -6 && !this.#disposed) native.reset();
      throw withCallerStack(error, holder.stack);
    } finally {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Renders `frames` frames on a worker thread, metering into `job` (one job may span calls).
   * Resolves with a partial result when stopped and `partial`; rejects with the cancel error
   * otherwise (after resetting the runtime to frame 0), or with the error a progress callback threw.
   */
  async #renderCall(
    frames: number,
    options: RuntimeRenderOptions,
    partial: boolean,
    job: ProgressJob | undefined,
    callerStack: string | undefined,
  ): Promise<RenderResult> {
    const native = this.#live();
    const recordHeat = options.recordHeat === undefined ? false : options.recordHeat;
    if (typeof recordHeat !== "boolean") throw validationError({ param: "recordHeat", label: "render option" }, "a boolean", recordHeat);
    const recordOverBudget = options.recordOverBudget === undefined ? false : options.recordOverBudget;
    if (typeof recordOverBudget !== "boolean")
      throw validationError({ param: "recordOverBudget", label: "render option" }, "a boolean", recordOverBudget);
    if (recordOverBudget && this.graph.thermalBudget === undefined) {
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        'render option "recordOverBudget" needs a graph with a thermal budget: use graph.withThermalBudget(heatPerSecond)',
      );
    }
    const checkpoint = checkRecordOption(options.record);
    const record = checkpoint !== undefined;
    const history = options.history === undefined ? undefined : toNativeHistory(options.history, this.#sampleRate);
    const graphSummary = this.#checkRenderSize(native, frames, recordHeat, recordOverBudget);
    // The caller's signal and the host interrupt signal (see ./interrupt.ts) both cancel.
    const signals = [options.signal, interruptSignal()].filter((s): s is AbortSignal => s !== undefined);
    const aborted = signals.find((s) => s.aborted);
    if (aborted !== undefined) throw withCallerStack(cancelledError(aborted.reason), callerStack);
    const onAbort = (): void => native.cancel();
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    job?.onFailure(() => native.cancel());
    let output;
    if (checkpoint === 0) native.record(frames, 0);
    else if (checkpoint !== undefined) native.recordCheckpointed(frames, checkpoint, 0);
    if (record) this.#recording += 1;
    const recording = this.#recording;
    try {
      const nativeOptions: NativeRenderOptions = { recordHeat };
      if (recordOverBudget) nativeOptions.recordOverBudget = true;
      if (history !== undefined) nativeOptions.history = history;
      if (job?.meters !== undefined) {
        nativeOptions.meters = job.meters;
        nativeOptions.onProgress = job.native;
      }
      if (partial && job?.failure === undefined) nativeOptions.partial = true;
      output = await native.render(frames, nativeOptions);
    } catch (error) {
      if (error instanceof AmpError && error.status === -6 && !this.#disposed) native.reset();
      throw withCallerStack(job?.failure ?? error, callerStack);
    } finally {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    }
    if (job?.failure !== undefined) {
      // The callback threw: the render was cancelled (or had just finished); report the throw.
      if (!this.#disposed) native.reset();
      throw job.failure;
    }
    recordRenderedGraph(this.graph.hash);
    const after = native.describeGraph();
    job?.advance(after.framesRendered, after.totalHeat);
    if (output.cancelled !== true)
      return this.#result(
        frames,
        output.samples,
        output.heat,
        output.overBudget,
        output,
        record
          ? { recording, history: history === undefined ? undefined : recordedHistory(options.history, history, this.#sampleRate) }
          : undefined,
      );
    const done = output.framesDone ?? 0;
    const batches = graphSummary.batches;
    const samples = packLanes(output.samples, batches * graphSummary.outputChannels, frames, done);
    const heat = output.heat === undefined ? undefined : packLanes(output.heat, (graphSummary.nodeCount + 1) * batches, frames, done);
    const overBudget = output.overBudget === undefined ? undefined : packLanes(output.overBudget, batches, frames, done);
    return this.#result(done, samples, heat, overBudget, this.#partialTaps(output, batches), undefined, true);
  }

  /**
   * Renders `options.frames` frames as consecutive blocks of `options.blockFrames` frames, in
   * order, without holding the whole output: each block is a {@link RenderResult} of its own
   * (samples, taps, heat when asked for). The blocks concatenated equal one
   * `render(options.frames)` bit for bit (block invariance). Progress covers the whole stream.
   *
   * ```ts
   * for await (const block of runtime.stream({ frames: 48000 * 600, blockFrames: 48000 })) writer.write(block.samples);
   * ```
   */
  async *stream(options: RuntimeStreamOptions): AsyncGenerator<RenderResult, void, undefined> {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, Runtime.prototype.stream);
    const native = this.#live();
    checkOptionBag(options, STREAM_KEYS, "Runtime.stream()", "stream option");
    const total = options.frames;
    if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 1)
      throw validationError({ param: "frames", label: "stream option" }, "an integer in [1, 9007199254740991]", total);
    const blockFrames = checkRenderOption("frames", options.blockFrames === undefined ? DEFAULT_STREAM_BLOCK : options.blockFrames, {
      param: "blockFrames",
      label: "stream option",
    });
    checkSignal(options.signal);
    checkCallback("onProgress", options.onProgress);
    checkFlag("progress", options.progress);
    const partial = checkFlag("partial", options.partial) === true;
    const summary = native.describeGraph();
    const job = ProgressJob.open(
      { label: "stream", totalFrames: total, sampleRate: this.#sampleRate, lanes: summary.batches * summary.outputChannels },
      options,
      summary.framesRendered,
    );
    let stopped = false;
    try {
      for (let done = 0; done < total;) {
        const n = Math.min(blockFrames, total - done);
        let block: RenderResult;
        try {
          block = await this.#renderCall(n, { recordHeat: options.recordHeat, signal: options.signal }, partial, job, holder.stack);
        } catch (error) {
          // Stopped between two blocks: with `partial`, the stream just ends.
          if (partial && isCancelled(error) && job?.failure === undefined) {
            stopped = true;
            return;
          }
          throw error;
        }
        done += block.shape.frames;
        if (block.partial) {
          stopped = true;
          if (block.shape.frames > 0) yield block;
          return;
        }
        yield block;
      }
    } catch (error) {
      stopped = true;
      throw error;
    } finally {
      if (job !== undefined && !this.#disposed) job.finish(stopped || job.frames < total);
    }
  }

  /**
   * Renders `frames` more frames synchronously on the calling thread into `buffer`, reusing it
   * (no new array, no worker-thread hop, no summaries): for short interactive blocks. Blocks the
   * thread while it runs and cannot be interrupted; use {@link Runtime.render} for long work.
   * @param buffer - exactly `batches x outputChannels x frames` values, written planar
   * @param frames - integer in [1, 2147483647]
   * @returns `buffer`
   */
  renderInto(buffer: Float64Array, frames: number): Float64Array {
    const native = this.#live();
    checkRenderOption("frames", frames);
    this.#checkOutputArray(native, buffer, frames, { param: "buffer", label: "argument" });
    native.renderInto(buffer, frames);
    return buffer;
  }

  /**
   * Bytes a render of `frames` frames with `record: true` would hold for the backward pass
   * (recorded inputs, parameters and node rows, and the backward pass's buffers), or with
   * `record: { checkpointFrames }` when `record` is given (one segment's values plus a snapshot
   * per segment).
   * @param frames - integer in [1, 2147483647]
   * @param record - `true` (default) or `{ checkpointFrames }`, as the render option
   */
  recordSize(frames: number, record: true | RecordOptions = true): number {
    const native = this.#live();
    checkRenderOption("frames", frames);
    const checkpoint = checkRecordOption(record);
    if (checkpoint === undefined) throw validationError({ param: "record", label: "argument" }, "true or { checkpointFrames }", record);
    return checkpoint === 0 ? native.recordSize(frames) : native.recordCheckpointedSize(frames, checkpoint);
  }

  /** Raises the cancel flag of the render in flight (no-op when none). */
  cancel(): void {
    if (!this.#disposed) this.#native.cancel();
  }

  /** Node and graph summaries (delays in frames, heat totals since create / reset, last metrics). */
  describe(): RuntimeDescription {
    const native = this.#live();
    const nodes: Record<string, NodeSummary> = {};
    for (const name of native.nodeNames()) nodes[name] = native.describeNode(name);
    return { graph: native.describeGraph(), nodes };
  }

  /**
   * Heat totals since create / reset per batch lane: `graph[b]` and `nodes[name][b]`. Lane b's
   * values are bit-identical to the totals ({@link Runtime.describe}) of a one-batch runtime
   * that rendered lane b alone (same graph, overrides and frames), which is what lets a sweep
   * pack points into batches.
   */
  heatByBatch(): { readonly graph: Float64Array; readonly nodes: Readonly<Record<string, Float64Array>> } {
    const native = this.#live();
    const all = native.heatByBatch();
    const names = native.nodeNames();
    const batches = this.#batches;
    const nodes: Record<string, Float64Array> = {};
    names.forEach((name, i) => {
      nodes[name] = all.subarray(i * batches, (i + 1) * batches);
    });
    return Object.freeze({ graph: all.subarray(names.length * batches, (names.length + 1) * batches), nodes: Object.freeze(nodes) });
  }

  /** The runtime log, oldest first, one parsed record per JSON line. */
  readLog(): RuntimeLogRecord[] {
    const text = this.#live().readLog();
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        try {
          return JSON.parse(line) as RuntimeLogRecord;
        } catch {
          return { text: line };
        }
      });
  }

  /** One line: configuration and stream position, e.g. `Runtime (3 nodes, 2 batches x block 512, 48000 Hz, threads 1, frame 9600)`. */
  toString(): string {
    if (this.#disposed) return "Runtime (disposed)";
    let graph: GraphSummary;
    try {
      graph = this.#native.describeGraph();
    } catch {
      return "Runtime (rendering)"; // the native runtime answers nothing while a render runs
    }
    const nodes = `${graph.nodeCount} node${graph.nodeCount === 1 ? "" : "s"}`;
    const batches = `${graph.batches} batch${graph.batches === 1 ? "" : "es"}`;
    return `Runtime (${nodes}, ${batches} x block ${graph.blockFrames}, ${graph.sampleRate} Hz, threads ${graph.threads}, frame ${graph.framesRendered}, latency ${graph.latencyFrames} frames)`;
  }

  /** `util.inspect` / `console.log` output: {@link Runtime.toString} and the graph. */
  [inspect.custom](): string {
    return `${this.toString()}\n${this.graph.toString()}`;
  }

  /** Releases the native runtime (deferred until a render in flight settles). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#native.destroy();
  }

  /**
   * Refuses a render of `frames` whose result arrays exceed the size limits, or whose buffers
   * and results exceed the runtime's memory budget; returns the graph's native summary.
   */
  /** Refuses, naming `where`, an output array that is not a Float64Array of batches x output channels x frames values. */
  #checkOutputArray(native: NativeRuntime, array: unknown, frames: number, where: ValidationSubject): void {
    if (this.#outputChannels === undefined) this.#outputChannels = native.describeGraph().outputChannels;
    const needed = this.#batches * this.#outputChannels * frames;
    if (!(array instanceof Float64Array) || array.length !== needed)
      throw validationError(
        where,
        `a Float64Array of batches x output channels x frames = ${this.#batches} x ${this.#outputChannels} x ${frames} = ${needed} values`,
        array,
      );
  }

  #checkRenderSize(native: NativeRuntime, frames: number, recordHeat: boolean, recordOverBudget: boolean): NativeGraphSummary {
    const graph = native.describeGraph();
    const size = {
      frames,
      batches: graph.batches,
      channels: graph.outputChannels,
      nodes: graph.nodeCount,
      recordHeat,
      recordOverBudget,
      tapValues: native.tapInfos().reduce((sum, tap) => sum + tap.values, 0),
    };
    checkRenderOutputSize(size);
    if (this.#maxBytes !== undefined)
      checkMemoryBudget(
        `a render of ${frames} frames (runtime buffers plus result arrays)`,
        native.bufferBytes(graph.batches, graph.blockFrames) + renderOutputBytes(size),
        this.#maxBytes,
      );
    return graph;
  }

  #live(): NativeRuntime {
    if (this.#disposed) throw ampError("AMP_ERR_INVALID_ARGUMENT", "this Runtime was disposed; create a new one", { stage: "runtime" });
    return this.#native;
  }

  #checkNode(node: unknown): { name: string; type: string; params: Readonly<Record<string, unknown>> } {
    const found = typeof node === "string" ? this.graph.node(node) : undefined;
    if (found === undefined) {
      throw invalidError({ node: String(node) }, `is not in the graph; nodes: ${this.graph.nodes.map((n) => n.name).join(", ")}`);
    }
    return found;
  }

  #checkOverride(node: string, param: string): string {
    return signalTarget(this.#checkNode(node), param).name;
  }

  /**
   * The taps of a stopped render: each tap's rows are laid out for the whole span's records, of
   * which the first `tapRecordsDone` (counted natively) were written; cut every row, and the record
   * times, down to those, in place (memory moves only).
   */
  #partialTaps(output: NativeRenderOutput, batches: number): Pick<NativeRenderOutput, "taps" | "tapTimes" | "tapRecords"> | undefined {
    const { taps, tapTimes, tapRecords, tapRecordsDone } = output;
    if (taps === undefined || tapTimes === undefined || tapRecords === undefined) return undefined;
    if (tapRecordsDone === undefined || tapRecordsDone.length !== tapRecords.length)
      throw ampError("AMP_ERR_INTERNAL", "a stopped render returned taps without the records done", { stage: "render" });
    const infos = this.#native.tapInfos();
    let from = 0;
    let to = 0;
    let timeFrom = 0;
    let timeTo = 0;
    infos.forEach((info, i) => {
      const total = tapRecords[i] ?? 0;
      const keep = tapRecordsDone[i] ?? 0;
      const rows = batches * info.values;
      for (let r = 0; r < rows; r += 1) taps.copyWithin(to + r * keep, from + r * total, from + r * total + keep);
      tapTimes.copyWithin(timeTo, timeFrom, timeFrom + keep);
      from += rows * total;
      to += rows * keep;
      timeFrom += total;
      timeTo += keep;
    });
    return { taps: taps.subarray(0, to), tapTimes: tapTimes.subarray(0, timeTo), tapRecords: tapRecordsDone };
  }

  #result(
    frames: number,
    samples: Float64Array,
    heat: Float64Array | undefined,
    overBudget: Uint8Array | undefined,
    tapOutput: Pick<NativeRenderOutput, "taps" | "tapTimes" | "tapRecords"> | undefined,
    recording: { readonly recording: number; readonly history: RecordedHistory | undefined } | undefined,
    partial = false,
  ): RenderResult {
    const description = this.describe();
    const batches = this.#batches;
    const channels = description.graph.outputChannels;
    const names = Object.keys(description.nodes);
    if (samples.length !== batches * channels * frames) {
      throw ampError("AMP_ERR_INTERNAL", `render returned ${samples.length} samples, expected ${batches}x${channels}x${frames}`, {
        stage: "render",
      });
    }
    let curves: HeatCurves | undefined;
    if (heat !== undefined) {
      const lane = batches * frames;
      const nodes: Record<string, Float64Array> = {};
      names.forEach((name, i) => {
        nodes[name] = heat.subarray(i * lane, (i + 1) * lane);
      });
      curves = Object.freeze({ graph: heat.subarray(names.length * lane, (names.length + 1) * lane), nodes: Object.freeze(nodes) });
    }
    const taps = tapOutput === undefined ? {} : makeTaps(this.#native.tapInfos(), tapOutput, batches, frames);
    return new RenderResult({
      graph: this.graph,
      samples,
      taps,
      shape: { batches, channels, frames },
      sampleRate: this.#sampleRate,
      heat: curves,
      overBudget,
      nodes: description.nodes,
      summary: description.graph,
      backward:
        recording === undefined
          ? undefined
          : (dLdy, options) => this.#backward(recording.recording, { batches, channels, frames }, dLdy, options, recording.history),
      partial,
    });
  }

  #backward(
    recording: number,
    shape: TensorShape,
    dLdy: Float64Array,
    options: BackwardOptions,
    history: RecordedHistory | undefined,
  ): Promise<Gradients> {
    const native = this.#live();
    if (recording !== this.#recording)
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        "this render's recording was replaced by a later render with { record: true } on the same Runtime",
        {
          stage: "backward",
        },
      );
    return runBackward(native, this.graph, shape, this.#sampleRate, dLdy, options, this.#buffers, history);
  }
}
