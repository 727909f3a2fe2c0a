// NodeRunner: one node outside a graph through amp_run_node_v2. References are computed here,
// every case has B = 2 and C = 2 with different data per lane, and streams are compared bit for
// bit across window splits.
import { afterEach, describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import { graph, render } from "../src/index";
import { loadAddon } from "../src/native/load-addon";
import { NodeRunner, type NodeTensor } from "../src/node-call/node-runner";
import { constant, controller, delay, gain, sineOsc } from "../src/nodes/generated";
import type { NodeSpec } from "../src/nodes/spec";

const runners: NodeRunner[] = [];
function runner(name: string, spec: NodeSpec): NodeRunner {
  const created = NodeRunner.create(name, spec);
  runners.push(created);
  return created;
}
// Every runner is disposed, so no state is left for the garbage collector to release in the
// middle of a later test's liveStateCount() comparison.
afterEach(() => {
  for (const created of runners.splice(0)) created.dispose();
});

/** A B x C x F tensor with a distinct value in every (batch, channel, frame). */
function lanes(batches: number, channels: number, frames: number): NodeTensor {
  const samples = new Float64Array(batches * channels * frames);
  for (let b = 0; b < batches; b += 1)
    for (let c = 0; c < channels; c += 1)
      for (let f = 0; f < frames; f += 1)
        samples[(b * channels + c) * frames + f] = Math.sin(0.37 * f + 1.3 * c + 2.9 * b) * (1 + b + 0.5 * c);
  return { samples, shape: { batches, channels, frames } };
}

/** Frames [start, start + frames) of a planar tensor. */
function slice(tensor: NodeTensor, start: number, frames: number): NodeTensor {
  const { batches, channels, frames: total } = tensor.shape;
  const samples = new Float64Array(batches * channels * frames);
  for (let lane = 0; lane < batches * channels; lane += 1)
    samples.set(tensor.samples.subarray(lane * total + start, lane * total + start + frames), lane * frames);
  return { samples, shape: { batches, channels, frames } };
}

/**
 * Runs `total` frames through a fresh runner in windows of the given sizes (repeated until
 * `total` is reached) and joins the planar windows into one planar tensor.
 */
function streamed(
  make: () => NodeRunner,
  total: number,
  windows: readonly number[],
  call: { input?: NodeTensor; params?: Record<string, NodeTensor> } = {},
): Float64Array {
  const batches = 2;
  const { input, params } = call;
  const node = make();
  const parts: { start: number; result: NodeTensor }[] = [];
  let start = 0;
  for (let i = 0; start < total; i += 1) {
    const frames = Math.min(windows[i % windows.length] ?? 1, total - start);
    const inputs = input === undefined ? [] : [slice(input, start, frames)];
    parts.push({ start, result: node.forward(inputs, { batches, frames, params }) });
    start += frames;
  }
  const channels = parts[0]?.result.shape.channels ?? 0;
  const out = new Float64Array(batches * channels * total);
  for (const { start: at, result } of parts) {
    const frames = result.shape.frames;
    for (let lane = 0; lane < batches * channels; lane += 1)
      out.set(result.samples.subarray(lane * frames, (lane + 1) * frames), lane * total + at);
  }
  return out;
}

/** A per-batch parameter tensor: batches x 1 x 1. */
function perBatch(values: readonly number[]): NodeTensor {
  return { samples: Float64Array.from(values), shape: { batches: values.length, channels: 1, frames: 1 } };
}

function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(Array.from(actual)).toEqual(Array.from(expected));
  expect(
    Buffer.compare(
      Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength),
      Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
    ),
  ).toBe(0);
}

function thrown(action: () => unknown): AmpError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AmpError);
    return error as AmpError;
  }
  throw new Error("expected a throw");
}

const UNEVEN = [1, 7, 64, 3, 29, 2, 50];

describe("NodeRunner forward", () => {
  it("gain: y = x * gain per batch, channel and frame (B = 2, C = 2)", () => {
    const x = lanes(2, 2, 48);
    const result = runner("g", gain({ gain: 2.5 })).forward([x]);
    expect(result.shape).toEqual({ batches: 2, channels: 2, frames: 48 });
    expectSameBits(
      result.samples,
      x.samples.map((v) => v * 2.5),
    );
    expect(result.metrics.accumulatedHeat).toBeGreaterThan(0);
  });

  it("gain: a per-batch parameter tensor overrides the option for the call", () => {
    const x = lanes(2, 2, 16);
    const result = runner("g", gain({ gain: 2.5 })).forward([x], { params: { gain: perBatch([3, -0.5]) } });
    const lane = 2 * 16; // frames of one batch (2 channels x 16 frames)
    expectSameBits(
      result.samples,
      x.samples.map((v, i) => v * (i < lane ? 3 : -0.5)),
    );
  });

  it("sine_osc: one window, frame by frame and uneven windows give the same bits", () => {
    const make = (): NodeRunner => runner("osc", sineOsc({ frequency: 440, amplitude: 0.8, channels: 2 }));
    // The two batches run at 220 and 331 Hz: the lanes differ.
    const call = { params: { frequency: perBatch([220, 331]) } };
    const whole = streamed(make, 300, [300], call);
    expect(whole.length).toBe(2 * 2 * 300);
    expect(whole[10]).not.toBe(whole[2 * 300 + 10]);
    // The phase advances before each sample: frame f is sin(2 pi frequency (f + 1) / sampleRate).
    expect(whole[10]).toBeCloseTo(0.8 * Math.sin((2 * Math.PI * 220 * 11) / 48000), 12);
    expect(whole[2 * 300 + 10]).toBeCloseTo(0.8 * Math.sin((2 * Math.PI * 331 * 11) / 48000), 12);
    expectSameBits(streamed(make, 300, [1], call), whole);
    expectSameBits(streamed(make, 300, UNEVEN, call), whole);
  });

  it("delay: one window, frame by frame and uneven windows give the same bits, x delayed by d", () => {
    const d = 5;
    const x = lanes(2, 2, 200);
    const make = (): NodeRunner => runner("d", delay({ frames: d }));
    const whole = streamed(make, 200, [200], { input: x });
    const reference = new Float64Array(x.samples.length);
    for (let lane = 0; lane < 4; lane += 1)
      for (let f = d; f < 200; f += 1) reference[lane * 200 + f] = x.samples[lane * 200 + f - d] ?? Number.NaN;
    expectSameBits(whole, reference);
    expectSameBits(streamed(make, 200, [1], { input: x }), whole);
    expectSameBits(streamed(make, 200, UNEVEN, { input: x }), whole);
  });

  it("controller: history times are relative to the runner's stream, so windows agree with one window", () => {
    const history = {
      ramp: {
        points: [
          [0, 0],
          [40, 1],
          [41, -1],
        ] as const,
        unit: "frames" as const,
      },
    };
    const run = (windows: readonly number[]): Float64Array => {
      const node = runner("ctl", controller({ curve: "ramp" }));
      const out: number[] = [];
      let start = 0;
      for (let i = 0; start < 64; i += 1) {
        const frames = Math.min(windows[i % windows.length] ?? 1, 64 - start);
        out.push(...node.forward([], { frames, history }).samples);
        start += frames;
      }
      return Float64Array.from(out);
    };
    const whole = run([64]);
    expect(whole[20]).toBe(0.5);
    expect(whole[50]).toBe(-1);
    expectSameBits(run([1]), whole);
    expectSameBits(run(UNEVEN), whole);
  });

  it("reset starts the stream again", () => {
    const osc = runner("osc", sineOsc({ frequency: 1000 }));
    const first = osc.forward([], { frames: 32 }).samples;
    expect(Array.from(osc.forward([], { frames: 32 }).samples)).not.toEqual(Array.from(first));
    osc.reset();
    expectSameBits(osc.forward([], { frames: 32 }).samples, first);
  });
});

describe("NodeRunner backward", () => {
  it("gain: dx = g * gain (B = 2, C = 2)", () => {
    const g = lanes(2, 2, 32);
    const node = runner("g", gain({ gain: -1.75 }));
    node.forward([lanes(2, 2, 32)]);
    const result = node.backward(g);
    expect(result.shape).toEqual({ batches: 2, channels: 2, frames: 32 });
    expectSameBits(
      result.samples,
      g.samples.map((v) => v * -1.75),
    );
  });

  it("delay: the gradient is shifted back by d frames within the window", () => {
    const d = 3;
    const g = lanes(2, 2, 16);
    const node = runner("d", delay({ frames: d }));
    node.forward([lanes(2, 2, 16)]);
    const result = node.backward(g);
    const reference = new Float64Array(g.samples.length);
    for (let lane = 0; lane < 4; lane += 1)
      for (let f = 0; f + d < 16; f += 1) reference[lane * 16 + f] = g.samples[lane * 16 + f + d] ?? Number.NaN;
    expectSameBits(result.samples, reference);
  });

  it("sine_osc has no adjoint: AmpError AMP_ERR_UNSUPPORTED (-4) from the runtime, with the caller's stack", () => {
    const osc = runner("osc", sineOsc({ channels: 2 }));
    const out = osc.forward([], { batches: 2, frames: 8 });
    const error = thrown(() => osc.backward(out));
    expect(error.code).toBe("AMP_ERR_UNSUPPORTED");
    expect(error.status).toBe(-4);
    expect(error.stage).toBe("run_node");
    expect(error.node).toBe("osc");
    expect(error.message).toMatch(/sine_osc/);
    expect(error.stack).toContain("node-runner.test.ts");
  });

  it("needs the input channels before the first forward call", () => {
    const error = thrown(() => runner("g", gain()).backward(lanes(1, 2, 4)));
    expect(error.stage).toBe("validate");
    expect(error.message).toBe(
      'node "g" (gain): option "inputChannels" is required before the first forward call (the channels of the node\'s audio input)',
    );
    const result = runner("g2", gain({ gain: 2 })).backward(lanes(1, 2, 4), { inputChannels: 2 });
    expect(result.shape.channels).toBe(2);
  });
});

describe("NodeRunner validation at the TypeScript edge", () => {
  it("rejects unknown and static per-call parameters before any native call", () => {
    const start = NodeRunner.liveStateCount();
    const g = runner("g", gain());
    const unknown = thrown(() => g.forward([lanes(2, 2, 4)], { params: { gian: 1 } }));
    expect(unknown.status).toBe(-1);
    expect(unknown.stage).toBe("validate");
    expect(unknown.message).toBe('node "g" (gain): parameter "gian" is unknown; overridable: gain, thermo.heat');
    const fixed = thrown(() => runner("d", delay()).forward([lanes(2, 2, 4)], { params: { frames: 2 } }));
    expect(fixed.message).toMatch(/parameter "frames" is static \(kind integer\)/);
    expect(NodeRunner.liveStateCount()).toBe(start);
  });

  it("checks options, inputs and parameter values with the uniform messages", () => {
    const g = runner("g", gain());
    const x = lanes(2, 2, 4);
    expect(() => NodeRunner.create("g", gain({ gain: "2" as unknown as number }))).toThrow(
      'node "g" (gain): parameter "gain" expects a finite number in [-1000000000000, 1000000000000], got "2"',
    );
    expect(() => NodeRunner.create("1g", gain())).toThrow(/a node name expects a string matching/);
    expect(() => g.forward([])).toThrow('node "g" (gain) expects 1 audio input(s) (in), got 0');
    expect(() => g.forward([{ samples: new Float64Array(3), shape: { batches: 1, channels: 1, frames: 4 } }])).toThrow(
      'node "g" (gain): argument "inputs[0].samples" expects 1x1x4 = 4 values (batches x channels x frames), got a Float64Array of length 3',
    );
    expect(() => g.forward([x], { batches: 1 })).toThrow(
      'node "g" (gain): argument "inputs[0].shape.batches" expects 1 (the call\'s batches), got 2',
    );
    expect(() => g.forward([x], { sampleRate: 0 })).toThrow(/option "sampleRate" expects a finite number in \(0, 10000000\] Hz, got 0/);
    expect(() => g.forward([x], { params: { gain: 2e12 } })).toThrow(
      /parameter "gain" expects a finite number in \[-1000000000000, 1000000000000\], got 2000000000000/,
    );
    expect(() =>
      g.forward([x], { params: { gain: { samples: new Float64Array([1, Number.NaN]), shape: { batches: 2, channels: 1, frames: 1 } } } }),
    ).toThrow(/expects finite values, got NaN at index 1/);
    expect(() => g.forward([x], { params: { gain: perBatch([1, 2, 3]) } })).toThrow(/argument "params.gain.shape.batches" expects 1 or 2/);
    expect(() => runner("osc", sineOsc()).forward([])).toThrow(
      'node "osc" (sine_osc): option "frames" is required for a node without audio inputs (an integer in [1, 2147483647] frames)',
    );
  });

  it("reports a shape the runtime refuses as an AmpError from the runtime", () => {
    // Parameter channels must be 1 or the output channels; only the runtime knows the latter.
    const error = thrown(() =>
      runner("g", gain()).forward([lanes(1, 2, 4)], {
        params: { gain: { samples: new Float64Array(3), shape: { batches: 1, channels: 3, frames: 1 } } },
      }),
    );
    expect(error.code).toBe("AMP_ERR_SHAPE_MISMATCH");
    expect(error.stage).toBe("run_node");
    expect(error.message).toMatch(/channels is 3; expected 1 or 2/);
  });
});

describe("NodeRunner state", () => {
  it("a changed channel count starts a fresh stream in a new state and releases the old one", () => {
    const start = NodeRunner.liveStateCount();
    const d = runner("d", delay({ frames: 1 }));
    const mono = { samples: new Float64Array([1, 2, 3, 4]), shape: { batches: 1, channels: 1, frames: 4 } };
    expect(Array.from(d.forward([mono]).samples)).toEqual([0, 1, 2, 3]);
    expect(NodeRunner.liveStateCount()).toBe(start + 1);
    // Same channels: the stream continues (the held sample 4 comes out first).
    expect(Array.from(d.forward([mono]).samples)).toEqual([4, 1, 2, 3]);
    const stereo = { samples: new Float64Array([5, 6, 7, 8]), shape: { batches: 1, channels: 2, frames: 2 } };
    // Two channels: a fresh stream (zeros first, nothing carried over) in a replacement state.
    expect(Array.from(d.forward([stereo]).samples)).toEqual([0, 5, 0, 7]);
    expect(NodeRunner.liveStateCount()).toBe(start + 1);
    d.dispose();
    expect(NodeRunner.liveStateCount()).toBe(start);
  });

  it("dispose is idempotent and every call after it throws", () => {
    const start = NodeRunner.liveStateCount();
    const g = runner("g", gain());
    g.forward([lanes(2, 2, 4)]);
    expect(NodeRunner.liveStateCount()).toBe(start + 1);
    g.dispose();
    g.dispose();
    expect(g.disposed).toBe(true);
    expect(NodeRunner.liveStateCount()).toBe(start);
    const error = thrown(() => g.forward([lanes(2, 2, 4)]));
    expect(error.message).toBe('NodeRunner "g" was disposed; create a new one');
    expect(() => g.backward(lanes(2, 2, 4))).toThrow(AmpError);
    expect(() => g.reset()).toThrow(AmpError);
  });
});

describe("NodeRunner and graph renders are one engine", () => {
  it("a declared delay of 3 frames delays the single-node output by 3, as in a graph", async () => {
    const node = runner("g", gain({ gain: 2, declaredDelayFrames: 3 }));
    const x = { samples: new Float64Array([1, 2, 3, 4, 5, 6]), shape: { batches: 1, channels: 1, frames: 6 } };
    const result = node.forward([x]);
    expect(Array.from(result.samples)).toEqual([0, 0, 0, 2, 4, 6]);
    expect(result.metrics.measuredDelayFrames).toBe(3);
    const g = graph()
      .add("c", constant({ value: 1 }))
      .add("g", gain({ gain: 2, declaredDelayFrames: 3 }))
      .chain("c", "g")
      .output("g");
    const rendered = await render(g, { frames: 6 });
    expect(Array.from(rendered.samples)).toEqual([0, 0, 0, 2, 2, 2]);
    expect(rendered.nodes["g"]?.measuredDelayFrames).toBe(3);
  });

  it("channels other than the input's are refused in forward mode", () => {
    const addon = loadAddon();
    const state = new addon.NodeState();
    try {
      expect(() =>
        addon.runNode(
          { name: "g", type: "gain", paramsJson: "" },
          { audio: [{ data: new Float64Array(4), batches: 1, channels: 2, frames: 2 }], params: [] },
          1,
          7,
          2,
          48000,
          state,
          { mode: 0 },
        ),
      ).toThrow("channels is 7; audio input 0 has 2");
    } finally {
      state.release();
    }
  });
});
