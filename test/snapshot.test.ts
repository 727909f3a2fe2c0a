// Runtime.snapshot() / restore() and NodeRunner.snapshot() / restore(): a stream continued from
// a restored snapshot is the uninterrupted stream, bit for bit; refusals throw AmpError and
// change nothing.
import { describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import { delay, gain, graph, mix, Runtime, safety, sineOsc } from "../src/index";
import { NodeRunner } from "../src/node-call/node-runner";

function feedbackGraph() {
  return graph()
    .add("lfo", sineOsc({ frequency: 3, amplitude: 1, declaredDelayFrames: 5 }))
    .add("osc", sineOsc({ frequency: 440, amplitude: 0.5, channels: 2 }))
    .add("sum", mix({ channels: 2 }))
    .add("d", delay({ frames: 300 }))
    .add("fb", gain({ gain: 0.5 }))
    .add("out", safety())
    .connect("osc", "sum")
    .connect("fb", "sum")
    .chain("sum", "d", "fb")
    .connect("sum", "out")
    .modulate("lfo", "osc.frequency", { mode: "add", scale: 50 })
    .output("out");
}

function thrown(f: () => unknown): AmpError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(AmpError);
    return error as AmpError;
  }
  throw new Error("expected an AmpError");
}

describe("Runtime snapshots", () => {
  it("continue the stream bit for bit, in the same runtime and in another", async () => {
    const g = feedbackGraph();
    const runtime = Runtime.create(g, { batches: 2, blockFrames: 64 });
    const other = Runtime.create(g, { batches: 2, blockFrames: 64 });
    try {
      await runtime.render(1000);
      const saved = runtime.snapshot();
      expect(saved).toBeInstanceOf(Uint8Array);
      const first = await runtime.render(777);
      runtime.restore(saved);
      const again = await runtime.render(777);
      expect(Buffer.from(again.samples.buffer).equals(Buffer.from(first.samples.buffer))).toBe(true);
      expect(Object.is(again.summary.totalHeat, first.summary.totalHeat)).toBe(true);
      expect(again.nodes).toEqual(first.nodes);
      other.restore(saved);
      const elsewhere = await other.render(777);
      expect(Buffer.from(elsewhere.samples.buffer).equals(Buffer.from(first.samples.buffer))).toBe(true);
    } finally {
      runtime.dispose();
      other.dispose();
    }
  });

  it("refuses a snapshot of another configuration or not a snapshot at all, changing nothing", async () => {
    const g = feedbackGraph();
    const runtime = Runtime.create(g, { batches: 2, blockFrames: 64 });
    const mono = Runtime.create(g, { batches: 1, blockFrames: 64 });
    try {
      await runtime.render(100);
      const saved = runtime.snapshot();
      const before = mono.snapshot();
      const error = thrown(() => mono.restore(saved));
      expect(error.code).toBe("AMP_ERR_SHAPE_MISMATCH");
      expect(error.stage).toBe("restore");
      expect(error.message).toMatch(/snapshot was taken with batches 2/);
      expect(Buffer.from(mono.snapshot()).equals(Buffer.from(before))).toBe(true);
      expect(thrown(() => runtime.restore(saved.subarray(0, 10))).message).toMatch(/too short to be a snapshot/);
      expect(thrown(() => runtime.restore([1, 2, 3] as unknown as Uint8Array)).message).toMatch(/expects a Uint8Array/);
    } finally {
      runtime.dispose();
      mono.dispose();
    }
  });
});

describe("NodeRunner snapshots", () => {
  it("continue a single node's stream (delay ring and declared-delay padding) bit for bit", () => {
    const runner = NodeRunner.create("d", delay({ frames: 7, declaredDelayFrames: 3 }));
    try {
      expect(thrown(() => runner.snapshot()).message).toMatch(/call forward\(\) first/);
      const x = (offset: number, frames: number) => {
        const samples = new Float64Array(2 * 2 * frames);
        for (let i = 0; i < samples.length; i += 1) samples[i] = Math.sin(0.37 * (i + offset));
        return { samples, shape: { batches: 2, channels: 2, frames } };
      };
      runner.forward([x(0, 50)]);
      const saved = runner.snapshot();
      const first = runner.forward([x(50, 30)]);
      runner.restore(saved);
      const again = runner.forward([x(50, 30)]);
      expect(Buffer.from(again.samples.buffer).equals(Buffer.from(first.samples.buffer))).toBe(true);
      expect(Object.is(again.metrics.accumulatedHeat, first.metrics.accumulatedHeat)).toBe(true);
      const error = thrown(() => runner.restore(saved.subarray(8)));
      expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    } finally {
      runner.dispose();
    }
  });
});
