/**
 * One unit of sweep work, the same wherever it runs (this thread, a worker thread, a BullMQ
 * worker on another machine): a graph JSON, the render settings, what to measure and the points
 * it renders. Several points of a job share one render as batch lanes, each lane with its own
 * values of the packed signal parameters (`Runtime.setParam` tensors constant per lane); a lane's
 * samples, heat totals and measurements are bit-identical to rendering its point alone.
 */
import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import type { ControlHistory } from "../render/history";
import { Graph } from "../graph/graph";
import type { GraphJSON } from "../graph/json";
import { writeWav, type WavBitDepth } from "../io/wav";
import { Runtime } from "../render/runtime";
import { measureLanes, type LaneFacts, type SweepMeasure } from "./measure";
import type { HeldRuntime, JobRuntimes } from "./job-runtimes";
import { renderHere } from "./render-here";

/** Where a sweep's audio goes: kept in memory, or one WAV file per point in a folder (created when missing). */
export type SweepAudio = "memory" | { readonly folder: string; readonly bitDepth?: WavBitDepth };

/** Render settings shared by every point. */
export interface SweepRenderSettings {
  readonly frames: number;
  readonly sampleRate: number;
  readonly blockFrames: number;
  readonly threads: number;
  readonly history?: ControlHistory | undefined;
}

/** A point as a job carries it. */
export interface JobPoint {
  /** Index in the sweep. */
  readonly index: number;
  /** Hash of the point's graph (every grid value applied). */
  readonly hash: string;
}

/**
 * A signal parameter's values per lane: `values[i]` for the job's i-th point. The job's graph is
 * shared by every job of its structure, so it carries the values of every swept signal
 * parameter; one is overridden only where a value differs from the graph's own.
 */
export interface JobOverride {
  readonly node: string;
  readonly param: string;
  readonly values: readonly number[];
}

/** What the runtime identity of the sender was; a worker of another build refuses the job. */
export interface JobRuntime {
  readonly packageVersion: string;
  readonly apiVersion: number;
  readonly buildId: string;
}

/** One unit of work (plain JSON). */
export interface SweepJob {
  /** The graph every point of the job renders, with the overrides applied. */
  readonly graph: GraphJSON;
  /**
   * `Graph.hash` of `graph`: a worker reuses a runtime compiled for an earlier job of the same
   * hash (and lanes and settings) instead of compiling the graph again.
   */
  readonly graphHash: string;
  readonly render: SweepRenderSettings;
  readonly measure: SweepMeasure;
  readonly points: readonly JobPoint[];
  /** Every swept signal parameter (packable grid path); empty when the grid sweeps none. */
  readonly overrides: readonly JobOverride[];
  readonly audio?: SweepAudio | undefined;
  readonly runtime?: JobRuntime | undefined;
}

/** The result of one point. */
export interface JobPointResult {
  readonly index: number;
  readonly hash: string;
  readonly measurements: Record<string, number>;
  /** WAV path, when the audio went to a folder. */
  readonly file?: string;
  /** Planar `channels x frames` samples, when the audio is kept in memory. */
  readonly samples?: Float64Array;
  readonly channels: number;
  readonly frames: number;
}

/** WAV file name of a point: index and the first 12 hex digits of its graph hash. */
export function audioFileName(point: JobPoint): string {
  return `point-${String(point.index).padStart(6, "0")}-${point.hash.slice(0, 12)}.wav`;
}

/** The key of the runtimes a job can render with: its graph, lanes, render settings and lane sharing. */
function runtimeKey(job: SweepJob, varying: readonly JobOverride[]): string {
  const { sampleRate, blockFrames, threads } = job.render;
  return JSON.stringify([job.graphHash, job.points.length, sampleRate, blockFrames, threads, varying.map((o) => [o.node, o.param])]);
}

/** Compiles the job's graph for its lanes, declaring lane sharing for the parameters that vary between lanes. */
function compile(job: SweepJob, varying: readonly JobOverride[]): HeldRuntime {
  const { sampleRate, blockFrames, threads } = job.render;
  const runtime = Runtime.create(Graph.fromJSON(job.graph), { sampleRate, batches: job.points.length, blockFrames, threads });
  try {
    // The lanes differ only in the varying parameters: nodes upstream of them (and not
    // downstream of any) render once for every lane, bit-identically (Runtime.shareLanes).
    if (varying.length > 0) runtime.shareLanes(varying.map(({ node, param }) => ({ node, param })));
    const graph = runtime.describe().graph;
    const params = new Map(job.graph.nodes.map((node) => [node.name, node.params]));
    return { runtime, facts: { outputChannels: graph.outputChannels, latencyFrames: graph.latencyFrames, params }, output: undefined };
  } catch (error) {
    runtime.dispose();
    throw error;
  }
}

/**
 * Renders the job's samples: on libuv's thread pool, or on this thread (`here`). Either way into
 * the array kept with the runtime (reused by the next job of the same length: no new array, no
 * page faults), except samples kept in memory, which leave with the results and get an array of
 * their own.
 */
async function renderJob(job: SweepJob, held: HeldRuntime, signal: AbortSignal | undefined, here: boolean): Promise<Float64Array> {
  const { frames, sampleRate, blockFrames, history } = job.render;
  const rows = job.points.length * held.facts.outputChannels;
  const keep = job.audio !== "memory";
  const out = keep ? (held.output?.length === rows * frames ? held.output : new Float64Array(rows * frames)) : undefined;
  if (out !== undefined) held.output = out;
  // Rendering on this thread has no control history (Runtime.renderInto takes none).
  if (!here || history !== undefined) return held.runtime.renderSamples(frames, { history, signal, into: out });
  const target = out ?? new Float64Array(rows * frames);
  await renderHere(held.runtime, { out: target, rows, frames, sampleRate, blockFrames }, signal);
  return target;
}

/**
 * Renders a job and measures each of its points. With `runtimes`, the job renders on a runtime
 * compiled for an earlier job of the same graph, lanes and settings when one is idle there (reset
 * to frame 0, overrides replaced), and gives it back after; the results are the same bits either way.
 * With `here`, the samples render on this thread (see ./render-here.ts: for a thread that has
 * nothing else to do meanwhile, a sweep pool thread), not on libuv's thread pool.
 */
export async function executeJob(job: SweepJob, signal?: AbortSignal, runtimes?: JobRuntimes, here = false): Promise<JobPointResult[]> {
  const lanes = job.points.length;
  const { frames, sampleRate, blockFrames } = job.render;
  const varying = lanes > 1 ? job.overrides.filter((o) => o.values.some((v) => v !== o.values[0])) : [];
  const key = runtimeKey(job, varying);
  const held = runtimes?.take(key) ?? compile(job, varying);
  const { runtime, facts } = held;
  let reusable = false;
  try {
    // A parameter is overridden where some lane's value differs from the graph's own: the others
    // keep the graph's value, as rendering the point's own graph would.
    for (const override of job.overrides) {
      const own = facts.params.get(override.node)?.[override.param];
      if (override.values.every((value) => value === own)) continue;
      const data = new Float64Array(lanes * blockFrames);
      override.values.forEach((value, b) => data.fill(value, b * blockFrames, (b + 1) * blockFrames));
      runtime.setParam(override.node, override.param, data, { batches: lanes, channels: 1, frames: blockFrames });
    }
    const rendered = await renderJob(job, held, signal, here);
    const heat = runtime.heatByBatch();
    const channels = facts.outputChannels;
    const laneLength = channels * frames;
    const folder = typeof job.audio === "object" ? job.audio.folder : undefined;
    if (folder !== undefined) await mkdir(folder, { recursive: true });
    const nodeHeat = job.measure.heat === "nodes" ? Object.entries(heat.nodes) : [];
    const laneFacts: LaneFacts[] = [];
    for (let b = 0; b < lanes; b += 1) {
      const perNode: Record<string, number> = {};
      for (const [name, totals] of nodeHeat) perNode[name] = totals[b] ?? NaN;
      laneFacts.push({ heat: heat.graph[b] ?? NaN, nodeHeat: perNode, latencyFrames: facts.latencyFrames });
    }
    // Every lane measured in one pass (each lane's values are those of measuring it alone).
    const measured = measureLanes({ samples: rendered, shape: { batches: lanes, channels, frames }, sampleRate }, laneFacts, job.measure);
    const out: JobPointResult[] = [];
    for (let b = 0; b < lanes; b += 1) {
      const point = job.points[b] as JobPoint;
      // One lane is the whole array, which nothing else holds: it is handed over without a copy.
      const samples = lanes === 1 ? rendered : rendered.subarray(b * laneLength, (b + 1) * laneLength);
      const measurements = measured[b] as Record<string, number>;
      let file: string | undefined;
      if (folder !== undefined && typeof job.audio === "object") {
        file = join(folder, audioFileName(point));
        await writeWav(file, samples, { channels, sampleRate, bitDepth: job.audio.bitDepth ?? "32f" });
      }
      out.push({
        index: point.index,
        hash: point.hash,
        measurements,
        ...(file === undefined ? {} : { file }),
        ...(job.audio === "memory" ? { samples: lanes === 1 ? samples : samples.slice() } : {}),
        channels,
        frames,
      });
    }
    reusable = true;
    return out;
  } finally {
    // A runtime whose job failed (or was cancelled) is not kept.
    if (reusable && runtimes !== undefined) runtimes.give(key, held);
    else runtime.dispose();
  }
}
