// A small graph for sweep tests: a vibrato sine through an RLC stage and a safety clip, and the
// reference of one point rendered alone (its own graph, one batch, no overrides).
import { analyzeLevels, graph, rci, render, safety, sineOsc, spectralCentroid, type Graph, type SweepPoint } from "../../src/index";

export const FRAMES = 3000;

/** osc (modulated by lfo) -> rc (static RLC) -> out (safety, signal `limit`). */
export function sweepGraph(): Graph {
  return graph()
    .add("lfo", sineOsc({ frequency: 3, amplitude: 20 }))
    .add("osc", sineOsc({ frequency: 440, amplitude: 0.8 }))
    .add("rc", rci({ resistance: 10 }))
    .add("out", safety({ limit: 0.5 }))
    .modulate("lfo", "osc.frequency", { mode: "add" })
    .chain("osc", "rc", "out")
    .output("out");
}

/** A 64-point grid: 4 x 4 signal values x 2 x 2 static values. */
export const GRID = {
  "osc.frequency": [220, 440, 880, 1760],
  "out.limit": [0.05, 0.1, 0.2, 0.4],
  "rc.resistance": [5, 20],
  "osc.phase": [0, 0.25],
};

/** The point's graph: every value set with graph.set (camelCase keys as the catalogue names them). */
export function pointGraphOf(base: Graph, point: SweepPoint): Graph {
  let g = base;
  for (const [path, value] of Object.entries(point)) {
    const [node, param] = path.split(".") as [string, string];
    g = g.set(node, { [param]: value });
  }
  return g;
}

/** Renders a point alone and measures it with the public analysis functions. */
export async function referencePoint(
  base: Graph,
  point: SweepPoint,
): Promise<{ samples: Float64Array; hash: string; m: Record<string, number> }> {
  const g = pointGraphOf(base, point);
  const r = await render(g, { frames: FRAMES });
  const levels = analyzeLevels(r.samples, r.shape);
  const m: Record<string, number> = {
    peak: levels.peak[0] as number,
    rms: levels.rms[0] as number,
    dc: levels.dc[0] as number,
    crestDb: levels.crestDb[0] as number,
    heat: r.summary.totalHeat,
    latencyFrames: r.summary.latencyFrames,
    centroidHz: spectralCentroid(r, { size: 1024 }).hz[0] as number,
  };
  for (const [name, node] of Object.entries(r.nodes)) m[`heat.${name}`] = node.totalHeat;
  return { samples: r.samples, hash: g.hash, m };
}
