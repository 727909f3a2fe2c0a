/**
 * The shape of the compiled addon (`build/Release/amp_kpn.node`): a thin 1:1 layer over the C
 * ABI in `native/include/amp_native.h`. Only `src/native/` loads it; graph building never does.
 *
 * The addon validates argument types only; values are validated in TypeScript before they get
 * here. Every native failure is thrown (or the render promise rejected) as an instance of the
 * error class registered with `setErrorClass`, constructed as
 * `new ErrorClass(message, { code, codeName, stage, node, detail })` where `code` is the numeric
 * status (-1 ... -7) and `codeName` its stable name from amp_status_name ("AMP_ERR_SHAPE_MISMATCH").
 */

/** Mirrors AmpErrorView. `code` is the numeric status (-1 ... -7). */
export interface NativeErrorInfo {
  code: number;
  stage: string;
  node: string;
  detail: string;
}

/** Mirrors AmpNodeMetrics. */
export interface NativeNodeMetrics {
  measuredDelayFrames: number;
  accumulatedHeat: number;
  processingTimeSeconds: number;
  totalTimeSeconds: number;
  threadCpuTimeSeconds: number;
  reserved: number[]; // length 6
}

/** Mirrors AmpNodeSummary. */
export interface NativeNodeSummary {
  name: string;
  type: string;
  index: number;
  outputChannels: number;
  declaredDelayFrames: number;
  oversample: number;
  measuredDelayFrames: number;
  totalHeat: number;
  lastMetrics: NativeNodeMetrics;
}

/** Mirrors AmpGraphSummary. */
export interface NativeGraphSummary {
  nodeCount: number;
  batches: number;
  blockFrames: number;
  outputChannels: number;
  sampleRate: number;
  framesRendered: number;
  totalHeat: number;
  latencyFrames: number;
  /** Largest block the scheduler uses: min(blockFrames, smallest feedback-loop delay). */
  schedulerBlockFrames: number;
  latencyCompensation: boolean;
  /** Heat per second; 0 when the graph has no budget. */
  thermalBudget: number;
  /** (batch, frame) pairs whose graph heat rate exceeded the budget, since create / reset. */
  framesOverBudget: number;
  /** Threads a render may use (amp_graph_runtime_set_threads). */
  threads: number;
  /** Dependency levels of the schedule. */
  levels: number;
  /** Levels split across threads (0 with one thread or blocks under 256 frames). */
  parallelLevels: number;
}

/** One automation curve (AmpHistoryCurve); times in frames from the start of the render. */
export interface NativeHistoryCurve {
  name: string;
  timesFrames: Float64Array;
  values: Float64Array;
  interpolation: 0 | 1; // 0 step, 1 linear
}

export interface NativeRenderOptions {
  /** Record per-frame heat curves: (nodeCount + 1) x batches x frames, last row = graph total. */
  recordHeat: boolean;
  /** Record batches x frames flags (1 = the graph's heat rate exceeded its thermal budget). */
  recordOverBudget?: boolean;
  history?: NativeHistoryCurve[];
}

export interface NativeRenderOutput {
  /** batches x outputChannels x frames, planar. */
  samples: Float64Array;
  /** Present when recordHeat was true. */
  heat?: Float64Array;
  /** Present when recordOverBudget was true: batches x frames. */
  overBudget?: Uint8Array;
}

/** Wraps one AmpGraphRuntime. Calls other than cancel() while a render runs throw (-1, busy). */
export interface NativeRuntime {
  configure(batches: number, blockFrames: number): void;
  setSampleRate(sampleRate: number): void;
  /** amp_graph_runtime_set_threads: threads a render may use, 1..16; results do not depend on it. */
  setThreads(threads: number): void;
  reset(): void;
  setParam(
    node: string,
    param: string,
    data: Float64Array,
    batches: number,
    channels: number,
    frames: number,
  ): void;
  clearParams(node?: string): void;
  /** Renders on a worker thread; resolves with the samples. */
  render(frames: number, options: NativeRenderOptions): Promise<NativeRenderOutput>;
  /** Raises the cancel flag of the render in flight (no-op when none); it rejects with -6. */
  cancel(): void;
  nodeNames(): string[];
  describeNode(node: string): NativeNodeSummary;
  describeGraph(): NativeGraphSummary;
  lastError(): NativeErrorInfo;
  /** The runtime log: JSON lines, oldest first. */
  readLog(): string;
  /** Releases the native runtime (deferred until a render in flight settles). Idempotent. */
  destroy(): void;
}

export interface NativeErrorClass {
  new (message: string, info: NativeErrorInfo & { codeName: string }): Error;
}

export interface NativeAddon {
  apiVersion(): number;
  /** amp_status_name. */
  statusName(code: number): string;
  /** amp_node_catalog_json. */
  nodeCatalog(): string;
  setErrorClass(errorClass: NativeErrorClass): void;
  /** amp_analyze_levels: peak |x| and RMS per (batch, channel) of a planar tensor, each B x C. */
  analyzeLevels(
    samples: Float64Array,
    batches: number,
    channels: number,
    frames: number,
  ): { peak: Float64Array; rms: Float64Array };
  /** Throws (an instance of the registered class) with the runtime's last error on failure. */
  createRuntime(graphJson: string): NativeRuntime;
}
