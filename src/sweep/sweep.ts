/**
 * `sweep(graph, options)`: render a graph at every point of a parameter grid and measure each
 * render natively. Points that differ only in signal-parameter values share a render as batch
 * lanes; renders run on a pool of worker threads (each with its own runtime), in this thread, or
 * as BullMQ jobs on Redis served by `amp-kpn worker` processes on any machine. Whatever the
 * packing, the pool size or the machine, every point's samples and measurements are
 * bit-identical to rendering that point's graph alone (same runtime build).
 */
import { availableParallelism } from "node:os";
import { ampError, checkOptionKeys, validationError } from "../errors";
import type { Graph } from "../graph/graph";
import type { AnalysisSignal } from "../analysis/common";
import type { ControlHistory } from "../render/history";
import { checkRenderOption, checkSampleRate } from "../render/limits";
import { resolveFrames } from "../render/render";
import { interruptSignal } from "../render/interrupt";
import { recordRenderedGraph } from "../render/rendered-graphs";
import { cancelledError, checkGraph, checkSignal, Runtime } from "../render/runtime";
import { expandGrid, type GridCombine, type GridSampling, type SweepGrid, type SweepPoint } from "./grid";
import { executeJob, type JobPointResult, type SweepAudio, type SweepJob, type SweepRenderSettings } from "./job";
import { JobRuntimes } from "./job-runtimes";
import { checkMeasure, type SweepMeasure } from "./measure";
import { planJobs } from "./plan";
import { prestartPool, runPool } from "./pool";
import { runDistributed, type PointFailure } from "./distributed";
import { SweepTable, type SweepRow } from "./table";
import { pointGraph, resolveTargets } from "./targets";
import { openResultsFile, type ResultsFile } from "./results-file";
import { runtimeIdentity } from "./runtime-identity";
import { pointHashes } from "./hash";

/** Progress of a sweep: points finished (measured or failed) out of all. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  /** Points taken from the results file (`resultsFile`) rather than rendered; included in `done`. */
  readonly resumed: number;
}

/** A point's audio as the `analyze` callback sees it (one batch), with its parameters. */
export interface SweepSignal extends AnalysisSignal {
  readonly index: number;
  readonly params: SweepPoint;
}

/** Options of {@link sweep}. Give exactly one of `frames` and `seconds`. */
export interface SweepOptions {
  /** The axes: `"node.param"` (JSON or camelCase name) to a list of values or a range `{ from, to, steps, scale? }`. */
  readonly grid: SweepGrid;
  /** How the axes combine: `"cross"` (every combination, first axis slowest; default) or `"zip"` (equal lengths). */
  readonly combine?: GridCombine;
  /** Draw `count` random points (seeded) instead of the grid's combinations. */
  readonly sample?: GridSampling;
  /** Length of each render in frames, integer in [1, 2147483647]. */
  readonly frames?: number;
  /** Length of each render in seconds (`Math.round(seconds * sampleRate)` frames). */
  readonly seconds?: number;
  /** Sample rate in Hz; default the graph's, else 48000. */
  readonly sampleRate?: number;
  /** Largest block in frames, integer in [1, 1048576]; default 512. */
  readonly blockFrames?: number;
  /** Threads of each render, integer in [1, 16]; default 1 (a sweep parallelises across points instead). */
  readonly threads?: number;
  /** Control history of every render (see `render()`). */
  readonly history?: ControlHistory;
  /** What to measure per point; default levels, heat and latency. */
  readonly measure?: SweepMeasure;
  /**
   * Your own measurements, computed in this thread from each point's audio; return numbers by
   * column name. Compute them with the library's native analysis functions. Not available with `redis`.
   */
  readonly analyze?: (signal: SweepSignal) => Readonly<Record<string, number>>;
  /** Keep the audio: `"memory"` (each row's `samples`) or `{ folder, bitDepth? }` (one WAV per point). Default none. */
  readonly audio?: SweepAudio;
  /** Pack points that differ only in signal-parameter values into the batch lanes of one render. Default true. */
  readonly pack?: boolean;
  /** Most points per render when packing, integer in [1, 4096]; default 32. */
  readonly packSize?: number;
  /**
   * Worker threads, integer in [0, 256]: 0 renders in this thread (one render at a time);
   * default the machine's cores (`os.availableParallelism()`), never more than the renders.
   */
  readonly workers?: number;
  /**
   * Bytes the sweep may hold at once (audio kept in memory plus the renders in flight), integer
   * >= 1 MiB; default 2 GiB. Packs shrink to fit; a sweep that cannot fit throws before rendering.
   */
  readonly maxMemoryBytes?: number;
  /** Redis URL (`redis://host:6379`): send the renders as BullMQ jobs to `amp-kpn worker` processes. */
  readonly redis?: string;
  /** BullMQ queue name; default `"amp-kpn-sweep"` (the worker's default). */
  readonly queue?: string;
  /** Cancels the sweep: it rejects with AMP_ERR_CANCELLED. */
  readonly signal?: AbortSignal;
  /**
   * Called after each render with the points finished so far (and once before rendering when
   * points were taken from `resultsFile`).
   */
  readonly onProgress?: (progress: SweepProgress) => void;
  /**
   * A results file (JSON Lines) the sweep appends each finished point to as it finishes. When the
   * file exists, the points it records are taken as they are and only the others render, so an
   * interrupted sweep restarted with the same file resumes where it stopped and returns the table
   * an uninterrupted sweep would. A file written by another sweep (other render settings,
   * measurements, audio or runtime build, or another graph at a recorded point) is refused. Not
   * available with `audio: "memory"` or `analyze`, which need every point's samples in this process.
   */
  readonly resultsFile?: string;
}

const KEYS = [
  "grid",
  "combine",
  "sample",
  "frames",
  "seconds",
  "sampleRate",
  "blockFrames",
  "threads",
  "history",
  "measure",
  "analyze",
  "audio",
  "pack",
  "packSize",
  "workers",
  "maxMemoryBytes",
  "redis",
  "queue",
  "signal",
  "onProgress",
  "resultsFile",
];

const DEFAULT_MEMORY = 2 * 1024 ** 3;
const DEFAULT_PACK = 32;
const SUBJECT = (param: string) => ({ param, label: "sweep option" });

function intOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw validationError(SUBJECT(name), `an integer in [${min}, ${max}]`, value);
  return value;
}

/** True once `signal` has aborted (a function, so the check is not narrowed away across awaits). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** One signal that aborts when any of `signals` does (undefined for none); `release` removes its listeners. */
function anySignal(signals: readonly AbortSignal[]): { signal: AbortSignal | undefined; release: () => void } {
  if (signals.length <= 1) return { signal: signals[0], release: () => undefined };
  const controller = new AbortController();
  const listeners = signals.map((s) => {
    const listener = () => controller.abort(s.reason);
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", listener, { once: true });
    return () => s.removeEventListener("abort", listener);
  });
  return { signal: controller.signal, release: () => listeners.forEach((remove) => remove()) };
}

function checkAudio(audio: unknown): SweepAudio | undefined {
  if (audio === undefined || audio === "memory") return audio;
  const ok =
    typeof audio === "object" &&
    audio !== null &&
    typeof (audio as { folder?: unknown }).folder === "string" &&
    (audio as { folder: string }).folder !== "" &&
    Object.keys(audio).every((k) => k === "folder" || k === "bitDepth") &&
    [undefined, "32f", "16", "24"].includes((audio as { bitDepth?: string }).bitDepth);
  if (!ok) throw validationError(SUBJECT("audio"), '"memory" or { folder: string, bitDepth?: "32f" | "16" | "24" }', audio);
  return audio as SweepAudio;
}

/** Runs the jobs remotely, in this thread or on the pool. */
async function dispatch(
  jobs: readonly SweepJob[],
  how: {
    redis: string | undefined;
    queue: string;
    workers: number;
    signal: AbortSignal | undefined;
    onResults: (list: readonly (JobPointResult | PointFailure)[]) => void;
  },
): Promise<void> {
  const { signal, onResults } = how;
  if (isAborted(signal)) throw cancelledError(signal?.reason);
  if (how.redis !== undefined) {
    await runDistributed(jobs, { url: how.redis, queue: how.queue }, onResults, signal);
  } else if (how.workers === 0 || jobs.length === 1) {
    // Jobs of one graph render on one compiled runtime, reset between them.
    const runtimes = new JobRuntimes(1);
    try {
      for (const job of jobs) {
        if (isAborted(signal)) throw cancelledError(signal?.reason);
        onResults(await executeJob(job, signal, runtimes));
      }
    } finally {
      runtimes.clear();
    }
  } else {
    await runPool(jobs, how.workers, onResults, signal);
  }
}

/**
 * Renders `graph` at every point of a grid and measures each render natively.
 *
 * ```ts
 * const table = await sweep(g, {
 *   grid: { "lp.frequency": [250, 500, 1000], "osc.amplitude": { from: 0.1, to: 1, steps: 4 } },
 *   seconds: 1,
 *   measure: { centroid: true },
 * });
 * plot.sweep(table, "lp.frequency", "centroidHz");
 * ```
 * @param graph - a graph with an output
 * @param options - grid, render length and settings, measurements, audio, packing, workers or Redis, cancellation, progress
 * @returns one row per point, in grid order
 */
export async function sweep(graph: Graph, options: SweepOptions): Promise<SweepTable> {
  checkGraph(graph);
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw validationError({ param: "options", label: "argument" }, "an object { grid, frames | seconds, ... }", options);
  checkOptionKeys({ label: "sweep option" }, options, KEYS, "sweep()");
  checkSignal(options.signal);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw validationError(SUBJECT("onProgress"), "a function", options.onProgress);
  if (options.analyze !== undefined && typeof options.analyze !== "function")
    throw validationError(SUBJECT("analyze"), "a function", options.analyze);
  if (options.pack !== undefined && typeof options.pack !== "boolean") throw validationError(SUBJECT("pack"), "a boolean", options.pack);
  const sampleRate = options.sampleRate === undefined ? (graph.sampleRate ?? 48000) : checkSampleRate(options.sampleRate);
  const frames = resolveFrames(options, sampleRate);
  const blockFrames = checkRenderOption("blockFrames", options.blockFrames ?? 512);
  const threads = checkRenderOption("threads", options.threads ?? 1);
  const packSize = intOption("packSize", options.packSize, 1, 4096, DEFAULT_PACK);
  const maxMemory = intOption("maxMemoryBytes", options.maxMemoryBytes, 1024 ** 2, Number.MAX_SAFE_INTEGER, DEFAULT_MEMORY);
  const audio = checkAudio(options.audio);
  const measure = checkMeasure(options.measure);
  const redis = options.redis;
  if (redis !== undefined && (typeof redis !== "string" || !/^rediss?:\/\//.test(redis)))
    throw validationError(SUBJECT("redis"), "a Redis URL such as redis://127.0.0.1:6379", redis);
  if (redis !== undefined && options.analyze !== undefined)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      'sweep option "analyze" runs in this process and cannot be sent to workers: use "measure" with "redis"',
      {
        stage: "sweep",
      },
    );
  if (redis !== undefined && audio === "memory")
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      'sweep option "audio": "memory" cannot travel through Redis; give { folder } on a shared file system',
      {
        stage: "sweep",
      },
    );
  const resultsPath = options.resultsFile;
  if (resultsPath !== undefined && (typeof resultsPath !== "string" || resultsPath === ""))
    throw validationError(SUBJECT("resultsFile"), "a file path", resultsPath);
  if (resultsPath !== undefined && (audio === "memory" || options.analyze !== undefined))
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `sweep option "resultsFile" cannot keep audio in memory or ${"`analyze`"} columns: they need every point's samples in this process; write WAV files (audio: { folder }) and measure with "measure"`,
      { stage: "sweep" },
    );
  const queue = options.queue ?? "amp-kpn-sweep";
  if (typeof queue !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(queue))
    throw validationError(SUBJECT("queue"), "1 to 100 letters, digits, '-' or '_'", queue);

  if (options.sample !== undefined && options.combine !== undefined)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      'sweep options "sample" and "combine" exclude each other: sampled points draw every axis independently',
      {
        stage: "sweep",
      },
    );
  const points = expandGrid(options.grid, options.combine ?? "cross", options.sample);
  const cores = availableParallelism();
  const workers = redis !== undefined ? 0 : intOption("workers", options.workers, 0, 256, cores);
  // Threads load the library while this thread plans the sweep.
  if (workers > 0 && points.length > 1) prestartPool(Math.min(workers, points.length));
  const targets = resolveTargets(graph, points);
  const graphs = points.map((p) => pointGraph(graph, targets, p));
  const hashes = pointHashes(graphs);

  // Compile the first point once: it checks the graph and gives the output's channels.
  const probe = Runtime.create(graphs[0] as Graph, { sampleRate, blockFrames });
  let channels: number;
  try {
    channels = probe.describe().graph.outputChannels;
  } finally {
    probe.dispose();
  }
  const laneBytes = channels * frames * 8;
  const keepSamples = audio === "memory" || options.analyze !== undefined;
  if (keepSamples && laneBytes * points.length > maxMemory)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `sweep: keeping the audio of ${points.length} points needs ${laneBytes * points.length} bytes (${channels} channels x ${frames} frames x 8 bytes each), more than maxMemoryBytes ${maxMemory}; write WAV files (audio: { folder }) or sweep fewer points`,
      { stage: "sweep" },
    );
  const parallel = Math.max(1, workers);
  // Renders in flight hold their samples and one lane copy each.
  const budget = maxMemory - (keepSamples ? laneBytes * points.length : 0);
  const fitting = Math.floor(budget / (parallel * 2 * laneBytes));
  if (fitting < 1)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `sweep: one render of ${channels} channels x ${frames} frames on each of ${parallel} workers needs ${parallel * 2 * laneBytes} bytes, more than maxMemoryBytes ${maxMemory} allows`,
      { stage: "sweep" },
    );
  const settings: SweepRenderSettings = {
    frames,
    sampleRate,
    blockFrames,
    threads,
    ...(options.history === undefined ? {} : { history: options.history }),
  };
  // Points recorded by an earlier run of this sweep are taken as they are.
  let file: ResultsFile | undefined;
  if (resultsPath !== undefined) {
    const identity = { paths: Object.keys(points[0] ?? {}), settings, measure, audio: audio ?? null, runtime: runtimeIdentity() };
    file = openResultsFile(resultsPath, identity, hashes, channels, frames);
  }
  const resumed = file?.recorded.size ?? 0;
  const jobs: SweepJob[] = planJobs({
    graphs,
    hashes,
    points,
    targets,
    settings,
    measure,
    audio: keepSamples ? "memory" : audio,
    pack: options.pack ?? true,
    packSize: Math.min(packSize, fitting),
    parallel,
    ...(file === undefined ? {} : { skip: new Set(file.recorded.keys()) }),
  });

  const results = new Map<number, JobPointResult | PointFailure>(file?.recorded ?? []);
  const onResults = (list: readonly (JobPointResult | PointFailure)[]) => {
    const fresh = list.filter((r) => !results.has(r.index));
    for (const r of fresh) results.set(r.index, r);
    file?.record(fresh.filter((r): r is JobPointResult => !("error" in r)));
    options.onProgress?.({ done: results.size, total: points.length, resumed });
  };
  if (resumed > 0) options.onProgress?.({ done: resumed, total: points.length, resumed });
  // The caller's signal and the host interrupt signal (a kernel interrupt) both cancel, in
  // worker threads and on remote workers too.
  const signals = [options.signal, interruptSignal()].filter((x): x is AbortSignal => x !== undefined);
  const { signal, release } = anySignal(signals);
  try {
    if (jobs.length > 0) await dispatch(jobs, { redis, queue, workers, signal, onResults });
  } finally {
    release();
    file?.close();
  }
  if (isAborted(signal)) throw cancelledError(signal?.reason);

  const rows: SweepRow[] = points.map((params, index) => {
    const r = results.get(index);
    const graphHash = hashes[index] as string;
    if (r === undefined) return { index, params, graphHash, measurements: {}, error: "no result" };
    if ("error" in r) return { index, params, graphHash, measurements: {}, error: r.error };
    // Renders in worker threads or on other machines are recorded here, in the caller's session,
    // in point order (whatever order they finished in).
    recordRenderedGraph(graphHash);
    let measurements = r.measurements;
    if (options.analyze !== undefined && r.samples !== undefined) {
      const own = options.analyze({
        index,
        params,
        samples: r.samples,
        shape: { batches: 1, channels: r.channels, frames: r.frames },
        sampleRate,
      });
      if (typeof own !== "object" || own === null)
        throw validationError(SUBJECT("analyze"), "a function returning { column: number }", own);
      measurements = { ...measurements, ...own };
    }
    return {
      index,
      params,
      graphHash,
      measurements,
      ...(r.file === undefined ? {} : { file: r.file }),
      ...(audio === "memory" && r.samples !== undefined ? { samples: r.samples } : {}),
    };
  });
  return new SweepTable(Object.keys(points[0] ?? {}), rows);
}
