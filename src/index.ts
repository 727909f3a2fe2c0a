/**
 * amp-kpn: audio-rate dataflow graphs over a C++ runtime.
 *
 * ```ts
 * import { graph, sineOsc, gain, render } from "amp-kpn";
 * const g = graph().add("osc", sineOsc({ frequency: 220 })).add("amp", gain({ gain: 0.5 })).chain("osc", "amp").output("amp");
 * const result = await render(g, { seconds: 1 });
 * ```
 * Building, serialising and hashing graphs never loads the native addon; rendering and analysis do.
 */
export { AmpError, AMP_STATUS, statusName, validationError } from "./errors";
export type { AmpErrorInfo, AmpStatusName, ValidationSubject } from "./errors";

export { Graph, graph } from "./graph/graph";
export { GRAPH_LIMITS } from "./graph/limits";
export type { ChainLink, ConnectOptions, ModulateOptions } from "./graph/options";
export type {
  EdgeJSON,
  GraphJSON,
  ModulationJSON,
  ModulationMetaJSON,
  NodeJSON,
  NodeParamsJSON,
  ParamValueJSON,
  ThermoJSON,
} from "./graph/json";
export { canonicalJson, contentHash } from "./graph/canonical";

export * from "./nodes/generated";
export { nodeSpec } from "./nodes/spec";
export type { NodeSpec } from "./nodes/spec";
export { findNodeType, nodeCatalog, nodeTypes } from "./nodes/catalog";
export type { CatalogLimit, CatalogLimits, CatalogNode, CatalogParam, CatalogPort, NodeCatalog, ParamKind } from "./nodes/catalog-types";
export type { LimitName, LimitRange } from "./nodes/limit-facts";
export type { CommonNodeOptions, ModulationMode, ModulationOptions, ThermoOptions } from "./nodes/common";

export { Runtime } from "./render/runtime";
export type { RuntimeDescription, RuntimeLogRecord, RuntimeOptions, RuntimeRenderOptions, RuntimeStreamOptions } from "./render/runtime";
export { PROGRESS_INTERVAL_MS, progressHost, progressLine, setProgressHost, summaryLine } from "./render/progress";
export type { ProgressCallback, ProgressEvent, ProgressHost, ProgressJobInfo, ProgressView } from "./render/progress";
export { RENDER_LIMITS } from "./render/limits";
export type { ControlHistory, CurveDefinition, CurveInput, CurveInterpolation, CurvePoint, CurveTimeUnit } from "./render/history";
export { render } from "./render/render";
export type { PcmBuffer } from "./render/buffers";
export { renderedGraphs } from "./render/rendered-graphs";
export { nativeBuildInfo } from "./native/build-info";
export type { NativeBuildInfo } from "./native/build-info";
export { interruptSignal, setInterruptSignal } from "./render/interrupt";
export type { WorkOptions } from "./render/work";
export type { RenderOptions } from "./render/render";
export { RenderResult } from "./render/result";
export { l2Loss, spectralL2Loss } from "./render/gradients";
export type {
  BackwardOptions,
  CurvePointGradients,
  Gradient,
  Gradients,
  Loss,
  RecordOptions,
  SpectralLossOptions,
} from "./render/gradients";
export type { GraphSummary, HeatCurves, NodeMetrics, NodeSummary, Tap } from "./render/result";
export type { TensorShape } from "./render/shape";
export { summarizeRender } from "./render/summary";
export type { LaneLevels, RenderSummary } from "./render/summary";

export { NodeRunner } from "./node-call/node-runner";
export type {
  NodeBackwardOptions,
  NodeCallOptions,
  NodeForwardOptions,
  NodeParamValue,
  NodeRunResult,
  NodeTensor,
} from "./node-call/node-runner";

export { analyzeLevels } from "./analysis/levels";
export type { Levels } from "./analysis/levels";
export { WINDOW_NAMES } from "./analysis/common";
export type { AnalysisSignal, FrameOptions, FrequencyScale, LaneSelection, WindowGains, WindowName } from "./analysis/common";
export { windowFunction } from "./analysis/window";
export type { Window, WindowOptions } from "./analysis/window";
export { peaks, peaksAsync, spectrum, spectrumAsync } from "./analysis/spectrum";
export type { Peak, PeaksOptions, Spectrum, SpectrumOptions } from "./analysis/spectrum";
export { spectrogram, spectrogramAsync } from "./analysis/spectrogram";
export type { Spectrogram, SpectrogramOptions } from "./analysis/spectrogram";
export { envelope } from "./analysis/envelope";
export type { Envelope, EnvelopeOptions } from "./analysis/envelope";
export { bandEnergy, bandEnergyAsync } from "./analysis/band-energy";
export { spectralCentroid, spectralCentroidAsync } from "./analysis/centroid";
export type { Centroid, CentroidOptions } from "./analysis/centroid";
export type { Band, BandEnergy, BandEnergyOptions } from "./analysis/band-energy";
export { istft, istftAsync, stft, stftAsync } from "./analysis/stft";
export type { IstftOptions, Stft, StftOptions, StftWorkOptions } from "./analysis/stft";
export { fft, ifft, rfft, irfft, FFT_MAX_SIZE } from "./analysis/fft";

export { decodeWav, encodeWav, readWav, writeWav } from "./io/wav";
export type { WavAudio, WavBitDepth, WavReadOptions, WavWriteOptions } from "./io/wav";
export { WavWriter } from "./io/wav-writer";
export type { WavWriterOptions, WavWriterResult } from "./io/wav-writer";

export { demoGraph } from "./demo";

export { sweep } from "./sweep/sweep";
export type { SweepOptions, SweepProgress, SweepSignal } from "./sweep/sweep";
export { expandGrid, MAX_SWEEP_POINTS } from "./sweep/grid";
export type { GridAxis, GridCombine, GridRange, GridSampling, GridValue, SweepGrid, SweepPoint } from "./sweep/grid";
export type { SweepBandsMeasure, SweepFrameOptions, SweepMeasure } from "./sweep/measure";
export type { SweepAudio } from "./sweep/job";
export { SweepTable } from "./sweep/table";
export type { SweepCell, SweepRow } from "./sweep/table";

export { DISPLAY_SYMBOL, isDisplayable } from "./display/mime";
export type { Displayable, MimeBundle } from "./display/mime";

export { plot } from "./plot/index";
export { Figure } from "./plot/figure";
export type { FigureSpec, PlotlyLayout, PlotlyTrace } from "./plot/figure";
export { figureBundle, PLOTLY_MIME } from "./plot/bundle";
export { plotlyVersion, resetPlotlyInlining } from "./plot/plotly-html";
export type { PlotlyTypedArray } from "./plot/typed-array";
export type { CommonFigureOptions } from "./plot/common";
export type { WaveformOptions } from "./plot/waveform";
export type { SpectrumFigureOptions } from "./plot/spectrum";
export type { SpectrogramFigureOptions } from "./plot/spectrogram";
export type { BandsFigureOptions, BandTrack } from "./plot/bands";
export { bandTrackFromTap, type TapTrackOptions } from "./plot/bands-tap";
export type { HeatFigureOptions } from "./plot/heat";
export type { GridOptions } from "./plot/grid";
export type { SweepFigureOptions } from "./plot/sweep";
export { GraphDiagram } from "./plot/graph-diagram";
export type { GraphDiagramOptions } from "./plot/graph-diagram";
export { audio, AudioPlayer } from "./audio/player";
export type { AudioClip, AudioOptions } from "./audio/player";
export { columnStats, runningSum } from "./analysis/series-columns";
export type { ColumnStats } from "./analysis/series-columns";
