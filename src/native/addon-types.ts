/**
 * The shape of the compiled addon (`build/Release/amp_kpn.node`): a thin 1:1 layer over the C
 * ABI in `native/include/amp_native.h`. Only `src/native/` loads it; graph building never does.
 * Graph renders are asynchronous (a worker thread); single-node calls (`runNode`) are synchronous.
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
  /** Running output levels the render adds to (AmpMeters); in use until the render settles. */
  meters?: NativeMeters;
  /** Progress events (needs `meters`), at most one per the meters' `intervalMs`, the last before the promise settles. */
  onProgress?: (event: NativeProgressEvent) => void;
  /** A cancelled render resolves with its arrays, `cancelled: true` and `framesDone` instead of rejecting. */
  partial?: boolean;
  /** Write the samples here (exactly batches x outputChannels x frames; not transferred while the render runs) instead of a new array. */
  into?: Float64Array;
}

/** One progress event of a render (AmpProgressReport, coalesced by the binding). */
export interface NativeProgressEvent {
  /** Frames rendered since create / reset. */
  position: number;
  /** Frames of this render call done, and its length. */
  callDone: number;
  callFrames: number;
  /** Graph heat since create / reset. */
  heatTotal: number;
  /** Frames the meters accumulated, non-finite samples seen. */
  meterFrames: number;
  nonFinite: number;
  /** Peak |x| and RMS per (batch, channel) since the previous event (plain arrays: no backing store per event). */
  peak: number[];
  rms: number[];
}

/** AmpMeters owned by the binding: `new Meters(lanes, intervalMs)`. */
export interface NativeMeters {
  /** Running peak and RMS per lane, frames and non-finite count; throws while a render uses it. */
  read(): { frames: number; nonFinite: number; peak: Float64Array; rms: Float64Array };
}

export interface NativeMetersClass {
  new (lanes: number, intervalMs: number): NativeMeters;
}

export interface NativeRenderOutput {
  /** batches x outputChannels x frames, planar. */
  samples: Float64Array;
  /** Present when recordHeat was true. */
  heat?: Float64Array;
  /** Present when recordOverBudget was true: batches x frames. */
  overBudget?: Uint8Array;
  /** Present when the graph has taps: every tap in tapInfos() order, each batches x values x records. */
  taps?: Float64Array;
  /** With taps: every record's time in seconds, tap after tap. */
  tapTimes?: Float64Array;
  /** With taps: the records of each tap in this render (`amp_graph_runtime_tap_records`). */
  tapRecords?: number[];
  /** Set when a `partial` render was cancelled: frames written (each lane's first framesDone values, at the full render's stride). */
  cancelled?: boolean;
  framesDone?: number;
  /**
   * With `cancelled` and taps: the records each tap published in the `framesDone` frames (the first
   * ones of each row, which is laid out for `tapRecords` records).
   */
  tapRecordsDone?: number[];
}

/**
 * One tap a node of the runtime publishes (`AmpTapInfo`): per batch, one record of `values` numbers at stream
 * frames `phase + r * period`; a record is `values / groupValues` groups of the `valueNames`.
 */
export interface NativeTapInfo {
  node: string;
  name: string;
  unit: string;
  values: number;
  groupValues: number;
  valueNames: string[];
  period: number;
  phase: number;
}

/** Mirrors AmpGradientRequest: `param` undefined asks for the node's output gradient. */
export interface NativeGradientRequest {
  node: string;
  param?: string;
  summed: boolean;
  out: Float64Array;
}

/** Wraps one AmpGraphRuntime. Calls other than cancel() while a render runs throw (-1, busy). */
export interface NativeRuntime {
  configure(batches: number, blockFrames: number): void;
  setSampleRate(sampleRate: number): void;
  /** amp_graph_runtime_set_threads: threads a render may use, 1..16; results do not depend on it. */
  setThreads(threads: number): void;
  reset(): void;
  setParam(node: string, param: string, data: Float64Array, batches: number, channels: number, frames: number): void;
  clearParams(node?: string): void;
  shareLanes(nodes: readonly string[], params: readonly string[]): void;
  /** amp_graph_runtime_set_buffer: `data` holds channels x frames planar samples. */
  setBuffer(node: string, slot: number, data: Float64Array, channels: number, frames: number, sampleRate: number): void;
  /** Renders on a worker thread; resolves with the samples. */
  render(frames: number, options: NativeRenderOptions): Promise<NativeRenderOutput>;
  /** Renders synchronously on the calling thread into `buffer` (batches x outputChannels x frames, exactly). */
  renderInto(buffer: Float64Array, frames: number): void;
  /** Raises the cancel flag of the render in flight (no-op when none); it rejects with -6. */
  cancel(): void;
  nodeNames(): string[];
  /** The graph's taps in tap-index order (`amp_graph_runtime_tap_info`). */
  tapInfos(): NativeTapInfo[];
  describeNode(node: string): NativeNodeSummary;
  describeGraph(): NativeGraphSummary;
  /** amp_graph_runtime_heat_by_batch: heat totals (nodeCount + 1) x batches, last row the graph's. */
  heatByBatch(): Float64Array;
  lastError(): NativeErrorInfo;
  /** The runtime log: JSON lines, oldest first. */
  readLog(): string;
  /** amp_graph_runtime_snapshot: the stream state as bytes. */
  snapshot(): Uint8Array;
  /** amp_graph_runtime_buffer_bytes: bytes configure(batches, blockFrames) would allocate. */
  bufferBytes(batches: number, blockFrames: number): number;
  /** amp_graph_runtime_restore: continues the stream from a snapshot of this graph and configuration. */
  restore(snapshot: Uint8Array): void;
  /** amp_graph_runtime_record_size: bytes a recording of `frames` frames needs. */
  recordSize(frames: number): number;
  /** amp_graph_runtime_record: arms a recording of the next `frames` frames (maxBytes 0: half the machine's memory). */
  record(frames: number, maxBytes: number): void;
  /** amp_graph_runtime_backward: one backward pass over the recorded span; fills each request's `out`. */
  backward(outputGradient: Float64Array, requests: NativeGradientRequest[]): void;
  /**
   * amp_graph_runtime_backward_v2 on a worker thread: progress events count frames of the span
   * (`callDone` of `callFrames`), coalesced to one per `intervalMs`; `cancel()` stops the pass
   * (AMP_ERR_CANCELLED); the runtime is busy until the promise settles. `history`: the span's
   * control history (times from its first frame; a checkpointed recording re-renders with it).
   */
  backward(
    outputGradient: Float64Array,
    requests: NativeGradientRequest[],
    work: NativeRuntimeWork,
    history?: NativeHistoryCurve[],
  ): Promise<void>;
  /** amp_graph_runtime_record_checkpointed_size: bytes a checkpointed recording (a snapshot every `checkpointFrames`) needs. */
  recordCheckpointedSize(frames: number, checkpointFrames: number): number;
  /** amp_graph_runtime_record_checkpointed: arms a checkpointed recording of the next `frames` frames. */
  recordCheckpointed(frames: number, checkpointFrames: number, maxBytes: number): void;
  /** Releases the native runtime (deferred until a render in flight settles). Idempotent. */
  destroy(): void;
}

/** Mirrors AmpNodeDescriptorView. `paramsJson` is parsed once, when the state is created. */
export interface NativeNodeDescriptor {
  /** Instance name, used in error messages. */
  name: string;
  /** Registered node type, e.g. "sine_osc". */
  type: string;
  /** JSON object of the node's params (snake_case keys), or "" for none. */
  paramsJson: string;
}

/** Mirrors AmpAudioView: a planar tensor; `data.length` must equal batches x channels x frames. */
export interface NativeAudioView {
  data: Float64Array;
  batches: number;
  channels: number;
  frames: number;
}

/** Mirrors AmpParamView: a named signal-parameter tensor; any dimension may be 1 (broadcast). */
export interface NativeParamView extends NativeAudioView {
  name: string;
}

/** Mirrors AmpNodeInputs. */
export interface NativeNodeInputs {
  /** One view per audio input port, in the node's port order (backward: port 0 is the gradient). */
  audio: NativeAudioView[];
  params: NativeParamView[];
}

export interface NativeRunNodeOptions {
  /** AmpExecutionMode: 0 forward, 1 backward. */
  mode: 0 | 1;
  history?: NativeHistoryCurve[];
  /** AmpControlHistory.frame_offset: the stream frame at which curve time 0 lies. Default 0. */
  historyFrameOffset?: number;
}

export interface NativeRunNodeOutput {
  /** batches x outputChannels x frames, planar (a copy; the native buffer is already freed). */
  samples: Float64Array;
  outputChannels: number;
  metrics: NativeNodeMetrics;
}

/**
 * Owns one opaque amp_run_node state. `new NodeState()` is empty; runNode creates the node in it.
 * It always holds the current state: when a call replaces the state (other batches, input
 * channels or sample rate: a fresh stream), runNode releases the old one and keeps the new one.
 */
export interface NativeNodeState {
  /** amp_release_state, leaving the object empty (the next runNode starts a fresh stream). Idempotent; the finalizer releases a state never released. */
  release(): void;
  /** True while a native state is held. */
  readonly live: boolean;
  /** amp_node_state_snapshot: the node's stream state as bytes (throws on an empty state). */
  snapshot(): Uint8Array;
  /** amp_node_state_restore (throws on an empty state). */
  restore(snapshot: Uint8Array): void;
}

export interface NativeNodeStateClass {
  new (): NativeNodeState;
}

export interface NativeErrorClass {
  new (message: string, info: NativeErrorInfo & { codeName: string }): Error;
}

/** Mirrors AmpAnalysisConfig (codes: window AMP_WINDOW_*, scale AMP_SCALE_*). */
export interface NativeAnalysisConfig {
  sampleRate: number;
  size: number;
  hop: number;
  window: number;
  beta: number;
  symmetric: boolean;
  scale: number;
  points: number;
  minHz: number;
  maxHz: number;
  floorDb: number;
}

/** Mirrors AmpWindowGains. */
export interface NativeWindowGains {
  coherentGain: number;
  energyGain: number;
  enbwBins: number;
  scallopingLossDb: number;
}

/** The cancel flag of one asynchronous analysis call (`new CancelFlag()`; `raise()` stops the call). */
export interface NativeCancelFlag {
  raise(): void;
}

export interface NativeCancelFlagClass {
  new (): NativeCancelFlag;
}

/** Progress of an asynchronous backward pass (the runtime's own cancel flag stops it). */
export interface NativeRuntimeWork {
  /** Progress events (no levels: empty peak and rms), at most one per `intervalMs`, the last before the promise settles. */
  onProgress?: ((event: NativeProgressEvent) => void) | undefined;
  intervalMs: number;
}

/** The last argument of an asynchronous analysis call (amp_analysis_plan_set_work on a worker thread). */
export interface NativeAnalysisWork extends NativeRuntimeWork {
  cancel: NativeCancelFlag;
}

/** What amp_analysis_spectrum gives (analysisSpectrum). */
export type NativeSpectrumResult = {
  powerDb: Float64Array;
  psdDb: Float64Array;
  frequencies: Float64Array;
  segments: number;
  binHz: number;
  gains: NativeWindowGains;
};
/** What amp_analysis_peaks gives (analysisPeaks). */
export type NativePeaksResult = { frequency: Float64Array; bin: Float64Array; levelDb: Float64Array; found: Uint32Array; binHz: number };
/** What amp_analysis_spectrogram gives (analysisSpectrogram). */
export interface NativeSpectrogramResult {
  db: Float64Array;
  times: Float64Array;
  frequencies: Float64Array;
  columns: number;
  /** Smallest and largest dB value in db. */
  minDb: number;
  maxDb: number;
  frames: number;
  binHz: number;
  gains: NativeWindowGains;
}
/** What amp_analysis_band_energy gives (analysisBandEnergy). */
export type NativeBandEnergyResult = {
  energy: Float64Array;
  levelDb: Float64Array;
  times: Float64Array;
  frames: number;
  gains: NativeWindowGains;
};
/** What amp_analysis_stft gives (analysisStft). */
export type NativeStftResult = { data: Float64Array; frames: number; bins: number };

/**
 * A native call that runs synchronously, or on a worker thread when given one more, last `work`
 * argument (then it returns a Promise of the same result).
 */
export interface SyncOrOnWorker<Args extends unknown[], Result> {
  (...args: Args): Result;
  (...args: [...args: Args, work: NativeAnalysisWork]): Promise<Result>;
}

/** The arguments every config-taking analysis call starts with. */
export type AnalysisInput = [
  config: NativeAnalysisConfig,
  samples: Float64Array,
  batches: number,
  channels: number,
  frames: number,
  lanes: Uint32Array,
];

/**
 * The amp_analysis_* functions. Those taking a config create the plan, run and destroy it in one
 * call. `lanes` selects lanes (b * channels + c); outputs are planar over the selection. Failures
 * throw the registered class with amp_analysis_last_error (stage "analysis"). Those taking a
 * config also run on a worker thread when given a last `work` argument, returning a Promise.
 */
export interface NativeAnalysis {
  analysisWindow(window: number, beta: number, symmetric: boolean, n: number): { values: Float64Array; gains: NativeWindowGains };
  analysisSpectrum: SyncOrOnWorker<AnalysisInput, NativeSpectrumResult>;
  /** amp_analysis_centroid: the lanes' spectral centroids in Hz. */
  analysisCentroid: SyncOrOnWorker<AnalysisInput, Float64Array>;
  analysisPeaks: SyncOrOnWorker<[...input: AnalysisInput, maxPeaks: number, minDb: number], NativePeaksResult>;
  analysisSpectrogram: SyncOrOnWorker<[...input: AnalysisInput, maxColumns: number], NativeSpectrogramResult>;
  analysisBandEnergy: SyncOrOnWorker<[...input: AnalysisInput, bands: Float64Array], NativeBandEnergyResult>;
  analysisEnvelope(
    samples: Float64Array,
    batches: number,
    channels: number,
    frames: number,
    lanes: Uint32Array,
    start: number,
    end: number,
    columns: number,
  ): { min: Float64Array; max: Float64Array; rms: Float64Array; nonFinite: Uint32Array };
  analysisLevels(
    samples: Float64Array,
    batches: number,
    channels: number,
    frames: number,
  ): { peak: Float64Array; rms: Float64Array; dc: Float64Array; crest: Float64Array; crestDb: Float64Array };
  analysisStft: SyncOrOnWorker<[config: NativeAnalysisConfig, samples: Float64Array], NativeStftResult>;
  analysisIstft: SyncOrOnWorker<[config: NativeAnalysisConfig, spectra: Float64Array, stftFrames: number, length: number], Float64Array>;
}

export interface NativeAddon extends NativeAnalysis {
  apiVersion(): number;
  /** amp_status_name. */
  statusName(code: number): string;
  /** amp_node_catalog_json. */
  nodeCatalog(): string;
  setErrorClass(errorClass: NativeErrorClass): void;
  /** amp_analyze_levels: peak |x| and RMS per (batch, channel) of a planar tensor, each B x C. */
  analyzeLevels(samples: Float64Array, batches: number, channels: number, frames: number): { peak: Float64Array; rms: Float64Array };
  /** `amp_count_nonfinite`: how many values are NaN or infinite. */
  countNonFinite(samples: Float64Array): number;
  /** amp_loss_l2: mean squared error of y against target; fills gradientOut with dL/dy (same length). */
  lossL2(y: Float64Array, target: Float64Array, gradientOut: Float64Array): number;
  /** amp_loss_spectral_l2 with a plan made and destroyed around it: the loss; fills gradientOut. */
  lossSpectralL2(
    size: number,
    hop: number,
    window: number,
    kaiserBeta: number,
    y: Float64Array,
    target: Float64Array,
    lanes: number,
    gradientOut: Float64Array,
  ): number;
  /** amp_analysis_column_stats: per-column sum, mean and max of a lanes x frames series over [start, end), each lanes x columns. */
  columnStats(
    data: Float64Array,
    lanes: number,
    frames: number,
    start: number,
    end: number,
    columns: number,
  ): { sum: Float64Array; mean: Float64Array; max: Float64Array };
  /** amp_analysis_running_sum: running sum of each of `lanes` series of n values (lanes x n). */
  runningSum(data: Float64Array, lanes: number, n: number): Float64Array;
  /** amp_fft_complex_forward: `input` holds 2n doubles (interleaved complex); returns 2n doubles (`output` when given: exact length, written and returned; likewise below). */
  fftComplexForward(input: Float64Array, n: number, output?: Float64Array): Float64Array;
  /** amp_fft_complex_inverse (scaled by 1/n): `input` holds 2n doubles; returns 2n doubles. */
  fftComplexInverse(input: Float64Array, n: number, output?: Float64Array): Float64Array;
  /** amp_fft_real_forward: `input` holds n samples; returns bins 0..n/2 as 2 (floor(n/2) + 1) doubles. */
  fftRealForward(input: Float64Array, n: number, output?: Float64Array): Float64Array;
  /** amp_fft_real_inverse: `input` holds 2 (floor(n/2) + 1) doubles; returns n samples. */
  fftRealInverse(input: Float64Array, n: number, output?: Float64Array): Float64Array;
  /** Throws (an instance of the registered class) with the runtime's last error on failure. */
  createRuntime(graphJson: string): NativeRuntime;
  /** The owner of an amp_run_node state. */
  NodeState: NativeNodeStateClass;
  /** Running output levels and progress coalescing of a render job. */
  Meters: NativeMetersClass;
  /** The cancel flag of an asynchronous analysis call. */
  CancelFlag: NativeCancelFlagClass;
  /** amp_pcm_encode: planar rows (row c at c * laneStride) to interleaved bytes in `out`; returns the clipped count; throws on a non-finite sample. */
  pcmEncode(
    data: Float64Array,
    laneStride: number,
    channels: number,
    frames: number,
    format: number,
    dither: boolean,
    seed: number,
    startFrame: number,
    out: Uint8Array,
  ): number;
  /** amp_pcm_decode: interleaved bytes to planar rows (row c at c * laneStride) of `out`. */
  pcmDecode(bytes: Uint8Array, channels: number, frames: number, format: number, out: Float64Array, laneStride: number): void;
  /**
   * The same decode on the libuv thread pool: resolves when `out` is written, rejects with the
   * AmpError of a failure. `bytes` and `out` must stay attached and unchanged until it settles.
   */
  pcmDecode(
    bytes: Uint8Array,
    channels: number,
    frames: number,
    format: number,
    out: Float64Array,
    laneStride: number,
    work: { cancel: NativeCancelFlag },
  ): Promise<void>;
  /**
   * amp_run_node_v2 on one window, synchronously (amp_run_node is mode 0 without metrics).
   * Throws a TypeError naming a mistyped argument, a RangeError when a data array's length is not
   * its batches x channels x frames, and the registered class with amp_run_node_last_error when
   * the runtime fails.
   */
  runNode(
    descriptor: NativeNodeDescriptor,
    inputs: NativeNodeInputs,
    batches: number,
    channels: number,
    frames: number,
    sampleRate: number,
    state: NativeNodeState,
    options: NativeRunNodeOptions,
  ): NativeRunNodeOutput;
  /** amp_live_state_count: node states created by runNode and not yet released (leak checks). */
  liveStateCount(): number;
}
