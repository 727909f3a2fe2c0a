// Gradients through the adjoints of integrator, pitch_quantizer, oscillator_pitch, subharmonic,
// the sampler's rate and fft_divider in the graph pass, from TypeScript: render({ record: true })
// then result.backward(), against central differences (or, for linear paths, a unit step) of
// the same loss rendered natively (docs/gradients.md).
import { describe, expect, it } from "vitest";

import {
  constant,
  fftDivider,
  gain,
  graph,
  integrator,
  oscillatorPitch,
  pitchQuantizer,
  render,
  sampler,
  sineOsc,
  subharmonic,
} from "../src/index";
import type { Graph } from "../src/index";

function dot(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 1) total += (a[i] ?? 0) * (b[i] ?? 0);
  return total;
}

function weightsFor(length: number): Float64Array {
  return new Float64Array(length).map((_, i) => Math.cos(0.013 * i) + 0.3 * Math.sin(0.17 * i));
}

// The summed gradient of <weights, y> with respect to `wrt` against central differences of the
// same loss (step `h`), for graphs built by `line(value)`.
async function checkSummed(
  line: (value: number) => Graph,
  value: number,
  wrt: string,
  frames: number,
  h: number,
  options: Parameters<typeof render>[1] = {},
): Promise<{ analytic: number; numeric: number }> {
  const r = await render(line(value), { ...options, frames, record: true });
  const weights = weightsFor(r.samples.length);
  const grads = await r.backward(weights, { wrt: [wrt], summed: true });
  r.release();
  const loss = async (v: number) => dot(weights, (await render(line(v), { ...options, frames })).samples);
  const numeric = ((await loss(value + h)) - (await loss(value - h))) / (2 * h);
  return { analytic: grads[wrt]?.data[0] ?? NaN, numeric };
}

describe("adjoints of the control and modulation nodes", () => {
  it("integrator: limited by a slew rate, the gradient passes free frames and stops at bound ones", async () => {
    // The input is the output's slope: a sine of amplitude 0.5 units/s, above the slew of 0.3
    // units/s near its peaks, where the limit binds (about 40 % of the frames).
    const line = (a: number, slewRate = 0.3) =>
      graph()
        .add("osc", sineOsc({ frequency: 330, amplitude: a }))
        .add("int", integrator({ slewRate }))
        .add("g", gain({ gain: 1000 }))
        .chain("osc", "int", "g")
        .output("g");
    const limited = await checkSummed((a) => line(a), 0.5, "osc.amplitude", 480, 1e-6);
    const free = await checkSummed((a) => line(a, 0), 0.5, "osc.amplitude", 480, 1e-6);
    expect(Math.abs(limited.numeric)).toBeGreaterThan(1e-3);
    expect(Math.abs(limited.analytic - limited.numeric)).toBeLessThan(1e-6 * Math.abs(limited.numeric));
    expect(Math.abs(free.analytic - free.numeric)).toBeLessThan(1e-6 * Math.abs(free.numeric));
    // The limit changes the gradient (it is not the free running sum's).
    expect(Math.abs(limited.analytic - free.analytic)).toBeGreaterThan(1e-3 * Math.abs(free.analytic));
  });

  it("pitch_quantizer: piecewise constant, so its input gradient is exactly 0", async () => {
    const line = (v: number) =>
      graph()
        .add("c", constant({ value: v }))
        .add("q", pitchQuantizer({ glideMs: 2 }))
        .chain("c", "q")
        .output("q");
    const r = await render(line(0.3), { frames: 64, record: true });
    const grads = await r.backward(new Float64Array(64).fill(1), { wrt: ["c.value"], summed: true });
    r.release();
    expect(grads["c.value"]?.data[0]).toBe(0);
    // The output does not move for a small change of the input (off a rounding threshold).
    const near = await render(line(0.3 + 1e-6), { frames: 64 });
    expect(near.samples).toEqual((await render(line(0.3), { frames: 64 })).samples);
  });

  it("oscillator_pitch: root_hz and a modulator of offset_cents through the slew recursion", async () => {
    const line = (root: number, depth = 300) =>
      graph()
        .add("lfo", sineOsc({ frequency: 90, amplitude: depth }))
        .add("op", oscillatorPitch({ rootHz: root, slewHzPerS: 20000, minFreq: 380 }))
        .modulate("lfo", "op.offset_cents", { mode: "add", scale: 1 })
        .output("op");
    const root = await checkSummed((v) => line(v), 440, "op.root_hz", 600, 1e-4);
    expect(Math.abs(root.numeric)).toBeGreaterThan(1);
    expect(Math.abs(root.analytic - root.numeric)).toBeLessThan(1e-6 * Math.abs(root.numeric));
    const depth = await checkSummed((v) => line(440, v), 300, "lfo.amplitude", 600, 1e-4);
    expect(Math.abs(depth.numeric)).toBeGreaterThan(1e-2);
    expect(Math.abs(depth.analytic - depth.numeric)).toBeLessThan(1e-6 * Math.abs(depth.numeric));
  });

  it("subharmonic: the input gradient through the band, the envelope, tanh and the output high-pass", async () => {
    const line = (a: number) =>
      graph()
        .add("osc", sineOsc({ frequency: 220, amplitude: a }))
        .add("sub", subharmonic({ mix: 0.8, div4: 0.5 }))
        .chain("osc", "sub")
        .output("sub");
    const { analytic, numeric } = await checkSummed(line, 0.6, "osc.amplitude", 2400, 1e-6);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric)).toBeLessThan(1e-6 * Math.abs(numeric));
  });

  it("fft_divider: its exact adjoint runs in the graph pass, between other nodes, over split renders", async () => {
    // osc -> g -> fd (W 64, divisor 2, a band gate, a phase turn) -> out, plus osc -> out directly
    // (latency-compensated by the divider's 63 frames). Linear in g.gain: the summed gradient
    // equals the loss's change over a unit step, and is the same bits at blocks 512, 37 and 1.
    const line = (k: number) =>
      graph()
        .add("osc", sineOsc({ frequency: 1200, amplitude: 0.5 }))
        .add("g", gain({ gain: k }))
        .add("fd", fftDivider({ windowSize: 64, divisor: 2, lowerBand: 0.02, upperBand: 0.2, filterIntensity: 0.8, phaseOffset: 0.7 }))
        .add("out", gain({ gain: 1 }))
        .chain("osc", "g", "fd", "out")
        .connect("osc", "out")
        .output("out");
    const frames = 700;
    const weights = weightsFor(frames);
    const gradients: number[] = [];
    for (const blockFrames of [512, 37, 1]) {
      const r = await render(line(0.6), { frames, record: true, blockFrames });
      const grads = await r.backward(weights, { wrt: ["g.gain"], summed: true });
      r.release();
      gradients.push(grads["g.gain"]?.data[0] ?? NaN);
    }
    const loss = async (k: number) => dot(weights, (await render(line(k), { frames })).samples);
    const numeric = (await loss(1.6)) - (await loss(0.6));
    expect(Math.abs(numeric)).toBeGreaterThan(0.1);
    expect(Math.abs((gradients[0] ?? NaN) - numeric)).toBeLessThan(1e-10 * Math.abs(numeric));
    expect(gradients[1]).toBe(gradients[0]);
    expect(gradients[2]).toBe(gradients[0]);
  });

  it("sampler: the gradient with respect to the playback rate, through the read position", async () => {
    const sound = new Float64Array(400).map((_, i) => Math.sin(0.05 * i) + 0.3 * Math.sin(0.31 * i));
    const buffers = { smp: { samples: sound, channels: 1, frames: sound.length, sampleRate: 48000 } };
    for (const interpolation of ["cubic", "linear"] as const) {
      const line = (rate: number) =>
        graph()
          .add("smp", sampler({ rate, loop: true, loopStart: 50, interpolation }))
          .output("smp");
      // 0.913, not 0.9: a rate of 9/10 puts every tenth frame exactly on a buffer frame, the
      // linear curve's kinks, where central differences average the two one-sided slopes.
      const { analytic, numeric } = await checkSummed(line, 0.913, "smp.rate", 900, 1e-6, { buffers });
      expect(Math.abs(numeric)).toBeGreaterThan(1);
      expect(Math.abs(analytic - numeric)).toBeLessThan(1e-6 * Math.abs(numeric));
    }
  });
});
