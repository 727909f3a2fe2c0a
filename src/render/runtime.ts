/**
 * `Runtime`: one compiled graph in the native runtime. Values are validated here; the addon
 * checks types only. Renders run on a worker thread and resolve with a {@link RenderResult}.
 * Native failures are {@link AmpError}s; a failed render carries the caller's stack.
 */
import { recordRenderedGraph } from "./rendered-graphs";
import { inspect } from "node:util";
import { AmpError, ampError, checkOptionKeys, invalidError, validationError } from "../errors";
import { Graph } from "../graph/graph";
import type { NativeRenderOptions, NativeRuntime } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";
import { toNativeHistory, type ControlHistory } from "./history";
import { checkRenderOption, checkSampleRate } from "./limits";
import { checkNumber } from "../graph/validate-params";
import { RenderResult, type GraphSummary, type HeatCurves, type NodeSummary, type Tap } from "./result";
import { checkRenderOutputSize } from "./output-size";
import { checkTensor, type TensorShape } from "./shape";
import { interruptSignal } from "./interrupt";
import { signalTarget } from "./signal-params";
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

const RUNTIME_KEYS = ["sampleRate", "batches", "blockFrames", "threads"];
const RUNTIME_RENDER_KEYS = ["recordHeat", "recordOverBudget", "signal", "history"];

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

  private constructor(graph: Graph, native: NativeRuntime, sampleRate: number) {
    this.graph = graph;
    this.#native = native;
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
    const native = loadAddon().createRuntime(json);
    const runtime = new Runtime(graph, native, sampleRate);
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
    checkRenderOption("frames", frames);
    checkOptionBag(options, RUNTIME_RENDER_KEYS, "Runtime.render()", "render option");
    checkSignal(options.signal);
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
    const history = options.history === undefined ? undefined : toNativeHistory(options.history, this.#sampleRate);
    const graphSummary = native.describeGraph();
    checkRenderOutputSize({
      frames,
      batches: graphSummary.batches,
      channels: graphSummary.outputChannels,
      nodes: graphSummary.nodeCount,
      recordHeat,
      recordOverBudget,
    });
    // The caller's signal and the host interrupt signal (see ./interrupt.ts) both cancel.
    const signals = [options.signal, interruptSignal()].filter((s): s is AbortSignal => s !== undefined);
    const aborted = signals.find((s) => s.aborted);
    if (aborted !== undefined) throw withCallerStack(cancelledError(aborted.reason), holder.stack);
    const onAbort = (): void => native.cancel();
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    let output;
    try {
      const nativeOptions: NativeRenderOptions = { recordHeat };
      if (recordOverBudget) nativeOptions.recordOverBudget = true;
      if (history !== undefined) nativeOptions.history = history;
      output = await native.render(frames, nativeOptions);
    } catch (error) {
      if (error instanceof AmpError && error.status === -6 && !this.#disposed) native.reset();
      throw withCallerStack(error, holder.stack);
    } finally {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    }
    recordRenderedGraph(this.graph.hash);
    return this.#result(frames, output.samples, output.heat, output.overBudget, output.taps);
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

  #result(
    frames: number,
    samples: Float64Array,
    heat: Float64Array | undefined,
    overBudget: Uint8Array | undefined,
    tapData: Float64Array | undefined,
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
    const taps: Record<string, Tap> = {};
    let offset = 0;
    for (const info of this.#native.tapInfos()) {
      const length = batches * info.values * frames;
      if (tapData === undefined || offset + length > tapData.length) {
        throw ampError("AMP_ERR_INTERNAL", `render returned no room for tap "${info.node}.${info.name}"`, { stage: "render" });
      }
      const data = tapData.subarray(offset, offset + length);
      taps[`${info.node}.${info.name}`] = Object.freeze({ ...info, batches, frames, data });
      offset += length;
    }
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
    });
  }
}
