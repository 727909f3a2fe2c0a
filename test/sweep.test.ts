// sweep(): grids, batch packing, the worker-thread pool, measurements, audio, progress,
// cancellation and bad input, against points rendered alone (needs the addon and dist/).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmpError, expandGrid, plot, readWav, renderedGraphs, sweep, SweepTable } from "../src/index";
import { ensureDist } from "./helpers/dist";
import { FRAMES, GRID, referencePoint, sweepGraph } from "./helpers/sweep-graph";

const base = sweepGraph();
const points = expandGrid(GRID);
let references: Awaited<ReturnType<typeof referencePoint>>[] = [];
const dir = mkdtempSync(join(tmpdir(), "amp-sweep-"));

beforeAll(async () => {
  ensureDist();
  references = [];
  for (const p of points) references.push(await referencePoint(base, p));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MEASURE = { heat: "nodes", centroid: { size: 1024 } } as const;

describe("sweep: results equal points rendered alone", () => {
  for (const pack of [true, false]) {
    for (const workers of [0, 1, 2]) {
      it(`64 points, pack ${pack}, workers ${workers}: bit-identical audio and measurements`, async () => {
        const table = await sweep(base, { grid: GRID, frames: FRAMES, pack, workers, measure: MEASURE, audio: "memory" });
        expect(table.rows).toHaveLength(64);
        table.rows.forEach((row, i) => {
          const ref = references[i]!;
          expect(row.index).toBe(i);
          expect(row.params).toEqual(points[i]);
          expect(row.graphHash).toBe(ref.hash);
          expect(row.error).toBeUndefined();
          expect(row.samples).toEqual(ref.samples);
          expect(row.measurements).toEqual(ref.m);
        });
      });
    }
  }

  it("packing really shares renders: one render per static combination when packSize allows", async () => {
    const calls: number[] = [];
    const table = await sweep(base, { grid: GRID, frames: 64, workers: 0, packSize: 16, onProgress: (p) => calls.push(p.done) });
    expect(table.rows).toHaveLength(64);
    // 4 static combinations (rc.resistance x osc.phase), each 16 points packed into one render.
    expect(calls).toEqual([16, 32, 48, 64]);
    const unpacked: number[] = [];
    await sweep(base, { grid: GRID, frames: 64, workers: 0, pack: false, onProgress: (p) => unpacked.push(p.done) });
    expect(unpacked).toHaveLength(64);
  });

  it("records each point's graph in the session's rendered graphs, also when a worker thread rendered it", async () => {
    const grid = { "osc.frequency": [1234.5, 2345.5], "rc.resistance": [7.5] };
    const table = await sweep(base, { grid, frames: 64, workers: 2, pack: false });
    for (const row of table.rows) expect(renderedGraphs()).toContain(row.graphHash);
  });

  it("writes one WAV per point that reads back as the point's samples", async () => {
    const folder = join(dir, "wav");
    const grid = { "osc.frequency": [220, 440, 880], "rc.resistance": [5, 20] };
    const table = await sweep(base, { grid, frames: FRAMES, workers: 2, audio: { folder } });
    expect(readdirSync(folder).sort()).toEqual(table.rows.map((r) => r.file!.slice(folder.length + 1)).sort());
    for (const row of table.rows) {
      const wav = await readWav(row.file!);
      const ref = await referencePoint(base, row.params);
      expect(wav.channels).toBe(1);
      expect(Array.from(wav.samples)).toEqual(Array.from(ref.samples, (v) => Math.fround(v)));
    }
    expect(table.columns).toContain("file");
  });
});

describe("sweep: grids", () => {
  it("crosses with the first axis slowest, zips, and ranges with exact endpoints", () => {
    expect(expandGrid({ a: [1, 2], b: ["x", "y", "z"] }).map((p) => `${p.a}${p.b}`)).toEqual(["1x", "1y", "1z", "2x", "2y", "2z"]);
    expect(expandGrid({ a: [1, 2], b: [3, 4] }, "zip")).toEqual([
      { a: 1, b: 3 },
      { a: 2, b: 4 },
    ]);
    expect(expandGrid({ f: { from: 100, to: 400, steps: 4 } }).map((p) => p.f)).toEqual([100, 200, 300, 400]);
    const log = expandGrid({ f: { from: 100, to: 10000, steps: 3, scale: "log" } }).map((p) => p.f as number);
    expect(log[0]).toBe(100);
    expect(log[1]).toBeCloseTo(1000, 9);
    expect(log[2]).toBe(10000);
  });

  it("random samples are reproducible from the seed and stay in range", () => {
    const grid = { f: { from: 100, to: 200 }, w: ["a", "b", "c"] } as const;
    const a = expandGrid(grid, "cross", { count: 50, seed: 7 });
    const b = expandGrid(grid, "cross", { count: 50, seed: 7 });
    const c = expandGrid(grid, "cross", { count: 50, seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const p of a) {
      expect(p.f as number).toBeGreaterThanOrEqual(100);
      expect(p.f as number).toBeLessThanOrEqual(200);
      expect(["a", "b", "c"]).toContain(p.w);
    }
    expect(new Set(a.map((p) => p.w)).size).toBe(3);
    const stepped = expandGrid({ f: { from: 100, to: 400, steps: 4 } }, "cross", { count: 40, seed: 3 }).map((p) => p.f);
    expect(new Set(stepped)).toEqual(new Set([100, 200, 300, 400]));
    expect(() => expandGrid(grid, "cross", { count: 2, seed: 1, n: 3 } as never)).toThrow(/n/);
  });

  it("a sampled sweep renders its points", async () => {
    const table = await sweep(base, {
      grid: { "osc.frequency": { from: 200, to: 2000 } },
      sample: { count: 5, seed: 1 },
      frames: 256,
      workers: 0,
    });
    expect(table.rows.map((r) => r.params["osc.frequency"])).toEqual(
      expandGrid({ f: { from: 200, to: 2000 } }, "cross", { count: 5, seed: 1 }).map((p) => p.f),
    );
  });
});

describe("sweep: table, figure, progress and cancellation", () => {
  it("prints as a table, exports CSV and plots a measurement against a parameter", async () => {
    const table = await sweep(base, {
      grid: { "osc.frequency": [220, 440], "rc.resistance": [5, 20] },
      frames: 2048,
      workers: 0,
      measure: { centroid: true },
    });
    expect(table).toBeInstanceOf(SweepTable);
    const bundle = table[Symbol.for("Jupyter.display") as never] as unknown as () => Record<string, string>;
    const mime = bundle.call(table);
    expect(mime["text/html"]).toContain("<table");
    expect(mime["text/html"]).toContain("centroidHz");
    expect(mime["text/plain"]).toContain("SweepTable: 4 points");
    const csv = table.toCSV().trim().split("\n");
    expect(csv[0]).toBe("index,osc.frequency,rc.resistance,graphHash,peak,rms,dc,crestDb,heat,latencyFrames,centroidHz");
    expect(csv).toHaveLength(5);
    expect(csv[1]!.split(",")[10]).toBe(String(table.rows[0]!.measurements["centroidHz"]));
    const fig = plot.sweep(table, "osc.frequency", "centroidHz", { color: "rc.resistance" });
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0]!["x"]).toEqual([220, 440]);
    expect(fig.data[0]!["y"]).toEqual([table.rows[0]!.measurements["centroidHz"], table.rows[2]!.measurements["centroidHz"]]);
    expect(() => plot.sweep(table, "osc.frequency", "nope")).toThrow(/column of the table/);
  });

  it("reports progress up to the total and cancels with AMP_ERR_CANCELLED", async () => {
    const seen: number[] = [];
    await sweep(base, {
      grid: { "osc.frequency": [1, 2, 3, 4, 5, 6] },
      frames: 64,
      pack: false,
      workers: 2,
      onProgress: (p) => seen.push(p.done),
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    for (const workers of [0, 2]) {
      const controller = new AbortController();
      const run = sweep(base, {
        grid: { "osc.frequency": Array.from({ length: 40 }, (_, i) => 100 + i) },
        frames: 200_000,
        pack: false,
        workers,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await expect(run).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
    }
  });

  it("a job that fails on a pool rejects the sweep with its error, and the threads serve the next sweep", async () => {
    // Every point fails measuring (a centroid frame longer than the render); each thread holds a
    // queued job when the first failure arrives, and drops it.
    const grid = { "osc.frequency": Array.from({ length: 24 }, (_, i) => 100 + i) };
    const failing = sweep(base, { grid, frames: 64, pack: false, workers: 2, measure: { centroid: { size: 1024 } } });
    await expect(failing).rejects.toMatchObject({ code: "AMP_ERR_INVALID_ARGUMENT", message: expect.stringMatching(/"size".*1024/) });
    const table = await sweep(base, { grid, frames: 64, pack: false, workers: 2 });
    expect(table.rows.map((r) => r.error)).toEqual(grid["osc.frequency"].map(() => undefined));
    expect(table.rows.map((r) => r.index)).toEqual(grid["osc.frequency"].map((_, i) => i));
  });

  it("an analyze callback adds columns computed from each point's audio", async () => {
    const table = await sweep(base, {
      grid: { "osc.frequency": [220, 440] },
      frames: 1024,
      workers: 0,
      analyze: (s) => ({ frames: s.shape.frames, first: s.samples[1] as number }),
    });
    const ref = await referencePoint(base, { "osc.frequency": 440 });
    expect(table.rows[1]!.measurements["first"]).toBe(ref.samples[1]);
    expect(table.rows[1]!.samples).toBeUndefined();
  });
});

describe("sweep: bad input", () => {
  const run = (options: Record<string, unknown>) => sweep(base, { frames: 64, workers: 0, ...options } as never);
  it("names an unknown node, an unknown parameter and a bad value", async () => {
    await expect(run({ grid: { "nope.frequency": [1] } })).rejects.toThrow(/"nope.frequency".*names no node.*nodes: lfo, osc, rc, out/);
    await expect(run({ grid: { "osc.pitch": [1] } })).rejects.toThrow(/osc.*pitch.*is not a parameter of sine_osc/);
    await expect(run({ grid: { "out.limit": [0.5, -1] } })).rejects.toThrow(/out.*limit/);
  });
  it("refuses an empty grid, an empty axis and zipped axes of unequal lengths", async () => {
    await expect(run({ grid: {} })).rejects.toThrow(/grid" is empty/);
    await expect(run({ grid: { "osc.frequency": [] } })).rejects.toThrow(/osc.frequency.*non-empty list/);
    await expect(run({ grid: { "osc.frequency": [1, 2], "out.limit": [1] }, combine: "zip" })).rejects.toThrow(/zipped axes/);
    await expect(run({ grid: { "osc.frequency": [1, 2] }, combine: "zip", sample: { count: 2, seed: 1 } })).rejects.toThrow(
      /exclude each other/,
    );
  });
  it("refuses a grid too large for the declared memory before rendering", async () => {
    const error = await run({
      grid: { "osc.frequency": { from: 1, to: 1000, steps: 1000 } },
      frames: 48000,
      audio: "memory",
      maxMemoryBytes: 64 * 1024 ** 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmpError);
    expect((error as AmpError).message).toMatch(/keeping the audio of 1000 points needs 384000000 bytes.*maxMemoryBytes 67108864/);
  });
  it("refuses unknown options and a malformed redis URL", async () => {
    await expect(run({ grid: { "osc.frequency": [1] }, batches: 2 })).rejects.toThrow(/batches/);
    await expect(run({ grid: { "osc.frequency": [1] }, redis: "localhost:6379" })).rejects.toThrow(/Redis URL/);
  });
  it("an unreachable Redis fails with a clear error, without hanging", async () => {
    await expect(run({ grid: { "osc.frequency": [1] }, redis: "redis://127.0.0.1:1" })).rejects.toThrow(
      /cannot reach Redis at redis:\/\/127.0.0.1:1/,
    );
  });
});
