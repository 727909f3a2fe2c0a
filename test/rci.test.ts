// The rci node (series RLC) through TypeScript: its published heat i^2 R in render heat curves
// (chained stages, recordHeat) and in NodeRunner metrics, against a reference solve of the same
// trapezoidal discretisation computed here; thermo constants of the shared model are refused.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import { graph, render } from "../src/index";
import { NodeRunner } from "../src/node-call/node-runner";
import { rci, sineOsc } from "../src/nodes/generated";

const R = 10;
const L = 0.01;
const C = 1e-5;
const RATE = 48000;

/** Current and capacitor voltage of a series RLC driven by `u` (trapezoidal rule, Cramer's rule). */
function reference(u: ArrayLike<number>): { current: number[]; voltage: number[] } {
  const h = 1 / RATE;
  const a11 = 1 + (h * R) / (2 * L);
  const a12 = h / (2 * L);
  const a21 = -h / (2 * C);
  const det = a11 - a12 * a21;
  let i = 0;
  let v = 0;
  let u0 = 0;
  const current: number[] = [];
  const voltage: number[] = [];
  for (let f = 0; f < u.length; f += 1) {
    const u1 = u[f] ?? 0;
    const r1 = i * (1 - (h * R) / (2 * L)) - (v * h) / (2 * L) + (h * (u0 + u1)) / (2 * L);
    const r2 = v + (h * i) / (2 * C);
    i = (r1 - a12 * r2) / det;
    v = (a11 * r2 - a21 * r1) / det;
    u0 = u1;
    current.push(i);
    voltage.push(v);
  }
  return { current, voltage };
}

/** The step's midpoint current (i[f-1] + i[f]) / 2, i[-1] = 0: the current of the published heat. */
function midpoint(current: readonly number[], f: number): number {
  return ((current[f] ?? 0) + (f > 0 ? (current[f - 1] ?? 0) : 0)) / 2;
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(expected)));
}

const runners: NodeRunner[] = [];
afterEach(() => {
  for (const created of runners.splice(0)) created.dispose();
});

describe("rci: node-published heat", () => {
  it("render with recordHeat: each chained stage's heat curve is i^2 R summed over channels", async () => {
    const frames = 600;
    const source = sineOsc({ frequency: 300, amplitude: 0.8, channels: 2 });
    const params = { resistance: R, inductance: L, capacitance: C };
    const g = graph().add("src", source).add("s1", rci(params)).add("s2", rci(params)).chain("src", "s1", "s2").output("s2");
    const result = await render(g, { frames, blockFrames: 128, recordHeat: true });
    const alone = await render(graph().add("src", source).output("src"), { frames, blockFrames: 128 });
    const heat = result.heat;
    expect(heat).toBeDefined();
    if (heat === undefined) return;
    const h1 = new Array<number>(frames).fill(0);
    const h2 = new Array<number>(frames).fill(0);
    for (let c = 0; c < 2; c += 1) {
      const first = reference(alone.samples.subarray(c * frames, (c + 1) * frames));
      const second = reference(first.voltage);
      for (let f = 0; f < frames; f += 1) {
        h1[f] = (h1[f] ?? 0) + midpoint(first.current, f) ** 2 * R;
        h2[f] = (h2[f] ?? 0) + midpoint(second.current, f) ** 2 * R;
        expectClose(result.samples[c * frames + f] ?? NaN, second.voltage[f] ?? 0);
      }
    }
    for (let f = 0; f < frames; f += 1) {
      expectClose(heat.nodes.s1?.[f] ?? NaN, h1[f] ?? 0);
      expectClose(heat.nodes.s2?.[f] ?? NaN, h2[f] ?? 0);
    }
    expect(Math.max(...h1)).toBeGreaterThan(1e-4);
  });

  it("NodeRunner: the call's heat is the sum of i^2 R over the window and batches", () => {
    const frames = 200;
    const samples = new Float64Array(2 * 2 * frames);
    for (let lane = 0; lane < 4; lane += 1)
      for (let f = 0; f < frames; f += 1) samples[lane * frames + f] = Math.sin(0.05 * f * (lane + 1)) * (1 + 0.25 * lane);
    const node = NodeRunner.create("r", rci({ resistance: R, inductance: L, capacitance: C, output: "current" }));
    runners.push(node);
    const first = node.forward([{ samples: samples.subarray(0, frames), shape: { batches: 1, channels: 1, frames } }]);
    const whole = reference(samples.subarray(0, frames));
    let expected = 0;
    for (let f = 0; f < frames; f += 1) {
      expectClose(first.samples[f] ?? NaN, whole.current[f] ?? 0);
      expected += midpoint(whole.current, f) ** 2 * R;
    }
    expectClose(first.metrics.accumulatedHeat, expected);
    expect(expected).toBeGreaterThan(1e-3);
  });

  it("refuses the shared model's thermo constants and backward", () => {
    expect(() => graph().add("r", rci({ thermo: { resistance: 2 } }))).toThrow(AmpError);
    expect(() => graph().add("r", rci({ thermo: { resistance: 2 } }))).toThrow(
      /thermo.resistance" expects no value \(this node type publishes its own heat/,
    );
    const node = NodeRunner.create("r", rci());
    runners.push(node);
    const x = { samples: new Float64Array(4), shape: { batches: 1, channels: 1, frames: 4 } };
    expect(() => node.backward(x)).toThrow(AmpError);
  });

  it("the generated types and docs/nodes.md say the node publishes i^2 R", () => {
    const root = join(__dirname, "..");
    const docs = readFileSync(join(root, "docs", "nodes.md"), "utf8");
    const section = docs.slice(docs.indexOf("## rci"));
    expect(section).toMatch(/^## rci/);
    expect(section).toContain(
      "Heat: published by the node: the power dissipated in R, i^2 R watts per frame (i the step's midpoint current",
    );
    const types = readFileSync(join(root, "src", "nodes", "generated.ts"), "utf8");
    expect(types).toContain("Heat: published by the node: the power dissipated in R, i^2 R watts per frame (i the step's midpoint current");
    expect(types).toContain("export function rci(");
  });
});
