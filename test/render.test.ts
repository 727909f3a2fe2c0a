// Rendering through the public API (needs build/Release/amp_kpn.node).
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import {
  AmpError,
  analyzeLevels,
  constant,
  gain,
  graph,
  render,
  RenderResult,
  Runtime,
  safety,
  sineOsc,
  summarizeRender,
  type Graph,
} from "../src/index";

const TWO_PI = 2 * Math.PI;

function constantThroughGains(a: number, b: number, c: number): Graph {
  return graph()
    .add("c", constant({ value: 0.75 }))
    .add("a", gain({ gain: a }))
    .add("b", gain({ gain: b }))
    .add("cc", gain({ gain: c }))
    .chain("c", "a", "b", "cc")
    .output("cc");
}

/** A graph slow enough to cancel: a sine through ten gains, rendered in blocks of one frame. */
function slowGraph(): Graph {
  let g = graph().add("osc", sineOsc());
  let previous = "osc";
  for (let i = 0; i < 10; i += 1) {
    g = g.add(`g${i}`, gain({ gain: 1 })).connect(previous, `g${i}`);
    previous = `g${i}`;
  }
  return g.output(previous);
}

function expectClose(actual: Float64Array, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i += 1) worst = Math.max(worst, Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? Number.NaN)));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe("render", () => {
  it("renders 0.75 through three gains for B = 2", async () => {
    const result = await render(constantThroughGains(0.5, -2, 3), { frames: 4, batches: 2, blockFrames: 4 });
    expect(result).toBeInstanceOf(RenderResult);
    expect(result.shape).toEqual({ batches: 2, channels: 1, frames: 4 });
    expect(result.sampleRate).toBe(48000);
    expectClose(result.samples, new Array(8).fill(0.75 * 0.5 * -2 * 3), 1e-9);
    expect(result.channel(1, 0)).toHaveLength(4);
    expect(result.channel(1, 0).buffer).toBe(result.samples.buffer);
    expect(() => result.channel(2, 0)).toThrow('argument "batch" expects an integer in [0, 1], got 2');
  });

  it("applies per-frame setParam overrides on every block, and clearParams restores", async () => {
    const runtime = Runtime.create(constantThroughGains(2, 3, 0.5), { batches: 2, blockFrames: 4 });
    try {
      const gains = Float64Array.from([1, 2, 3, 4, -1, -2, -3, -4]); // batches x 1 x blockFrames
      runtime.setParam("a", "gain", gains, { batches: 2, channels: 1, frames: 4 });
      const overridden = await runtime.render(8);
      const expected: number[] = [];
      for (let b = 0; b < 2; b += 1) for (let f = 0; f < 8; f += 1) expected.push(0.75 * (gains[b * 4 + (f % 4)] ?? 0) * 3 * 0.5);
      expectClose(overridden.samples, expected, 1e-9);
      runtime.clearParams("a");
      const restored = await runtime.render(4);
      expectClose(restored.samples, new Array(8).fill(0.75 * 2 * 3 * 0.5), 1e-9);
    } finally {
      runtime.dispose();
    }
  });

  it("matches amp * sin(2 pi (phase + n f / sr)) for B = 2, C = 2, different frequency per batch", async () => {
    const sr = 48000;
    const amp = 0.3;
    const phase = 0.125;
    const blockFrames = 256;
    const frames = 1000;
    const freqs = [220, 331.5];
    const g = graph()
      .add("osc", sineOsc({ frequency: 440, amplitude: amp, phase, channels: 2 }))
      .output("osc");
    const runtime = Runtime.create(g, { sampleRate: sr, batches: 2, blockFrames });
    try {
      const freqTensor = new Float64Array(2 * blockFrames);
      freqTensor.fill(freqs[0] ?? 0, 0, blockFrames);
      freqTensor.fill(freqs[1] ?? 0, blockFrames);
      runtime.setParam("osc", "frequency", freqTensor, { batches: 2, channels: 1, frames: blockFrames });
      const result = await runtime.render(frames);
      expect(result.shape).toEqual({ batches: 2, channels: 2, frames });
      for (let b = 0; b < 2; b += 1) {
        const f0 = freqs[b] ?? 0;
        const reference = Array.from({ length: frames }, (_, i) => amp * Math.sin(TWO_PI * (phase + ((i + 1) * f0) / sr)));
        for (let c = 0; c < 2; c += 1) expectClose(result.channel(b, c), reference, 1e-9);
      }
      const levels = analyzeLevels(result.samples, result.shape);
      expect(levels.peak).toHaveLength(4);
      for (const peak of levels.peak) expect(peak).toBeCloseTo(amp, 3);
    } finally {
      runtime.dispose();
    }
  });

  it("takes seconds or frames, exactly one", async () => {
    const g = constantThroughGains(1, 1, 1);
    expect((await render(g, { seconds: 0.01, sampleRate: 44100 })).shape.frames).toBe(441);
    await expect(render(g, { frames: 10, seconds: 1 })).rejects.toThrow(
      'render options: give exactly one of "frames" and "seconds", got both',
    );
    await expect(render(g, {})).rejects.toThrow("got neither");
    await expect(render(g, { frames: 1.5 })).rejects.toThrow(
      'render option "frames" expects an integer in [1, 2147483647] frames, got 1.5',
    );
    await expect(render(g, { seconds: -1 })).rejects.toThrow('render option "seconds" expects a finite number > 0, got -1');
    await expect(render(g, { frames: 4, batches: 0 })).rejects.toThrow('render option "batches" expects an integer in [1, 4096], got 0');
    await expect(render(g, { frames: 4, sampleRate: 0 })).rejects.toThrow(
      'render option "sampleRate" expects a finite number in (0, 10000000] Hz, got 0',
    );
  });

  it("records heat curves per node and for the graph, and reports summaries", async () => {
    const g = graph()
      .add("osc", sineOsc({ frequency: 100, declaredDelayFrames: 0 }))
      .add("amp", gain({ gain: 0.5, declaredDelayFrames: 3 }))
      .add("s", safety())
      .chain("osc", "amp", "s")
      .output("s");
    const plain = await render(g, { frames: 64, batches: 2, blockFrames: 16 });
    const result = await render(g, { frames: 64, batches: 2, blockFrames: 16, recordHeat: true });
    expect(plain.heat).toBeUndefined();
    expect(Array.from(result.samples)).toEqual(Array.from(plain.samples));
    const heat = result.heat;
    expect(heat).toBeDefined();
    if (heat === undefined) return;
    expect(Object.keys(heat.nodes)).toEqual(["osc", "amp", "s"]);
    expect(heat.graph).toHaveLength(2 * 64);
    for (const curve of [heat.graph, ...Object.values(heat.nodes)]) {
      expect(curve).toHaveLength(128);
      for (const value of curve) expect(value).toBeGreaterThanOrEqual(0);
    }
    for (let i = 0; i < 128; i += 1) {
      const sum = (heat.nodes.osc?.[i] ?? 0) + (heat.nodes.amp?.[i] ?? 0) + (heat.nodes.s?.[i] ?? 0);
      expect(heat.graph[i]).toBeCloseTo(sum, 9);
    }
    expect(result.nodes.amp?.declaredDelayFrames).toBe(3);
    expect(result.nodes.amp?.type).toBe("gain");
    expect(result.summary.latencyFrames).toBe(3);
    expect(result.summary.totalHeat).toBeGreaterThan(0);
    const summary = summarizeRender(result);
    expect(summary.graphHash).toBe(g.hash);
    expect(summary.levels).toHaveLength(2);
    expect(summary.heat.nodes.osc).toBe(result.nodes.osc?.totalHeat);
    expect(String(result)).toMatch(/^RenderResult \(2 batches x 1 channel x 64 frames, 48000 Hz/);
  });

  it("flags frames over the thermal budget without changing the audio", async () => {
    const base = graph()
      .add("osc", sineOsc({ frequency: 50, amplitude: 1 }))
      .output("osc");
    await expect(render(base, { frames: 8, recordOverBudget: true })).rejects.toThrow(/needs a graph with a thermal budget/);
    const budgeted = base.withThermalBudget(1e-9);
    const flagged = await render(budgeted, { frames: 64, batches: 2, recordOverBudget: true });
    const plain = await render(base, { frames: 64, batches: 2 });
    expect(Array.from(flagged.samples)).toEqual(Array.from(plain.samples));
    expect(flagged.overBudget).toBeInstanceOf(Uint8Array);
    expect(flagged.overBudget).toHaveLength(2 * 64);
    expect(Array.from(flagged.overBudget ?? []).every((flag) => flag === 1)).toBe(true);
    expect(flagged.summary.framesOverBudget).toBe(128);
  });

  it("uses the graph's own sample rate by default", async () => {
    const result = await render(constantThroughGains(1, 1, 1).withSampleRate(22050), { seconds: 0.1 });
    expect(result.sampleRate).toBe(22050);
    expect(result.shape.frames).toBe(2205);
  });
});

describe("cancellation", () => {
  it("rejects at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = (await render(slowGraph(), { frames: 100, signal: controller.signal }).catch((e: unknown) => e)) as AmpError;
    expect(error).toBeInstanceOf(AmpError);
    expect(error.code).toBe("AMP_ERR_CANCELLED");
    expect(error.status).toBe(-6);
  });

  it("cancels a render in flight, removes its listener, and the runtime renders again", async () => {
    const runtime = Runtime.create(slowGraph(), { blockFrames: 1 });
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = runtime.render(8_000_000, { signal: controller.signal });
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      setTimeout(() => controller.abort(), 50);
      const error = (await pending.catch((e: unknown) => e)) as AmpError;
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error).toBeInstanceOf(AmpError);
      expect(error.code).toBe("AMP_ERR_CANCELLED");
      expect(error.status).toBe(-6);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      const again = await runtime.render(16);
      const fresh = await render(slowGraph(), { frames: 16, blockFrames: 1 });
      expect(Array.from(again.samples)).toEqual(Array.from(fresh.samples));
    } finally {
      runtime.dispose();
    }
  });

  it("removes the listener after a render that completes", async () => {
    const controller = new AbortController();
    await render(constantThroughGains(1, 1, 1), { frames: 8, signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("errors", () => {
  async function callerOfRender(runtime: Runtime, signal: AbortSignal): Promise<unknown> {
    return runtime.render(8_000_000, { signal }).catch((e: unknown) => e);
  }

  it("native errors of an async render carry the caller's stack", async () => {
    const runtime = Runtime.create(slowGraph(), { blockFrames: 1 });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      const error = (await callerOfRender(runtime, controller.signal)) as AmpError;
      expect(error).toBeInstanceOf(AmpError);
      expect(error.stage).not.toBe("validate");
      expect(error.stack).toContain("callerOfRender");
      expect(error.stack?.split("\n")[0]).toBe(`AmpError: ${error.message}`);
    } finally {
      runtime.dispose();
    }
  });

  it("a shape mismatch in setParam is AMP_ERR_SHAPE_MISMATCH with stage, node, detail and a log record", () => {
    const runtime = Runtime.create(constantThroughGains(1, 1, 1), { batches: 2, blockFrames: 4 });
    try {
      let caught: unknown;
      try {
        runtime.setParam("a", "gain", new Float64Array(6), { batches: 2, channels: 1, frames: 3 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AmpError);
      const error = caught as AmpError;
      expect(error.code).toBe("AMP_ERR_SHAPE_MISMATCH");
      expect(error.status).toBe(-2);
      expect(error.stage).toBe("set_param");
      expect(error.node).toBe("a");
      expect(error.detail).toContain("2x1x4");
      expect(error.detail).toContain("2x1x3");
      const records = runtime.readLog().filter((r) => r.event === "amp_graph_runtime_set_param_shape_mismatch");
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        node: "a",
        param: "gain",
        expected: { batches: 2, channels: 1, frames: 4 },
        provided: { batches: 2, channels: 1, frames: 3 },
      });
    } finally {
      runtime.dispose();
    }
  });

  it("setParam values are validated at the TypeScript edge", () => {
    const runtime = Runtime.create(constantThroughGains(1, 1, 1), { blockFrames: 4 });
    try {
      expect(() => runtime.setParam("nope", "gain", new Float64Array(4), { batches: 1, channels: 1, frames: 4 })).toThrow(
        'node "nope" is not in the graph; nodes: c, a, b, cc',
      );
      expect(() => runtime.setParam("a", "level", new Float64Array(4), { batches: 1, channels: 1, frames: 4 })).toThrow(
        'node "a" (gain): parameter "level" is unknown; overridable: gain, thermo.heat',
      );
      expect(() => runtime.setParam("c", "channels", new Float64Array(4), { batches: 1, channels: 1, frames: 4 })).toThrow(
        "is static (kind integer)",
      );
      expect(() => runtime.setParam("a", "gain", new Float64Array(3), { batches: 1, channels: 1, frames: 4 })).toThrow(
        'node "a": argument "data" expects 1x1x4 = 4 values (batches x channels x frames), got a Float64Array of length 3',
      );
      expect(() => runtime.setParam("a", "gain", Float64Array.from([1, Number.NaN, 1, 1]), { batches: 1, channels: 1, frames: 4 })).toThrow(
        "expects finite values, got NaN at index 1",
      );
      runtime.setParam("a", "thermo.heat", new Float64Array(4), { batches: 1, channels: 1, frames: 4 });
    } finally {
      runtime.dispose();
    }
  });

  it("a graph the runtime rejects throws an AmpError with the runtime's stage", () => {
    const cyclic = graph()
      .add("a", gain())
      .add("b", gain())
      .add("c", constant())
      .connect("c", "a")
      .connect("a", "b")
      .connect("b", "a")
      .output("b");
    let caught: unknown;
    try {
      Runtime.create(cyclic);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AmpError);
    const error = caught as AmpError;
    expect(error.status).toBe(-1);
    expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
    expect(error.stage).not.toBe("validate");
    expect(error.message).toMatch(/cycle/);
  });

  it("a disposed runtime refuses calls", () => {
    const runtime = Runtime.create(constantThroughGains(1, 1, 1));
    runtime.dispose();
    runtime.dispose();
    expect(runtime.disposed).toBe(true);
    expect(() => runtime.reset()).toThrow("this Runtime was disposed; create a new one");
  });
});
