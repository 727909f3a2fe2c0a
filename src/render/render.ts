/** `render(graph, options)`: one-shot rendering through a temporary {@link Runtime}. */
import { ampError, checkOptionKeys, validationError } from "../errors";
import type { Graph } from "../graph/graph";
import { RenderResult } from "./result";
import type { ControlHistory } from "./history";
import type { ProgressCallback } from "./progress";
import type { PcmBuffer } from "./buffers";
import type { RecordOptions } from "./gradients";
import { checkRenderOption, checkSampleRate, RENDER_LIMITS } from "./limits";
import { cancelledError, checkGraph, checkSignal, Runtime } from "./runtime";

const RENDER_KEYS = [
  "frames",
  "seconds",
  "sampleRate",
  "batches",
  "blockFrames",
  "threads",
  "recordHeat",
  "recordOverBudget",
  "signal",
  "history",
  "maxBytes",
  "record",
  "onProgress",
  "progress",
  "partial",
  "buffers",
];

/** Options of {@link render}. Give exactly one of `frames` and `seconds`. */
export interface RenderOptions {
  /** Length in frames, integer in [1, 2147483647]. */
  readonly frames?: number | undefined;
  /** Length in seconds, finite and > 0; rendered as `Math.round(seconds * sampleRate)` frames (at least 1). */
  readonly seconds?: number | undefined;
  /** Sample rate in Hz, in (0, 10000000]. Default: the graph's `sampleRate`, else 48000. */
  readonly sampleRate?: number | undefined;
  /** Independent lanes rendered together, integer in [1, 4096]. Default 1. */
  readonly batches?: number | undefined;
  /** Largest block the scheduler runs, in frames, integer in [1, 1048576]. Default 512. */
  readonly blockFrames?: number | undefined;
  /**
   * Threads the render may use, integer in [1, 16]; output is bit-identical for any count. Default 1.
   * Experimental: more threads can be slower on small or busy machines (docs/scheduling.md).
   */
  readonly threads?: number | undefined;
  /** Record per-frame heat curves per node and for the graph. Default false. */
  readonly recordHeat?: boolean | undefined;
  /** Record per-frame thermal-budget flags (needs a graph with a thermal budget). Default false. */
  readonly recordOverBudget?: boolean | undefined;
  /**
   * Cancels the render: the promise rejects with an AmpError of code `"AMP_ERR_CANCELLED"`. The
   * host interrupt signal (`setInterruptSignal`, aborted by a kernel interrupt) also cancels.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Control history of the render: curves by name, read by `controller` nodes, e.g.
   * `{ cutoff: [[0, 200], [1.5, 4000]] }` (times in seconds, linear) or
   * `{ gate: { points: [[0, 1], [480, 0]], unit: "frames", interpolation: "step" } }`.
   * Held before the first and after the last point; linear between points (or step); two points
   * at the same time make a jump; times are relative to the start of the render. Seconds become
   * frames as `time * sampleRate`, not rounded. See {@link ControlHistory}.
   */
  readonly history?: ControlHistory | undefined;
  /**
   * Memory budget in bytes, a number > 0: the runtime's buffers plus the result arrays. A render
   * that would exceed it is refused before anything is allocated, with AMP_ERR_INVALID_ARGUMENT
   * naming the bytes needed. Default: none (half the machine's memory still bounds both).
   */
  readonly maxBytes?: number | undefined;
  /**
   * Record the render for {@link RenderResult.backward} (gradients through the whole graph). The
   * result then keeps the runtime until {@link RenderResult.release} (or garbage collection).
   * Refused up front, with the bytes needed, when the recording would not fit. `true` records
   * every value the backward pass reads; `{ checkpointFrames: 48000 }` keeps a snapshot every
   * 48000 frames instead and re-renders each segment during the backward pass: memory for one
   * segment plus a snapshot per segment, about twice the time, the same gradients bit for bit
   * (see {@link RecordOptions}). Default false.
   */
  readonly record?: boolean | RecordOptions | undefined;
  /**
   * Progress events while the render runs (at most ~10 a second, the last one when it ends):
   * frames done, x realtime, time left, live peak / RMS per output lane and the heat total, all
   * levels computed natively. A throw from the callback cancels the render. See {@link ProgressEvent}.
   */
  readonly onProgress?: ProgressCallback | undefined;
  /** `false` keeps the render off the host progress display (the kernel's, the CLI's). Default true. */
  readonly progress?: boolean | undefined;
  /**
   * When stopped (`signal`, a kernel interrupt), resolve with the frames rendered so far, marked
   * `result.partial`, instead of rejecting with AMP_ERR_CANCELLED. Default false.
   */
  readonly partial?: boolean | undefined;
  /**
   * PCM buffers by node name, handed to those nodes before the render (slot 0, see
   * {@link Runtime.setBuffer}), e.g. `{ drums: await readWav("drums.wav") }` for a `sampler`
   * named `drums`.
   */
  readonly buffers?: Readonly<Record<string, PcmBuffer>> | undefined;
}

/** Hands each buffer of the `buffers` render option to its node. */
function setBuffers(runtime: Runtime, buffers: unknown): void {
  if (buffers === undefined) return;
  if (typeof buffers !== "object" || buffers === null)
    throw validationError({ param: "buffers", label: "render option" }, "an object of PCM buffers by node name", buffers);
  for (const [node, buffer] of Object.entries(buffers)) runtime.setBuffer(node, buffer as PcmBuffer);
}

/** Resolves the frame count of `frames` / `seconds` at a sample rate; throws unless exactly one is valid. */
export function resolveFrames(
  options: { readonly frames?: number | undefined; readonly seconds?: number | undefined },
  sampleRate: number,
): number {
  const { frames, seconds } = options;
  if ((frames === undefined) === (seconds === undefined)) {
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `render options: give exactly one of "frames" and "seconds", got ${frames === undefined ? "neither" : "both"}`,
    );
  }
  if (frames !== undefined) return checkRenderOption("frames", frames);
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
    throw validationError({ param: "seconds", label: "render option" }, "a finite number > 0", seconds);
  }
  const count = Math.round(seconds * sampleRate);
  if (count < RENDER_LIMITS.frames.min || count > RENDER_LIMITS.frames.max) {
    throw validationError(
      { param: "seconds", label: "render option" },
      `a duration of 1 to ${RENDER_LIMITS.frames.max} frames at ${sampleRate} Hz`,
      seconds,
    );
  }
  return count;
}

/**
 * Renders a graph once: creates a runtime, renders, reads the summaries and releases it.
 *
 * ```ts
 * const result = await render(g, { seconds: 2, sampleRate: 48000 });
 * result.channel(0, 0); // Float64Array view of batch 0, channel 0
 * ```
 * @param graph - a graph with an output
 * @param options - length (`frames` or `seconds`), sample rate, batches, block size, heat, control history, cancellation
 */
export async function render(graph: Graph, options: RenderOptions): Promise<RenderResult> {
  checkGraph(graph);
  if (typeof options !== "object" || options === null)
    throw validationError({ param: "options", label: "argument" }, "an object with frames or seconds", options);
  checkOptionKeys({ label: "render option" }, options, RENDER_KEYS, "render()");
  checkSignal(options.signal);
  const sampleRate = options.sampleRate === undefined ? (graph.sampleRate ?? 48000) : checkSampleRate(options.sampleRate);
  // An integer length beyond one call's limit (e.g. 2^40) is refused by Runtime.render, which
  // names the bytes its output would need, before any sample buffer is allocated.
  const oversized =
    options.seconds === undefined && Number.isInteger(options.frames) && (options.frames as number) > RENDER_LIMITS.frames.max;
  const frames = oversized ? (options.frames as number) : resolveFrames(options, sampleRate);
  if (options.signal?.aborted === true) throw cancelledError(options.signal.reason);
  const runtime = Runtime.create(graph, {
    sampleRate,
    batches: options.batches,
    blockFrames: options.blockFrames,
    threads: options.threads,
    maxBytes: options.maxBytes,
  });
  let keep = false;
  try {
    setBuffers(runtime, options.buffers);
    const result = await runtime.render(frames, {
      recordHeat: options.recordHeat,
      recordOverBudget: options.recordOverBudget,
      signal: options.signal,
      history: options.history,
      record: options.record,
      onProgress: options.onProgress,
      progress: options.progress,
      partial: options.partial,
    });
    if (options.record === undefined || options.record === false) return result;
    // The recording lives in the runtime: the result owns it from here.
    keep = true;
    return new RenderResult({
      graph: result.graph,
      samples: result.samples,
      shape: result.shape,
      sampleRate: result.sampleRate,
      heat: result.heat,
      overBudget: result.overBudget,
      nodes: result.nodes,
      summary: result.summary,
      taps: result.taps,
      backward: (dLdy, backwardOptions) => result.backward(dLdy, backwardOptions),
      release: () => runtime.dispose(),
      ...(result.partial === true ? { partial: true } : {}),
    });
  } finally {
    if (!keep) runtime.dispose();
  }
}
