/** The value a render resolves with: samples, their shape, heat curves and summaries. */
import { inspect } from "node:util";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display/mime";
import type { Graph } from "../graph/graph";
import type { NativeGraphSummary, NativeNodeMetrics, NativeNodeSummary } from "../native/addon-types";
import { bandEnergy, type BandEnergy, type BandEnergyOptions } from "../analysis/band-energy";
import { envelope, type Envelope, type EnvelopeOptions } from "../analysis/envelope";
import { peaks, spectrum, type Peak, type PeaksOptions, type Spectrum, type SpectrumOptions } from "../analysis/spectrum";
import { spectrogram, type Spectrogram, type SpectrogramOptions } from "../analysis/spectrogram";
import { resultBundle } from "../plot/result-card";
import { ampError } from "../errors";
import type { BackwardOptions, Gradients } from "./gradients";
import { checkInteger, type TensorShape } from "./shape";

/** Per-call metrics of one node (mirrors `AmpNodeMetrics`); times in seconds, zero unless the graph has timing on. */
export type NodeMetrics = NativeNodeMetrics;

/** What the runtime reports about one node (`describe_node`): delays in frames, heat summed over batches since create / reset. */
export type NodeSummary = NativeNodeSummary;

/** What the runtime reports about the graph (`describe_graph`): latency in frames, heat summed over nodes and batches. */
export type GraphSummary = NativeGraphSummary;

/** Per-frame heat curves of a render, each planar `batches x frames` (heat units per frame). */
export interface HeatCurves {
  /** Sum over all nodes. */
  readonly graph: Float64Array;
  /** One curve per node, by node name. */
  readonly nodes: Readonly<Record<string, Float64Array>>;
}

/**
 * One tap of a render: a side stream a node published (see the node's reference in docs/nodes.md).
 * Per batch a sequence of records, one per frame or one every `period` frames (e.g. one per
 * analysis frame), each of `values` numbers, planar `index = (b * values + k) * records + r`.
 * A record is `values / columns.length` groups (e.g. one per channel) of the named columns:
 * number `k = group * columns.length + column`.
 */
export interface Tap {
  /** Publishing node's name. */
  readonly node: string;
  /** Tap name as declared by the node type. */
  readonly name: string;
  /** Unit of the values ("" when dimensionless). */
  readonly unit: string;
  /** Numbers per record. */
  readonly values: number;
  readonly batches: number;
  /** Frames of the render. */
  readonly frames: number;
  /** Records per batch in this render (`frames` for a per-frame tap). */
  readonly records: number;
  /** Frames between records (1: one per frame). */
  readonly period: number;
  /** Names of the numbers of one group (empty when the node does not name them). */
  readonly columns: readonly string[];
  /** Groups per record (`values / columns.length`; 1 without names). */
  readonly groups: number;
  /** Time of each record in seconds (its stream frame / sample rate), `records` values. */
  readonly times: Float64Array;
  /** batches x values x records, planar. */
  readonly data: Float64Array;
  /**
   * One column over the records, a view without a copy: number `column` of group `group`
   * (e.g. a channel) of batch `batch`.
   * @param column - a name of {@link Tap.columns}
   * @param batch - integer in [0, batches); default 0
   * @param group - integer in [0, groups); default 0
   */
  series(column: string, batch?: number, group?: number): Float64Array;
}

/** What {@link RenderResult} is built from. */
export interface RenderResultInit {
  readonly graph: Graph;
  readonly samples: Float64Array;
  readonly shape: TensorShape;
  readonly sampleRate: number;
  readonly heat: HeatCurves | undefined;
  readonly overBudget: Uint8Array | undefined;
  readonly nodes: Readonly<Record<string, NodeSummary>>;
  readonly summary: GraphSummary;
  /** Taps by `"node.tap"`; default none. */
  readonly taps?: Readonly<Record<string, Tap>>;
  /** The backward pass over this render's recording (renders with `record: true`). */
  readonly backward?: ((dLdy: Float64Array, options: BackwardOptions) => Gradients | Promise<Gradients>) | undefined;
  /** Releases what the backward pass holds (the one-shot render's runtime). */
  readonly release?: (() => void) | undefined;
  /** The render was stopped early (`partial: true`); default false. */
  readonly partial?: boolean;
}

/** The output of a render: planar samples (batches x channels x frames) plus heat and summaries. */
export class RenderResult {
  /** The graph that was rendered. */
  readonly graph: Graph;
  /** Planar samples, `index = (b * channels + c) * frames + f`. */
  readonly samples: Float64Array;
  /** Shape of {@link RenderResult.samples}. */
  readonly shape: TensorShape;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Per-frame heat curves, present when the render was asked to record heat. */
  readonly heat: HeatCurves | undefined;
  /** Thermal-budget flags, planar `batches x frames` (1 where the graph's heat per second exceeded its budget), when recorded. */
  readonly overBudget: Uint8Array | undefined;
  /** Node summaries by node name, read after the render. */
  readonly nodes: Readonly<Record<string, NodeSummary>>;
  /** Graph summary (latency, total heat, frames rendered), read after the render. */
  readonly summary: GraphSummary;
  /** Taps the graph's nodes published during this render, by `"node.tap"` (e.g. `"safety.clipped"`); empty when none. */
  readonly taps: Readonly<Record<string, Tap>>;
  /**
   * True when the render was stopped before its end and returned the frames rendered so far
   * (render option `partial: true`); `shape.frames` is then that count.
   */
  readonly partial: boolean;

  #backward: ((dLdy: Float64Array, options: BackwardOptions) => Gradients | Promise<Gradients>) | undefined;
  #release: (() => void) | undefined;

  constructor(init: RenderResultInit) {
    this.#backward = init.backward;
    this.#release = init.release;
    this.graph = init.graph;
    this.samples = init.samples;
    this.shape = Object.freeze({ ...init.shape });
    this.sampleRate = init.sampleRate;
    this.heat = init.heat;
    this.overBudget = init.overBudget;
    this.nodes = Object.freeze({ ...init.nodes });
    this.summary = Object.freeze({ ...init.summary });
    this.taps = Object.freeze({ ...(init.taps ?? {}) });
    this.partial = init.partial ?? false;
  }

  /**
   * Gradients of a loss through the whole graph, from a render made with `record: true`: one
   * native backward pass in reverse schedule order (docs/gradients.md).
   *
   * ```ts
   * const r = await render(g, { seconds: 1, record: true });
   * const { dLdy } = l2Loss(r.samples, target);
   * const grads = await r.backward(dLdy, { wrt: ["osc.amplitude", "lp.frequency"], summed: true });
   * grads["osc.amplitude"].data; // one number per batch
   * ```
   * @param dLdy - the loss gradient with respect to {@link RenderResult.samples} (same shape)
   * @param options - `wrt`: `"node.param"` or `"node"` entries; `summed`: sum parameter gradients over frames
   */
  async backward(dLdy: Float64Array, options: BackwardOptions): Promise<Gradients> {
    if (this.#backward === undefined)
      throw ampError("AMP_ERR_INVALID_ARGUMENT", "this render was not recorded: render with { record: true } to call backward()", {
        stage: "backward",
      });
    return await this.#backward(dLdy, options);
  }

  /** Releases the recording a `render(g, { record: true })` keeps for {@link RenderResult.backward} (also released when the result is garbage-collected). Idempotent. */
  release(): void {
    const release = this.#release;
    this.#backward = undefined;
    this.#release = undefined;
    if (release !== undefined) release();
  }

  /** Duration in seconds (`frames / sampleRate`). */
  get durationSeconds(): number {
    return this.shape.frames / this.sampleRate;
  }

  /**
   * One lane of the samples: a view (no copy) of `frames` values.
   * @param batch - integer in [0, batches - 1]; default 0
   * @param channel - integer in [0, channels - 1]; default 0
   */
  channel(batch = 0, channel = 0): Float64Array {
    const { batches, channels, frames } = this.shape;
    checkInteger({ param: "batch", label: "argument" }, batch, 0, batches - 1);
    checkInteger({ param: "channel", label: "argument" }, channel, 0, channels - 1);
    const start = (batch * channels + channel) * frames;
    return this.samples.subarray(start, start + frames);
  }

  /**
   * The samples of one batch: a view of `channels x frames` planar values.
   * @param batch - integer in [0, batches - 1]; default 0
   */
  batch(batch = 0): Float64Array {
    const { batches, channels, frames } = this.shape;
    checkInteger({ param: "batch", label: "argument" }, batch, 0, batches - 1);
    return this.samples.subarray(batch * channels * frames, (batch + 1) * channels * frames);
  }

  /** Welch power spectrum and PSD of the samples (see {@link spectrum}: dBFS, Hz). */
  spectrum(options: SpectrumOptions = {}): Spectrum {
    return spectrum(this, options);
  }

  /** Strongest spectral peaks per lane (see {@link peaks}: Hz, dBFS). */
  peaks(options: PeaksOptions = {}): Peak[] {
    return peaks(this, options);
  }

  /** Spectrogram of the samples (see {@link spectrogram}: s, Hz, dBFS). */
  spectrogram(options: SpectrogramOptions = {}): Spectrogram {
    return spectrogram(this, options);
  }

  /**
   * Min, max and RMS per display column (see {@link envelope}).
   * @param columns - number of columns, an integer in [1, end - start]
   */
  envelope(columns: number, options: EnvelopeOptions = {}): Envelope {
    return envelope(this, columns, options);
  }

  /** Energy per band and analysis frame (see {@link bandEnergy}). */
  bandEnergy(options: BandEnergyOptions): BandEnergy {
    return bandEnergy(this, options);
  }

  /** One line: shape, rate, duration, latency and total heat. */
  toString(): string {
    const { batches, channels, frames } = this.shape;
    return `RenderResult (${batches} batch${batches === 1 ? "" : "es"} x ${channels} channel${channels === 1 ? "" : "s"} x ${frames} frames, ${this.sampleRate} Hz, ${this.durationSeconds.toFixed(3)} s, latency ${this.summary.latencyFrames} frames, total heat ${this.summary.totalHeat.toPrecision(6)})`;
  }

  /** `util.inspect` / `console.log` output: same as {@link RenderResult.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }

  /** Rich display in notebooks: a summary card with a waveform thumbnail and a player, and the one-line text. */
  [DISPLAY_SYMBOL](): MimeBundle {
    return resultBundle(this);
  }
}
