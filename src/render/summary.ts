/** A JSON-ready summary of a render: shape, levels (computed natively), latency, heat, graph hash. */
import { analyzeLevels, countNonFinite } from "../analysis/levels";
import type { Graph } from "../graph/graph";
import type { RenderResult } from "./result";
import type { RuntimeDescription } from "./runtime";
import type { TensorShape } from "./shape";

/** Peak and RMS of one (batch, channel) lane, linear. */
export interface LaneLevels {
  readonly batch: number;
  readonly channel: number;
  readonly peak: number;
  readonly rms: number;
}

/** What `amp-kpn render --summary` writes. */
export interface RenderSummary {
  /** sha256 of the graph's canonical JSON. */
  readonly graphHash: string;
  readonly shape: TensorShape;
  /** Hz. */
  readonly sampleRate: number;
  readonly durationSeconds: number;
  /** One entry per (batch, channel), batch-major. */
  readonly levels: readonly LaneLevels[];
  /** Accumulated declared delay from the sources to the output, in frames. */
  readonly latencyFrames: number;
  /** Heat totals of the render: per node and for the graph (summed over frames and batches). */
  readonly heat: { readonly graph: number; readonly nodes: Readonly<Record<string, number>> };
  /**
   * What was not finite: `samples` counts NaN and infinite output samples (natively), `heat` is
   * true when a heat total (the graph's or a node's) is not finite. Both zero / false for a
   * sound render; the CLI refuses to write a WAV with non-finite samples and warns about heat.
   * (In the JSON summary a non-finite heat total is written as `null`.)
   */
  readonly nonFinite: { readonly samples: number; readonly heat: boolean };
}

/** The parts of a streamed render's summary: levels from the runtime's native meters (bit for bit `analyzeLevels` of the whole output). */
export interface StreamedRenderParts {
  readonly graph: Graph;
  readonly shape: TensorShape;
  readonly sampleRate: number;
  /** Per lane (batch-major), over the whole render. */
  readonly peak: readonly number[];
  readonly rms: readonly number[];
  readonly nonFiniteSamples: number;
  /** The runtime's description after the render (heat totals, latency). */
  readonly description: RuntimeDescription;
}

/** Summarises a streamed render (nothing of it held in memory) exactly as {@link summarizeRender} summarises a whole one. */
export function summarizeStreamed(parts: StreamedRenderParts): RenderSummary {
  const { batches, channels } = parts.shape;
  const lanes: LaneLevels[] = [];
  for (let b = 0; b < batches; b += 1) {
    for (let c = 0; c < channels; c += 1) {
      const i = b * channels + c;
      lanes.push({ batch: b, channel: c, peak: parts.peak[i] ?? 0, rms: parts.rms[i] ?? 0 });
    }
  }
  const nodes: Record<string, number> = {};
  for (const [name, summary] of Object.entries(parts.description.nodes)) nodes[name] = summary.totalHeat;
  const graphHeat = parts.description.graph.totalHeat;
  return {
    graphHash: parts.graph.hash,
    shape: { ...parts.shape },
    sampleRate: parts.sampleRate,
    durationSeconds: parts.shape.frames / parts.sampleRate,
    levels: lanes,
    latencyFrames: parts.description.graph.latencyFrames,
    heat: { graph: graphHeat, nodes },
    nonFinite: {
      samples: parts.nonFiniteSamples,
      heat: ![graphHeat, ...Object.values(nodes)].every((total) => Number.isFinite(total)),
    },
  };
}

/** Summarises a render result; peak and RMS come from the native `analyzeLevels`. */
export function summarizeRender(result: RenderResult): RenderSummary {
  const { batches, channels } = result.shape;
  const levels = analyzeLevels(result.samples, result.shape);
  const lanes: LaneLevels[] = [];
  for (let b = 0; b < batches; b += 1) {
    for (let c = 0; c < channels; c += 1) {
      const i = b * channels + c;
      lanes.push({ batch: b, channel: c, peak: levels.peak[i] ?? 0, rms: levels.rms[i] ?? 0 });
    }
  }
  const nodes: Record<string, number> = {};
  for (const [name, summary] of Object.entries(result.nodes)) nodes[name] = summary.totalHeat;
  return {
    graphHash: result.graph.hash,
    shape: { ...result.shape },
    sampleRate: result.sampleRate,
    durationSeconds: result.durationSeconds,
    levels: lanes,
    latencyFrames: result.summary.latencyFrames,
    heat: { graph: result.summary.totalHeat, nodes },
    nonFinite: {
      samples: countNonFinite(result.samples),
      heat: ![result.summary.totalHeat, ...Object.values(nodes)].every((total) => Number.isFinite(total)),
    },
  };
}
