// Sweep jobs of one graph render on one compiled runtime, reset between them
// (src/sweep/job-runtimes.ts): no state may leak from one point to the next. The graph carries
// state every way it can: an LFO's phase and smoothing, a biquad's memory, a delay line inside a
// feedback loop, and heat totals. Whatever the order the points come in, every row must equal
// the point rendered alone (needs the addon and dist/).
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { biquad, delay, gain, graph, lfo, mix, Runtime, safety, sineOsc, sweep, type Graph, type SweepPoint } from "../src/index";
import { executeJob, type SweepJob } from "../src/sweep/job";
import { JobRuntimes } from "../src/sweep/job-runtimes";
import { ensureDist } from "./helpers/dist";
import { FRAMES, pointGraphOf, referencePoint } from "./helpers/sweep-graph";

/** lfo -> osc.frequency; osc -> sum -> lp -> out, and lp -> fbd (delay) -> fb (gain) -> sum: a feedback loop. */
function stateful(): Graph {
  return graph()
    .add("lfo", lfo({ rateHz: 3, depth: 150, slewMs: 2 }))
    .add("osc", sineOsc({ frequency: 300, amplitude: 0.6 }))
    .add("sum", mix())
    .add("lp", biquad({ frequency: 1500, q: 0.9 }))
    .add("fbd", delay({ frames: 61 }))
    .add("fb", gain({ gain: 0.45 }))
    .add("out", safety({ limit: 0.9 }))
    .modulate("lfo", "osc.frequency", { mode: "add" })
    .chain("osc", "sum", "lp", "out")
    .chain("lp", "fbd", "fb", "sum")
    .output("out");
}

// Three signal axes (one runtime per delay length) and a static one (two graph structures).
const GRID = { "lfo.rateHz": [1.5, 7], "fb.gain": [0.3, 0.6], "lp.frequency": [800, 2400], "fbd.frames": [61, 97] };
const reversed = Object.fromEntries(Object.entries(GRID).map(([path, values]) => [path, [...values].reverse()]));
const permuted = Object.fromEntries(Object.entries(GRID).reverse());
const MEASURE = { heat: "nodes", centroid: { size: 1024 } } as const;

const references = new Map<string, Awaited<ReturnType<typeof referencePoint>>>();
const keyOf = (point: SweepPoint) => JSON.stringify(Object.keys(GRID).map((path) => point[path]));

beforeAll(async () => {
  ensureDist();
  for (const rate of GRID["lfo.rateHz"])
    for (const fb of GRID["fb.gain"])
      for (const cutoff of GRID["lp.frequency"])
        for (const frames of GRID["fbd.frames"]) {
          const point = { "lfo.rateHz": rate, "fb.gain": fb, "lp.frequency": cutoff, "fbd.frames": frames };
          references.set(keyOf(point), await referencePoint(stateful(), point));
        }
}, 120_000);

afterEach(() => vi.restoreAllMocks());

describe("sweep: a runtime reused across points leaks no state", () => {
  for (const [name, grid] of Object.entries({ "grid order": GRID, "every axis reversed": reversed, "axes permuted": permuted })) {
    for (const pack of [false, true]) {
      for (const workers of [0, 2]) {
        it(`${name}, pack ${pack}, workers ${workers}: every row equals its point rendered alone`, async () => {
          const table = await sweep(stateful(), { grid, frames: FRAMES, pack, packSize: 2, workers, measure: MEASURE, audio: "memory" });
          expect(table.rows).toHaveLength(16);
          for (const row of table.rows) {
            const ref = references.get(keyOf(row.params))!;
            expect(row.error).toBeUndefined();
            expect(row.graphHash).toBe(ref.hash);
            expect(row.samples).toEqual(ref.samples);
            expect(row.measurements).toEqual(ref.m);
          }
        });
      }
    }
  }

  it("in this thread, one runtime per graph structure renders every point of it", async () => {
    const created = vi.spyOn(Runtime, "create");
    const resets = vi.spyOn(Runtime.prototype, "reset");
    const table = await sweep(stateful(), { grid: GRID, frames: FRAMES, pack: false, workers: 0 });
    expect(table.rows).toHaveLength(16);
    // The probe that reads the output's channels, then one compile per delay length.
    expect(created).toHaveBeenCalledTimes(3);
    // Every point after the first of its structure starts from a reset.
    expect(resets).toHaveBeenCalledTimes(14);
  });
});

describe("executeJob with kept runtimes", () => {
  const base = pointGraphOf(stateful(), { "fbd.frames": 97, "lfo.rateHz": 1.5, "fb.gain": 0.3, "lp.frequency": 800 });
  const points: SweepPoint[] = [
    { "lfo.rateHz": 7, "fb.gain": 0.6, "lp.frequency": 2400, "fbd.frames": 97 },
    { "lfo.rateHz": 1.5, "fb.gain": 0.3, "lp.frequency": 800, "fbd.frames": 97 },
    { "lfo.rateHz": 7, "fb.gain": 0.3, "lp.frequency": 800, "fbd.frames": 97 },
  ];
  const job = (point: SweepPoint, index: number): SweepJob => ({
    graph: base.toJSON(),
    graphHash: base.hash,
    render: { frames: FRAMES, sampleRate: 48000, blockFrames: 512, threads: 1 },
    measure: MEASURE,
    points: [{ index, hash: pointGraphOf(base, point).hash }],
    overrides: [
      { node: "lfo", param: "rate_hz", values: [point["lfo.rateHz"] as number] },
      { node: "fb", param: "gain", values: [point["fb.gain"] as number] },
      { node: "lp", param: "frequency", values: [point["lp.frequency"] as number] },
    ],
    audio: "memory",
  });

  it("reuses the runtime of the previous job of the same graph, in any order, and each result equals the point alone", async () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2, 1, 0],
    ]) {
      const runtimes = new JobRuntimes(1);
      const taken = vi.spyOn(runtimes, "take");
      try {
        for (const i of order) {
          const point = points[i]!;
          const [result] = await executeJob(job(point, i), undefined, runtimes);
          const ref = references.get(keyOf(point))!;
          expect(result!.samples).toEqual(ref.samples);
          expect(result!.measurements).toEqual(ref.m);
        }
      } finally {
        runtimes.clear();
      }
      // Every job after the first found the runtime the one before gave back.
      expect(taken.mock.results.map((r) => r.value !== undefined)).toEqual(order.map((_, k) => k > 0));
    }
  });

  it("renders jobs without audio in memory into the kept runtime's one array, and each result equals the point alone", async () => {
    const runtimes = new JobRuntimes(1);
    const rendered = vi.spyOn(Runtime.prototype, "renderSamples");
    try {
      for (const i of [0, 1, 2, 0]) {
        const point = points[i]!;
        const { audio: _memory, ...noAudio } = job(point, i);
        const [result] = await executeJob(noAudio, undefined, runtimes);
        expect(result!.samples).toBeUndefined();
        expect(result!.measurements).toEqual(references.get(keyOf(point))!.m);
      }
      const arrays = rendered.mock.calls.map(([, options]) => options?.into);
      expect(arrays).toHaveLength(4);
      expect(arrays[0]).toBeInstanceOf(Float64Array);
      for (const array of arrays) expect(array).toBe(arrays[0]);
      // The array each render resolved with is the kept one.
      for (const call of rendered.mock.results) expect(await call.value).toBe(arrays[0]);
    } finally {
      runtimes.clear();
      rendered.mockRestore();
    }
  });

  it("drops the runtime of a failed job, and keeps at most `capacity` idle runtimes", async () => {
    const runtimes = new JobRuntimes(1);
    try {
      // A centroid frame longer than the render fails measuring, after the render.
      const failing = { ...job(points[0]!, 0), measure: { centroid: { size: FRAMES * 2 } } };
      await expect(executeJob(failing, undefined, runtimes)).rejects.toMatchObject({ code: "AMP_ERR_INVALID_ARGUMENT" });
      const taken = vi.spyOn(runtimes, "take");
      await executeJob(job(points[1]!, 1), undefined, runtimes);
      expect(taken.mock.results[0]!.value).toBeUndefined();
      // Another graph replaces the kept runtime (capacity 1): the first graph compiles again.
      const other = pointGraphOf(base, { "fbd.frames": 61 });
      await executeJob({ ...job(points[1]!, 1), graph: other.toJSON(), graphHash: other.hash }, undefined, runtimes);
      await executeJob(job(points[2]!, 2), undefined, runtimes);
      expect(taken.mock.results.map((r) => r.value !== undefined)).toEqual([false, false, false]);
    } finally {
      runtimes.clear();
    }
  });
});

describe("Runtime.renderSamples", () => {
  it("gives the samples render() gives, continues the stream, and cancels (resetting to frame 0)", async () => {
    const g = stateful();
    const lean = Runtime.create(g, { batches: 2 });
    const full = Runtime.create(g, { batches: 2 });
    try {
      for (const frames of [1000, 777]) {
        const samples = await lean.renderSamples(frames);
        const result = await full.render(frames);
        expect(samples).toEqual(result.samples);
      }
      expect(lean.heatByBatch().graph).toEqual(full.heatByBatch().graph);
      const controller = new AbortController();
      const run = lean.renderSamples(2_000_000, { signal: controller.signal });
      controller.abort();
      await expect(run).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
      expect(lean.describe().graph.framesRendered).toBe(0);
      await expect(lean.renderSamples(0)).rejects.toMatchObject({ code: "AMP_ERR_INVALID_ARGUMENT" });
    } finally {
      lean.dispose();
      full.dispose();
    }
  });

  it("writes into the array given as `into` (no new array), and refuses one of the wrong length", async () => {
    const g = stateful();
    const lean = Runtime.create(g, { batches: 2 });
    const full = Runtime.create(g, { batches: 2 });
    try {
      const into = new Float64Array(2 * 500).fill(Number.NaN);
      for (let k = 0; k < 3; k += 1) {
        const samples = await lean.renderSamples(500, { into });
        expect(samples).toBe(into);
        expect(samples).toEqual((await full.render(500)).samples);
      }
      await expect(lean.renderSamples(499, { into })).rejects.toMatchObject({ code: "AMP_ERR_INVALID_ARGUMENT" });
      await expect(lean.renderSamples(500, { into: [] as unknown as Float64Array })).rejects.toMatchObject({
        code: "AMP_ERR_INVALID_ARGUMENT",
      });
      // A refused call renders nothing.
      expect(lean.describe().graph.framesRendered).toBe(1500);
    } finally {
      lean.dispose();
      full.dispose();
    }
  });
});
