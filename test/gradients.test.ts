// Gradients through whole graphs from TypeScript: render(g, { record: true }) then
// result.backward(dLdy, { wrt }), checked against central differences of whole renders; a
// gradient-descent fit of a gain through the runtime; l2Loss; errors as AmpError.
import { describe, expect, it } from "vitest";

import { AmpError } from "../src/errors";
import {
  adsr,
  biquad,
  controller,
  delay,
  gain,
  graph,
  l2Loss,
  lfo,
  mix,
  oscillator,
  rci,
  render,
  resampler,
  Runtime,
  safety,
  sampler,
  pitchShift,
  sineOsc,
  spectralL2Loss,
} from "../src/index";

function chain(gainValue: number, frequency = 330) {
  return graph()
    .add("osc", sineOsc({ frequency, amplitude: 0.5 }))
    .add("lfo", sineOsc({ frequency: 7, amplitude: 0.5 }))
    .add("g", gain({ gain: gainValue }))
    .add("sum", mix({ channels: 1 }))
    .add("d", delay({ frames: 4 }))
    .add("fb", gain({ gain: 0.5 }))
    .add("out", safety({ limit: 10 }))
    .connect("osc", "g")
    .connect("g", "sum")
    .connect("fb", "sum")
    .chain("sum", "d", "fb")
    .connect("sum", "out")
    .modulate("lfo", "g.gain", { mode: "multiply", scale: 1 })
    .output("out");
}

function dot(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 1) total += (a[i] ?? 0) * (b[i] ?? 0);
  return total;
}

async function thrownAsync(f: () => Promise<unknown>): Promise<AmpError> {
  try {
    await f();
  } catch (error) {
    expect(error).toBeInstanceOf(AmpError);
    return error as AmpError;
  }
  throw new Error("expected an AmpError");
}

describe("backward through a whole graph", () => {
  it("matches central differences of whole renders for a gain, a frequency and the loop gain", async () => {
    const frames = 700;
    const weights = new Float64Array(frames).map((_, i) => Math.sin(0.37 * i) + 0.2);
    const loss = async (g: number, f: number) => dot(weights, (await render(chain(g, f), { frames })).samples);
    const r = await render(chain(0.8), { frames, record: true, blockFrames: 37 });
    const grads = await r.backward(weights, { wrt: ["g.gain", "osc.frequency", "osc.amplitude"], summed: true });
    r.release();
    const h = 1e-6;
    const dGain = ((await loss(0.8 + h, 330)) - (await loss(0.8 - h, 330))) / (2 * h);
    const dFrequency = ((await loss(0.8, 330 + 1e-4)) - (await loss(0.8, 330 - 1e-4))) / 2e-4;
    expect(grads["g.gain"]?.shape).toEqual({ batches: 1, channels: 1, frames: 1 });
    expect(grads["g.gain"]?.data[0]).toBeCloseTo(dGain, 5);
    const relative = Math.abs((grads["osc.frequency"]?.data[0] ?? 0) - dFrequency) / Math.abs(dFrequency);
    expect(relative).toBeLessThan(1e-5);
  });

  it("gives per-frame gradients and node-output gradients with their shapes", async () => {
    const r = await render(chain(0.8), { frames: 256, batches: 2, record: true });
    const grads = await r.backward(new Float64Array(512).fill(1), { wrt: ["g.gain", "sum"] });
    expect(grads["g.gain"]?.shape).toEqual({ batches: 2, channels: 1, frames: 256 });
    expect(grads["sum"]?.shape).toEqual({ batches: 2, channels: 1, frames: 256 });
    expect(grads["g.gain"]?.param).toBe("gain");
    r.release();
  });

  it("fits a gain by gradient descent through the runtime", async () => {
    // osc -> g -> a feedback comb -> out: y = g u, so L(g) = mean(u^2) (g - 0.37)^2; u has a mean
    // square near 0.5 here, and a step of 1 x dL/dg contracts the error by |1 - 2 mean(u^2)|.
    const fit = (g: number) =>
      graph()
        .add("osc", sineOsc({ frequency: 330, amplitude: 0.5 }))
        .add("g", gain({ gain: g }))
        .add("sum", mix({ channels: 1 }))
        .add("d", delay({ frames: 4 }))
        .add("fb", gain({ gain: 0.5 }))
        .add("out", safety({ limit: 10 }))
        .chain("osc", "g", "sum")
        .connect("fb", "sum")
        .chain("sum", "d", "fb")
        .connect("sum", "out")
        .output("out");
    const frames = 480;
    const target = (await render(fit(0.37), { frames })).samples;
    let value = 1.0;
    for (let step = 0; step < 60; step += 1) {
      const r = await render(fit(value), { frames, record: true });
      const { dLdy } = l2Loss(r.samples, target);
      const grads = await r.backward(dLdy, { wrt: ["g.gain"], summed: true });
      r.release();
      value -= 1.0 * (grads["g.gain"]?.data[0] ?? 0);
    }
    expect(Math.abs(value - 0.37)).toBeLessThan(1e-6);
  });

  it("fits a biquad cutoff by gradient descent through the runtime", async () => {
    // Two tones (700 Hz, 3100 Hz) through a lowpass; the target used a 2000 Hz cutoff. Steps
    // along -dL/df with a step size that grows after a success and halves after a failure.
    const fit = (cutoff: number) =>
      graph()
        .add("a", sineOsc({ frequency: 700, amplitude: 0.5 }))
        .add("b", sineOsc({ frequency: 3100, amplitude: 0.5 }))
        .add("sum", gain({ gain: 1 }))
        .add("lp", biquad({ filter: "lowpass", frequency: cutoff, q: 0.9 }))
        .connect("a", "sum")
        .connect("b", "sum")
        .connect("sum", "lp")
        .output("lp");
    const frames = 960;
    const target = (await render(fit(2000), { frames })).samples;
    const lossAt = async (cutoff: number) => l2Loss((await render(fit(cutoff), { frames })).samples, target).loss;
    let cutoff = 1400;
    let rate = 0;
    for (let step = 0; step < 80; step += 1) {
      const r = await render(fit(cutoff), { frames, record: true });
      const { loss, dLdy } = l2Loss(r.samples, target);
      const slope = (await r.backward(dLdy, { wrt: ["lp.frequency"], summed: true }))["lp.frequency"]?.data[0] ?? 0;
      r.release();
      if (slope === 0) break;
      if (rate === 0) rate = 100 / Math.abs(slope); // a first step of 100 Hz
      const next = cutoff - rate * slope;
      if ((await lossAt(next)) < loss) {
        cutoff = next;
        rate *= 1.5;
      } else {
        rate *= 0.5;
      }
    }
    expect(Math.abs(cutoff - 2000)).toBeLessThan(0.01);
  });

  it("goes through a resampler's conversion and an rci stage (exact linear adjoints)", async () => {
    // osc -> resampler (48k -> 72k -> 48k, 32 frames of latency, compensated nowhere: it is the
    // only path) -> rci (RLC lowpass, current out) -> out.
    const line = (amplitude: number, frequency: number) =>
      graph()
        .add("osc", sineOsc({ frequency, amplitude }))
        .add("rs", resampler({ up: 3, down: 2 }))
        .add("lc", rci({ resistance: 20, inductance: 0.002, capacitance: 2e-6, output: "current" }))
        .add("out", safety({ limit: 10 }))
        .chain("osc", "rs", "lc", "out")
        .output("out");
    const frames = 400;
    const weights = new Float64Array(frames).map((_, i) => Math.cos(0.11 * i) - 0.3);
    const loss = async (a: number, f: number) => dot(weights, (await render(line(a, f), { frames })).samples);
    const r = await render(line(0.4, 2500), { frames, record: true, blockFrames: 7 });
    const grads = await r.backward(weights, { wrt: ["osc.amplitude", "osc.frequency"], summed: true });
    r.release();
    // Linear in the amplitude: a step of 1 is exact up to rounding.
    const dAmplitude = ((await loss(1.4, 2500)) - (await loss(-0.6, 2500))) / 2;
    const dFrequency = ((await loss(0.4, 2500 + 1e-3)) - (await loss(0.4, 2500 - 1e-3))) / 2e-3;
    const relative = (a: number | undefined, b: number) => Math.abs((a ?? NaN) - b) / Math.abs(b);
    expect(Math.abs(dAmplitude)).toBeGreaterThan(1e-3);
    expect(relative(grads["osc.amplitude"]?.data[0], dAmplitude)).toBeLessThan(1e-10);
    expect(relative(grads["osc.frequency"]?.data[0], dFrequency)).toBeLessThan(1e-5);
  });

  it("gives the gradient with respect to a sampler's buffer (exact: the output is linear in it)", async () => {
    // smp (2 channels reading a 1-channel buffer at rate 0.8, looping) -> g -> out; 2 batches.
    const frames = 300;
    const sound = (samples: Float64Array) => ({ samples, channels: 1, frames: samples.length, sampleRate: 48000 });
    const line = graph()
      .add("smp", sampler({ channels: 2, rate: 0.8, loop: true, loopStart: 10 }))
      .add("g", gain({ gain: 0.7 }))
      .chain("smp", "g")
      .output("g");
    const buffer = new Float64Array(120).map((_, i) => Math.sin(0.3 * i) * (1 - i / 200));
    const weights = new Float64Array(2 * 2 * frames).map((_, i) => Math.cos(0.07 * i));
    const r = await render(line, { frames, batches: 2, record: true, buffers: { smp: sound(buffer) } });
    const grads = await r.backward(weights, { wrt: ["smp.buffer"] });
    const summed = await r.backward(weights, { wrt: ["smp.buffer"], summed: true });
    r.release();
    expect(grads["smp.buffer"]?.shape).toEqual({ batches: 2, channels: 1, frames: 120 });
    expect(grads["smp.buffer"]?.param).toBe("buffer");
    expect(summed["smp.buffer"]?.shape).toEqual({ batches: 1, channels: 1, frames: 120 });
    // <e, dL/dbuffer> against the change of the loss along e (a step of 1: linear).
    const e = new Float64Array(120).map((_, i) => Math.sin(1.7 * i + 0.4));
    const moved = await render(line, {
      frames,
      batches: 2,
      buffers: { smp: sound(buffer.map((v, i) => v + (e[i] ?? 0))) },
    });
    const base = await render(line, { frames, batches: 2, buffers: { smp: sound(buffer) } });
    const numeric = dot(weights, moved.samples) - dot(weights, base.samples);
    const analytic = dot(e, summed["smp.buffer"]?.data ?? new Float64Array(0));
    const perBatch = grads["smp.buffer"]?.data ?? new Float64Array(0);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric)).toBeLessThan(1e-10 * Math.abs(numeric));
    expect(Math.abs(dot(e, perBatch.subarray(0, 120)) + dot(e, perBatch.subarray(120)) - numeric)).toBeLessThan(1e-10 * Math.abs(numeric));
    // A sampler without a buffer: the runtime names it.
    const empty = await render(line, { frames: 16, batches: 2, record: true });
    const error = await thrownAsync(() => empty.backward(new Float64Array(64), { wrt: ["smp.buffer"] }));
    expect(error.code).toBe("AMP_ERR_UNSUPPORTED");
    expect(error.message).toContain('node "smp" (sampler) has no buffer');
    empty.release();
  });

  it("differentiates an lfo's depth and rate through a modulation edge and its smoothing", async () => {
    const line = (depth: number, rate: number) =>
      graph()
        .add("osc", sineOsc({ frequency: 440, amplitude: 0.5 }))
        .add("wob", lfo({ shape: "triangle", rateHz: rate, depth, slewMs: 0.2, phase: 0.1 }))
        .add("g", gain({ gain: 1 }))
        .add("out", safety({ limit: 10 }))
        .chain("osc", "g", "out")
        .modulate("wob", "g.gain", { mode: "add", scale: 1 })
        .output("out");
    // The triangle crosses its kink at phase 1/2; 41.3 Hz puts no frame exactly on it (there
    // central differences see neither side's slope).
    const frames = 500;
    const weights = new Float64Array(frames).map((_, i) => Math.sin(0.05 * i));
    const loss = async (d: number, r: number) => dot(weights, (await render(line(d, r), { frames })).samples);
    const r = await render(line(0.3, 41.3), { frames, record: true, blockFrames: 64 });
    const grads = await r.backward(weights, { wrt: ["wob.depth", "wob.rateHz"], summed: true });
    r.release();
    const dDepth = ((await loss(1.3, 41.3)) - (await loss(-0.7, 41.3))) / 2; // linear in depth
    const dRate = ((await loss(0.3, 41.3 + 1e-4)) - (await loss(0.3, 41.3 - 1e-4))) / 2e-4;
    const relative = (a: number | undefined, b: number) => Math.abs((a ?? NaN) - b) / Math.abs(b);
    expect(relative(grads["wob.depth"]?.data[0], dDepth)).toBeLessThan(1e-10);
    expect(relative(grads["wob.rateHz"]?.data[0], dRate)).toBeLessThan(1e-5);
  });

  it("differentiates an oversampled band-limited oscillator's frequency and amplitude, also through its integrator", async () => {
    const line = (frequency: number, amplitude: number, mode: "direct" | "integrator" = "direct") =>
      graph()
        .add("osc", oscillator({ waveform: "saw", frequency, amplitude, oversample: 4, quality: "fast", mode }))
        .add("g", gain({ gain: 0.8 }))
        .chain("osc", "g")
        .output("g");
    const frames = 600;
    const weights = new Float64Array(frames).map((_, i) => Math.sin(0.031 * i) + 0.2);
    const loss = async (f: number, a: number) => dot(weights, (await render(line(f, a), { frames })).samples);
    const r = await render(line(997, 0.4), { frames, record: true, blockFrames: 64 });
    const grads = await r.backward(weights, { wrt: ["osc.frequency", "osc.amplitude"], summed: true });
    r.release();
    // The increment is quantized to 2^-20 Hz: steps on that grid are seen exactly.
    const h = 2 ** -12;
    const dFrequency = ((await loss(997 + h, 0.4)) - (await loss(997 - h, 0.4))) / (2 * h);
    const dAmplitude = ((await loss(997, 1.4)) - (await loss(997, -0.6))) / 2; // linear in amplitude
    expect(Math.abs(dFrequency)).toBeGreaterThan(1e-4);
    const relative = (a: number | undefined, b: number) => Math.abs((a ?? NaN) - b) / Math.abs(b);
    expect(relative(grads["osc.frequency"]?.data[0], dFrequency)).toBeLessThan(1e-6);
    expect(relative(grads["osc.amplitude"]?.data[0], dAmplitude)).toBeLessThan(1e-10);
    // The integrator mode: its recursion's adjoint (the output stays linear in amplitude).
    const integrated = await render(line(997, 0.4, "integrator"), { frames, record: true, blockFrames: 64 });
    const viaIntegrator = await integrated.backward(weights, { wrt: ["osc.amplitude", "osc.frequency"], summed: true });
    integrated.release();
    const integratedLoss = async (f: number, a: number) => dot(weights, (await render(line(f, a, "integrator"), { frames })).samples);
    const dIntegrated = ((await integratedLoss(997, 1.4)) - (await integratedLoss(997, -0.6))) / 2;
    const dIntegratedFrequency = ((await integratedLoss(997 + h, 0.4)) - (await integratedLoss(997 - h, 0.4))) / (2 * h);
    expect(relative(viaIntegrator["osc.amplitude"]?.data[0], dIntegrated)).toBeLessThan(1e-10);
    expect(relative(viaIntegrator["osc.frequency"]?.data[0], dIntegratedFrequency)).toBeLessThan(1e-6);
  });

  it("differentiates an adsr's latched velocity (its only non-zero gradient) back to the gate's source", async () => {
    // osc (50 Hz) gates env with velocity: each attack's peak is the gate value on its rising
    // frame, so the loss depends on osc.amplitude through those frames only.
    const line = (amplitude: number) =>
      graph()
        .add("osc", sineOsc({ frequency: 50, amplitude }))
        .add("env", adsr({ attackMs: 2, decayMs: 5, sustain: 0.5, releaseMs: 3, velocity: true }))
        .add("g", gain({ gain: 1 }))
        .connect("osc", "env", { port: "gate" })
        .connect("env", "g")
        .output("g");
    const frames = 3000;
    const weights = new Float64Array(frames).map((_, i) => 1 + Math.sin(0.01 * i));
    const loss = async (a: number) => dot(weights, (await render(line(a), { frames })).samples);
    const r = await render(line(0.9), { frames, record: true, blockFrames: 100 });
    const grads = await r.backward(weights, { wrt: ["osc.amplitude"], summed: true });
    r.release();
    const dAmplitude = ((await loss(0.9 + 1e-6)) - (await loss(0.9 - 1e-6))) / 2e-6;
    expect(Math.abs(dAmplitude)).toBeGreaterThan(1);
    expect(Math.abs((grads["osc.amplitude"]?.data[0] ?? NaN) - dAmplitude) / Math.abs(dAmplitude)).toBeLessThan(1e-6);
  });

  it("differentiates through pitch_shift (every node of the catalogue has an adjoint)", async () => {
    // The shifter's output is linear in the sine's amplitude (peaks, frequencies and phases do
    // not depend on it), so central differences are exact up to rounding.
    const frames = 512;
    const line = (a: number) =>
      graph()
        .add("osc", sineOsc({ frequency: 1000, amplitude: a }))
        .add("ps", pitchShift({ window: 128, ratio: 1.5 }))
        .add("g", gain({ gain: 0.5 }))
        .chain("osc", "ps", "g")
        .output("g");
    const weights = new Float64Array(frames).map((_, i) => Math.sin(0.37 * i));
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);
    const loss = async (a: number) => dot(weights, (await render(line(a), { frames })).samples);
    const r = await render(line(0.4), { frames, record: true });
    const grads = await r.backward(weights, { wrt: ["osc.amplitude", "ps.ratio"], summed: true });
    r.release();
    const dAmplitude = ((await loss(0.4 + 1e-6)) - (await loss(0.4 - 1e-6))) / 2e-6;
    expect(Math.abs(dAmplitude)).toBeGreaterThan(1e-2);
    expect(Math.abs((grads["osc.amplitude"]?.data[0] ?? NaN) - dAmplitude) / Math.abs(dAmplitude)).toBeLessThan(1e-6);
    expect(Number.isFinite(grads["ps.ratio"]?.data[0] ?? NaN)).toBe(true);
  });

  it("refuses backward on a render that was not recorded, and bad arguments", async () => {
    const r = await render(chain(0.8), { frames: 32 });
    expect((await thrownAsync(() => r.backward(new Float64Array(32), { wrt: ["g.gain"] }))).message).toMatch(/record: true/);
    const recorded = await render(chain(0.8), { frames: 32, record: true });
    expect((await thrownAsync(() => recorded.backward(new Float64Array(31), { wrt: ["g.gain"] }))).message).toMatch(/32 values/);
    expect((await thrownAsync(() => recorded.backward(new Float64Array(32), { wrt: ["nope.gain"] }))).message).toMatch(/names no node/);
    expect((await thrownAsync(() => recorded.backward(new Float64Array(32), { wrt: ["g.bogus"] }))).message).toMatch(/unknown/);
    recorded.release();
    expect(() => l2Loss(new Float64Array(3), new Float64Array(2))).toThrow(AmpError);
  });

  it("l2Loss is the mean squared error with its gradient, from the runtime", () => {
    const { loss, dLdy } = l2Loss(Float64Array.of(1, 2, 4), Float64Array.of(1, 1, 2));
    expect(loss).toBeCloseTo(5 / 3, 15);
    expect(Array.from(dLdy)).toEqual([0, 2 / 3, 4 / 3]);
  });

  it("checkpointed recordings give the fully recorded gradients bit for bit, with a control history", async () => {
    // The input is a controller's curve; it fans out to g1 and g2 (which declares 5 frames of
    // latency, so the runtime compensates g1's path), a multiply edge modulates g1, and a
    // feedback loop runs through a delay.
    const g = graph()
      .add("x", controller({ curve: "x" }))
      .add("lfo", sineOsc({ frequency: 170, amplitude: 0.8 }))
      .add("g1", gain({ gain: 0.8 }))
      .add("g2", gain({ gain: -0.7, declaredDelayFrames: 5 }))
      .add("sum", mix({ channels: 1 }))
      .add("d", delay({ frames: 3 }))
      .add("fb", gain({ gain: 0.6 }))
      .add("out", safety({ limit: 10 }))
      .connect("x", "g1")
      .connect("x", "g2")
      .connect("g1", "sum")
      .connect("g2", "sum")
      .connect("fb", "sum")
      .chain("sum", "d", "fb")
      .connect("sum", "out")
      .modulate("lfo", "g1.gain", { mode: "multiply", scale: 1.5 })
      .output("out");
    const frames = 1000;
    const history = {
      x: {
        points: [
          [0, 0.2],
          [300, -0.5],
          [310, 0.9],
          [999, 0.1],
        ] as [number, number][],
        unit: "frames" as const,
      },
    };
    const dLdy = new Float64Array(2 * frames).map((_, i) => Math.sin(0.31 * i) - 0.1);
    const wrt = ["x", "g1.gain", "fb.gain", "lfo.amplitude", "lfo.frequency"];
    const gradients = async (record: true | { checkpointFrames: number }, blockFrames: number) => {
      const r = await render(g, { frames, batches: 2, blockFrames, history, record });
      const grads = await r.backward(dLdy, { wrt });
      // The stream state is the render's after the pass: a second pass gives the same bits.
      const again = await r.backward(dLdy, { wrt });
      r.release();
      for (const w of wrt) expect(Array.from(again[w]?.data ?? [])).toEqual(Array.from(grads[w]?.data ?? []));
      return { samples: r.samples, grads };
    };
    const full = await gradients(true, 512);
    for (const [checkpointFrames, blockFrames] of [
      [512, 512],
      [333, 512],
      [1, 64],
      [37, 37],
      [5000, 128],
    ] as const) {
      const checkpointed = await gradients({ checkpointFrames }, blockFrames);
      expect(Array.from(checkpointed.samples)).toEqual(Array.from(full.samples));
      for (const w of wrt) expect(Array.from(checkpointed.grads[w]?.data ?? [])).toEqual(Array.from(full.grads[w]?.data ?? []));
    }
    expect(full.grads["x"]?.data.some((v) => v !== 0)).toBe(true);
    // Sizes: one segment's values (a tenth of the span here) plus a snapshot per segment.
    const runtime = Runtime.create(g, { batches: 2 });
    expect(runtime.recordSize(480000, { checkpointFrames: 48000 })).toBeLessThan(runtime.recordSize(480000) / 5);
    expect(() => runtime.recordSize(1000, { checkpointFrames: 0 })).toThrow(/checkpointFrames/);
    runtime.dispose();
    const bad = await thrownAsync(() => render(g, { frames: 10, history, record: { checkpointFrames: 2.5 } }));
    expect(bad.message).toMatch(/checkpointFrames.*integer in \[1, 2\^40\]/);
    const extra = await thrownAsync(() => render(g, { frames: 10, history, record: { checkpointFrames: 5, every: 3 } as never }));
    expect(extra.message).toMatch(/every/);
  });

  it("differentiates with respect to control-history points (values, and linear times in the curve's unit)", async () => {
    const g = graph()
      .add("ctl", controller({ curves: ["a", "b"], scale: 1.3 }))
      .add("osc", sineOsc({ frequency: 200, amplitude: 0.5 }))
      .add("m", gain({ gain: 0.5 }))
      .add("out", safety({ limit: 10 }))
      .chain("osc", "m", "out")
      .modulate("ctl.a", "osc.frequency", { mode: "add", scale: 100 })
      .modulate("ctl.b", "m.gain", { mode: "multiply" })
      .output("out");
    const frames = 480;
    const sampleRate = 48000;
    const aTimes = [-0.00001, 0.0021, 0.0052, 0.00999];
    const aValues = [0.1, 0.9, -0.4, 0.6];
    const history = (at: number[], av: number[], bv: number[]) => ({
      a: at.map((t, i) => [t, av[i] ?? 0] as [number, number]),
      b: { points: bv.map((v, i) => [i * 200, v] as [number, number]), unit: "frames" as const, interpolation: "step" as const },
    });
    const bValues = [1, 0.3, 0.8];
    const dLdy = new Float64Array(2 * frames).map((_, i) => Math.cos(0.21 * i) + 0.3);
    const loss = async (at: number[], av: number[], bv: number[]) =>
      dot(dLdy, (await render(g, { frames, batches: 2, sampleRate, history: history(at, av, bv) })).samples);
    const r = await render(g, { frames, batches: 2, sampleRate, history: history(aTimes, aValues, bValues), record: true });
    const grad = (await r.backward(dLdy, { wrt: ["ctl.history"] }))["ctl.history"];
    r.release();
    const curves = grad?.curves ?? {};
    expect(grad?.shape).toEqual({ batches: 1, channels: 1, frames: 14 });
    const h = 1e-6;
    const close = (analytic: number | undefined, numeric: number) =>
      expect(Math.abs((analytic ?? NaN) - numeric)).toBeLessThan(2e-6 * Math.max(1e-3, Math.abs(numeric)));
    for (const i of [0, 2]) {
      const plus = [...aValues];
      const minus = [...aValues];
      plus[i] = (plus[i] ?? 0) + h;
      minus[i] = (minus[i] ?? 0) - h;
      close(curves["a"]?.values[i], ((await loss(aTimes, plus, bValues)) - (await loss(aTimes, minus, bValues))) / (2 * h));
    }
    // A time in seconds: a step of 1e-9 s (0.000048 frames).
    const ht = 1e-9;
    const later = [...aTimes];
    const earlier = [...aTimes];
    later[1] = (later[1] ?? 0) + ht;
    earlier[1] = (earlier[1] ?? 0) - ht;
    close(curves["a"]?.times[1], ((await loss(later, aValues, bValues)) - (await loss(earlier, aValues, bValues))) / (2 * ht));
    const bPlus = [1, 0.3 + h, 0.8];
    const bMinus = [1, 0.3 - h, 0.8];
    close(curves["b"]?.values[1], ((await loss(aTimes, aValues, bPlus)) - (await loss(aTimes, aValues, bMinus))) / (2 * h));
    expect(Array.from(curves["b"]?.times ?? [])).toEqual([0, 0, 0]);
    // Without a history, and on a node that reads none: refused.
    const plain = await render(chain(0.8), { frames: 32, record: true });
    expect((await thrownAsync(() => plain.backward(new Float64Array(32), { wrt: ["g.history"] }))).message).toMatch(
      /needs a render made with a history/,
    );
    plain.release();
  });

  it("spectralL2Loss: STFT magnitudes from the runtime against a reference here, its gradient through backward", async () => {
    // The reference: frames with size - hop zeros first, a periodic hann window, a direct DFT.
    const reference = (y: Float64Array, t: Float64Array, size: number, hop: number) => {
      const pad = size - hop;
      const frames = Math.floor((y.length - 1 + pad) / hop) + 1;
      const bins = Math.floor(size / 2) + 1;
      let total = 0;
      for (let m = 0; m < frames; m += 1)
        for (let k = 0; k < bins; k += 1) {
          let [yr, yi, tr, ti] = [0, 0, 0, 0];
          for (let j = 0; j < size; j += 1) {
            const n = m * hop + j - pad;
            if (n < 0 || n >= y.length) continue;
            const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / size);
            const a = (-2 * Math.PI * ((j * k) % size)) / size;
            yr += w * (y[n] ?? 0) * Math.cos(a);
            yi += w * (y[n] ?? 0) * Math.sin(a);
            tr += w * (t[n] ?? 0) * Math.cos(a);
            ti += w * (t[n] ?? 0) * Math.sin(a);
          }
          total += (Math.hypot(yr, yi) - Math.hypot(tr, ti)) ** 2;
        }
      return total / (frames * bins);
    };
    const target = (await render(chain(0.37, 440), { frames: 400 })).samples;
    const spectral = { size: 64, hop: 16 };
    const r = await render(chain(0.8), { frames: 400, record: true });
    const { loss, dLdy } = spectralL2Loss(r.samples, target, spectral);
    expect(Math.abs(loss - reference(r.samples, target, 64, 16))).toBeLessThan(1e-12 * loss);
    const slope = (await r.backward(dLdy, { wrt: ["g.gain"], summed: true }))["g.gain"]?.data[0] ?? NaN;
    r.release();
    const h = 1e-6;
    const at = async (g: number) => spectralL2Loss((await render(chain(g), { frames: 400 })).samples, target, spectral).loss;
    const numeric = ((await at(0.8 + h)) - (await at(0.8 - h))) / (2 * h);
    expect(Math.abs(slope - numeric)).toBeLessThan(1e-6 * Math.abs(numeric));
    expect(() => spectralL2Loss(r.samples, target, { size: 64, hop: 65 })).toThrow(/hop.*integer in \[1, 64\]/);
    expect(() => spectralL2Loss(r.samples, target, { size: 64, hop: 16, window: "nope" as never })).toThrow(/window/);
    expect(() => spectralL2Loss(r.samples, target, { size: 64, hop: 16, lanes: 3 })).toThrow(/lanes \(3\) x frames/);
  });

  it("Runtime: the recording size grows with the span, a later recorded render replaces an earlier one", async () => {
    const runtime = Runtime.create(chain(0.8));
    expect(runtime.recordSize(2000)).toBeGreaterThan(runtime.recordSize(1000));
    const first = await runtime.render(64, { record: true });
    const second = await runtime.render(64, { record: true });
    expect((await thrownAsync(() => first.backward(new Float64Array(64), { wrt: ["g.gain"] }))).message).toMatch(/replaced/);
    const grads = await second.backward(new Float64Array(64).fill(1), { wrt: ["g.gain"], summed: true });
    expect(Number.isFinite(grads["g.gain"]?.data[0])).toBe(true);
    runtime.dispose();
  });
});
