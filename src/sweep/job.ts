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

/** A per-lane parameter override: `values[i]` for the job's i-th point. */
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
  readonly graph: GraphJSON;
  readonly render: SweepRenderSettings;
  readonly measure: SweepMeasure;
  readonly points: readonly JobPoint[];
  /** Empty for a single point rendered from its own graph. */
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

/** Renders a job and measures each of its points. */
export async function executeJob(job: SweepJob, signal?: AbortSignal): Promise<JobPointResult[]> {
  const lanes = job.points.length;
  const { frames, sampleRate, blockFrames, threads } = job.render;
  const runtime = Runtime.create(Graph.fromJSON(job.graph), { sampleRate, batches: lanes, blockFrames, threads });
  try {
    // The lanes differ only in the overridden parameters: nodes upstream of them (and not
    // downstream of any) render once for every lane, bit-identically (Runtime.shareLanes).
    if (lanes > 1 && job.overrides.length > 0) runtime.shareLanes(job.overrides.map(({ node, param }) => ({ node, param })));
    for (const override of job.overrides) {
      const data = new Float64Array(lanes * blockFrames);
      override.values.forEach((value, b) => data.fill(value, b * blockFrames, (b + 1) * blockFrames));
      runtime.setParam(override.node, override.param, data, { batches: lanes, channels: 1, frames: blockFrames });
    }
    const result = await runtime.render(frames, { history: job.render.history, signal });
    const heat = runtime.heatByBatch();
    const channels = result.shape.channels;
    const laneLength = channels * frames;
    const folder = typeof job.audio === "object" ? job.audio.folder : undefined;
    if (folder !== undefined) await mkdir(folder, { recursive: true });
    const nodes = Object.entries(heat.nodes);
    const facts: LaneFacts[] = [];
    for (let b = 0; b < lanes; b += 1) {
      const nodeHeat: Record<string, number> = {};
      for (const [name, totals] of nodes) nodeHeat[name] = totals[b] ?? NaN;
      facts.push({ heat: heat.graph[b] ?? NaN, nodeHeat, latencyFrames: result.summary.latencyFrames });
    }
    // Every lane measured in one pass (each lane's values are those of measuring it alone).
    const measured = measureLanes({ samples: result.samples, shape: { batches: lanes, channels, frames }, sampleRate }, facts, job.measure);
    const out: JobPointResult[] = [];
    for (let b = 0; b < lanes; b += 1) {
      const point = job.points[b] as JobPoint;
      const samples = result.samples.subarray(b * laneLength, (b + 1) * laneLength);
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
        ...(job.audio === "memory" ? { samples: samples.slice() } : {}),
        channels,
        frames,
      });
    }
    return out;
  } finally {
    runtime.dispose();
  }
}
