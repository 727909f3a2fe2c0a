// Lane sharing (Runtime.shareLanes, used by sweep() when it packs points): nodes outside the
// downstream cone of the lane-varying parameters render once for every lane. A sweep of a
// lowpass after a source bank must still give every point exactly what rendering it alone gives
// (samples, heat per node, taps), and what would break that is refused with a named error.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { biquad, graph, mix, render, Runtime, safety, sineOsc, sweep, type Graph } from "../src/index";
import { ensureDist } from "./helpers/dist";
import { pointGraphOf, sweepGraph } from "./helpers/sweep-graph";
import { pointHashes } from "../src/sweep/hash";

const FRAMES = 2000;
const CUTOFFS = [300, 600, 1200, 2400, 4800, 9600];

/** Three sines (one modulated by an LFO) mixed, a swept lowpass, a safety at the output. */
function bankGraph(): Graph {
  return graph()
    .add("lfo", sineOsc({ frequency: 4, amplitude: 30 }))
    .add("a", sineOsc({ frequency: 220, amplitude: 0.6 }))
    .add("b", sineOsc({ frequency: 331, amplitude: 0.5 }))
    .add("c", sineOsc({ frequency: 1750, amplitude: 0.4 }))
    .add("sum", mix())
    .add("lp", biquad({ frequency: 1000 }))
    .add("out", safety({ limit: 0.7 }))
    .modulate("lfo", "a.frequency", { mode: "add" })
    .connect("a", "sum")
    .connect("b", "sum")
    .connect("c", "sum")
    .chain("sum", "lp", "out")
    .output("out");
}

function laneTensor(values: readonly number[], block: number): Float64Array {
  const data = new Float64Array(values.length * block);
  values.forEach((v, b) => data.fill(v, b * block, (b + 1) * block));
  return data;
}

async function packedRuntime(share: boolean): Promise<Runtime> {
  const rt = Runtime.create(bankGraph(), { batches: CUTOFFS.length, blockFrames: 128 });
  if (share) rt.shareLanes([{ node: "lp", param: "frequency" }]);
  rt.setParam("lp", "frequency", laneTensor(CUTOFFS, 128), { batches: CUTOFFS.length, channels: 1, frames: 128 });
  return rt;
}

beforeAll(() => ensureDist());
afterEach(() => vi.restoreAllMocks());

describe("Runtime.shareLanes", () => {
  it("renders the source bank once and every lane bit-identical to its render alone", async () => {
    const shared = await packedRuntime(true);
    const unshared = await packedRuntime(false);
    try {
      // lfo, a, b, c and sum are upstream of lp only: shared.
      expect(shared.readLog().find((r) => r["event"] === "amp_graph_runtime_share_lanes")).toEqual({
        event: "amp_graph_runtime_share_lanes",
        varying: ["lp.frequency"],
        shared_nodes: 5,
      });
      const a = await shared.render(FRAMES, { recordHeat: true });
      const b = await unshared.render(FRAMES, { recordHeat: true });
      expect(a.samples).toEqual(b.samples);
      expect(shared.heatByBatch()).toEqual(unshared.heatByBatch());
      const heat = shared.heatByBatch();
      for (const [lane, cutoff] of CUTOFFS.entries()) {
        const alone = await render(bankGraph().set("lp", { frequency: cutoff }), { frames: FRAMES });
        expect(a.samples.subarray(lane * FRAMES, (lane + 1) * FRAMES)).toEqual(alone.samples);
        expect(heat.graph[lane]).toBe(alone.summary.totalHeat);
        for (const [name, node] of Object.entries(alone.nodes)) expect(heat.nodes[name]![lane]).toBe(node.totalHeat);
      }
    } finally {
      shared.dispose();
      unshared.dispose();
    }
  });

  it("refuses a lane-varying override on a shared node, recording, and bad declarations, by name", async () => {
    const rt = await packedRuntime(true);
    try {
      const lanes = CUTOFFS.length;
      const shape = { batches: lanes, channels: 1, frames: 128 };
      expect(() => rt.setParam("b", "amplitude", laneTensor([0.25, 0.25, 0.5, 0.25, 0.25, 0.25], 128), shape)).toThrow(
        /node "b" \(sine_osc\): parameter "amplitude" differs between batch lanes \(lane 0: 0\.25, lane 2: 0\.5 at frame 0\).*declares only lp\.frequency as varying/,
      );
      // Equal lanes on a shared node, and varying lanes on a node in the cone, are fine.
      rt.setParam("b", "amplitude", laneTensor(Array<number>(lanes).fill(0.125), 128), shape);
      rt.setParam("out", "limit", laneTensor([0.2, 0.3, 0.4, 0.5, 0.6, 0.7], 128), shape);
      await expect(rt.render(64, { record: true })).rejects.toThrow(/recording for a backward pass needs every lane of every node/);
      expect(() => rt.shareLanes([{ node: "nope", param: "frequency" }])).toThrow(/nope/);
      expect(() => rt.shareLanes([{ node: "a", param: "phase" }])).toThrow(/phase/);
      rt.shareLanes([]);
      rt.setParam("b", "amplitude", laneTensor([0.25, 0.25, 0.5, 0.25, 0.25, 0.25], 128), shape);
      await rt.render(64, { record: true });
    } finally {
      rt.dispose();
    }
  });
});

describe("sweep(): packed lanes share the work upstream of the swept parameter", () => {
  const grid = { "lp.frequency": CUTOFFS };
  for (const workers of [0, 2]) {
    it(`lp.frequency after a source bank, workers ${workers}: every row equals the point rendered alone`, async () => {
      const calls = vi.spyOn(Runtime.prototype, "shareLanes");
      const table = await sweep(bankGraph(), {
        grid,
        frames: FRAMES,
        workers,
        packSize: 8,
        measure: { heat: "nodes", centroid: { size: 512 } },
        audio: "memory",
      });
      // In this thread the packed render declares lp.frequency as its lane-varying parameter.
      if (workers === 0) expect(calls.mock.calls).toEqual([[[{ node: "lp", param: "frequency" }]]]);
      for (const row of table.rows) {
        const alone = await render(pointGraphOf(bankGraph(), row.params), { frames: FRAMES });
        expect(row.error).toBeUndefined();
        expect(row.samples).toEqual(alone.samples);
        expect(row.measurements["heat"]).toBe(alone.summary.totalHeat);
        for (const [name, node] of Object.entries(alone.nodes)) expect(row.measurements[`heat.${name}`]).toBe(node.totalHeat);
      }
      const unpacked = await sweep(bankGraph(), {
        grid,
        frames: FRAMES,
        workers,
        pack: false,
        measure: { heat: "nodes", centroid: { size: 512 } },
      });
      expect(unpacked.rows.map((r) => r.measurements)).toEqual(table.rows.map((r) => r.measurements));
    });
  }
});

describe("sweep: a packed render measures all its lanes at once", () => {
  it("two output channels, levels, centroid and bands: every row equals the point measured alone", async () => {
    // A stereo mix of the bank: the packed job measures levels and the centroid in one native
    // call over 6 lanes x 2 channels; the unpacked sweep measures each point's one-batch audio.
    const stereo = bankGraph()
      .add("wide", mix({ channels: 2 }))
      .connect("out", "wide")
      .output("wide");
    const measure = {
      heat: "nodes",
      centroid: { size: 256 },
      bands: {
        bands: [
          [100, 500],
          [500, 4000],
        ],
        size: 256,
      },
    } as const;
    const grid = { "lp.frequency": CUTOFFS };
    const packed = await sweep(stereo, { grid, frames: FRAMES, workers: 0, measure });
    const alone = await sweep(stereo, { grid, frames: FRAMES, workers: 0, pack: false, measure });
    expect(Object.keys(packed.rows[0]!.measurements)).toEqual(expect.arrayContaining(["peak.c1", "centroidHz.c1", "band1Db.c1"]));
    expect(packed.rows.map((r) => r.measurements)).toEqual(alone.rows.map((r) => r.measurements));
    // The lanes differ: a measurement that mixed up lanes would not give six distinct values.
    expect(new Set(packed.rows.map((r) => r.measurements["centroidHz.c0"])).size).toBe(CUTOFFS.length);
  });
});

describe("sweep's point hashes", () => {
  it("equal Graph.hash for graphs sharing node objects, whatever the grid sets", () => {
    const base = sweepGraph().withThermalBudget(5);
    const graphs = [
      bankGraph(),
      bankGraph().set("lp", { frequency: 123.25 }),
      bankGraph().set("lp", { frequency: 123.25, filter: "highpass" }).set("a", { phase: 0.5 }),
      base,
      base.set("osc", { frequency: 1e-7 }).set("rc", { resistance: 5 }),
    ];
    expect(pointHashes(graphs)).toEqual(graphs.map((g) => g.hash));
  });
});
