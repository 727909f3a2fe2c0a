// The FFT divider through the public API: identity with its declared latency, the band-metrics tap
// per analysis frame (named columns, record times, Parseval, block invariance, an LFO moving the
// band), plot.bands from the tap, telemetry through NodeRunner forward and backward, the adjoint
// (dot-product test), and refusals. The numbers come from C++; the test computes its own
// references.
import { describe, expect, it } from "vitest";

import { AmpError, fftDivider, graph, NodeRunner, plot, render, Runtime, sineOsc } from "../src/index";

const RATE = 48000;

function noise(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function divided(options: Parameters<typeof fftDivider>[0], lfo = false) {
  let g = graph()
    .add("src", sineOsc({ frequency: 3000, amplitude: 0.9, channels: 2 }))
    .add("div", fftDivider(options))
    .connect("src", "div")
    .output("div");
  if (lfo) g = g.add("lfo", sineOsc({ frequency: 40, amplitude: 0.2 })).modulate("lfo", "div.lower_band", { mode: "add" });
  return g;
}

describe("fft_divider", () => {
  it("is the identity delayed by the latency it declares (W - 1)", async () => {
    const x = noise(4000, 1);
    const runner = NodeRunner.create("div", fftDivider({ windowSize: 256, hop: 64, window: "hann" }));
    try {
      const y = runner.forward([{ samples: x, shape: { batches: 1, channels: 1, frames: x.length } }]);
      let worst = 0;
      for (let t = 255; t < x.length; t++) worst = Math.max(worst, Math.abs(y.samples[t]! - x[t - 255]!));
      expect(worst).toBeLessThan(1e-12);
      expect(y.metrics.measuredDelayFrames).toBe(255);
    } finally {
      runner.dispose();
    }
    const result = await render(divided({ windowSize: 256 }), { frames: 10 });
    expect(result.summary.latencyFrames).toBe(255);
    expect(result.nodes["div"]?.declaredDelayFrames).toBe(255);
  });

  it("publishes band metrics per analysis frame, with named columns and record times", async () => {
    const result = await render(divided({ windowSize: 64, hop: 16, upperBand: 0.9, filterIntensity: 0.7 }, true), {
      frames: 1000,
      batches: 2,
    });
    const bands = result.taps["div.bands"]!;
    expect(result.taps["div.spectrum"]).toBeUndefined();
    expect(bands).toMatchObject({ node: "div", name: "bands", batches: 2, frames: 1000, records: 62, period: 16, groups: 2, values: 18 });
    expect(bands.columns).toEqual([
      "lower",
      "upper",
      "intensity",
      "phase",
      "in_band",
      "out_of_band",
      "mean_abs_d",
      "in_band_db",
      "out_of_band_db",
    ]);
    expect(bands.data.length).toBe(2 * 18 * 62);
    // The divider's input and the LFO, rendered alone.
    const input = (
      await render(
        graph()
          .add("src", sineOsc({ frequency: 3000, amplitude: 0.9 }))
          .output("src"),
        { frames: 1000 },
      )
    ).samples;
    const lfoValues = (
      await render(
        graph()
          .add("lfo", sineOsc({ frequency: 40, amplitude: 0.2 }))
          .output("lfo"),
        { frames: 1000 },
      )
    ).samples;
    const w = Array.from({ length: 64 }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / 64));
    for (let r = 0; r < bands.records; r++) {
      const t = r * 16 + 15;
      expect(bands.times[r]).toBe(t / RATE);
      const lfo = lfoValues[t]!;
      expect(bands.series("lower", 1, 1)[r]).toBeCloseTo(Math.max(0, lfo), 9);
      expect(bands.series("upper")[r]).toBe(0.9);
      expect(bands.series("intensity", 0, 1)[r]).toBe(0.7);
      // Parseval: in-band + out-of-band energy = the windowed frame's energy (divisor 1).
      let energy = 0;
      for (let j = 0; j < 64; j++) {
        const i = t - 63 + j;
        const s = i >= 0 ? input[i]! : 0;
        energy += (w[j]! * s) ** 2;
      }
      expect(bands.series("in_band")[r]! + bands.series("out_of_band")[r]!).toBeCloseTo(energy, 8);
    }
    // Block and call invariance of the tap.
    const runtime = Runtime.create(divided({ windowSize: 64, hop: 16, upperBand: 0.9, filterIntensity: 0.7 }, true), {
      batches: 2,
      blockFrames: 37,
    });
    try {
      const first = await runtime.render(500);
      const second = await runtime.render(500);
      const a = first.taps["div.bands"]!;
      const b = second.taps["div.bands"]!;
      expect(a.records + b.records).toBe(62);
      expect([...a.times, ...b.times]).toEqual([...bands.times]);
      for (const column of bands.columns)
        for (const batch of [0, 1])
          for (const channel of [0, 1])
            expect([...a.series(column, batch, channel), ...b.series(column, batch, channel)]).toEqual([
              ...bands.series(column, batch, channel),
            ]);
    } finally {
      runtime.dispose();
    }
    expect(() => bands.series("nope")).toThrow(/expects one of "lower"/);
    expect(() => bands.series("lower", 2)).toThrow(AmpError);
  });

  it("publishes the spectrum tap on request: W complex bins per channel and frame", async () => {
    const result = await render(divided({ windowSize: 32, hop: 8, spectrumTap: true }), { frames: 400 });
    const spectrum = result.taps["div.spectrum"]!;
    expect(spectrum).toMatchObject({ records: 50, groups: 2 * 32, values: 2 * 32 * 2 });
    expect(spectrum.columns).toEqual(["re", "im"]);
    // Bin 0 (DC) is real; bin W - k is the conjugate of bin k (channel 1 = group 32 + k).
    const r = 20;
    expect(spectrum.series("im", 0, 32)[r]).toBe(0);
    expect(spectrum.series("re", 0, 32 + 3)[r]).toBe(spectrum.series("re", 0, 32 + 29)[r]);
    expect(spectrum.series("im", 0, 32 + 3)[r]).toBe(-spectrum.series("im", 0, 32 + 29)[r]!);
  });

  it("draws its band metrics with plot.bands(result, node)", async () => {
    const result = await render(divided({ windowSize: 512, hop: 128, upperBand: 0.5 }, true), { seconds: 0.5 });
    const figure = plot.bands(result, "div", { channel: 1 });
    const json = figure.toJSON() as unknown as { data: readonly { name: string }[] };
    expect(json.data.map((trace) => trace.name)).toEqual([
      "upper edge",
      "band",
      "intensity",
      "phase offset (rad)",
      "in band",
      "out of band",
    ]);
    expect(() => plot.bands(result, "src")).toThrow(/no tap "src.bands"/);
    expect(() => plot.bands(result, "div", { channel: 2 })).toThrow(/channel/);
  });

  it("reports phase, band, intensity, W and algorithm in reserved[0..5], forward and backward", () => {
    const runner = NodeRunner.create(
      "div",
      fftDivider({ windowSize: 64, hop: 16, phaseOffset: 0.3, lowerBand: 0.6, upperBand: 0.1, filterIntensity: 0.8, algorithm: "dft" }),
    );
    try {
      const x = noise(500, 3);
      const forward = runner.forward([{ samples: x, shape: { batches: 1, channels: 1, frames: 500 } }]);
      const backward = runner.backward({ samples: noise(500, 4), shape: { batches: 1, channels: 1, frames: 500 } });
      const expected = [0.3, 0.1, 0.6, 0.8, 64, 1]; // the band edges swapped
      expect(forward.metrics.reserved).toEqual(expected);
      expect(backward.metrics.reserved).toEqual(expected);
    } finally {
      runner.dispose();
    }
  });

  it("runs its exact adjoint backward: <A x, v> = <x, A^T v>", () => {
    for (const [window, windowSize, hop] of [
      ["hann", 32, 8],
      ["hamming", 32, 16],
      ["blackman", 30, 6],
      ["rect", 32, 32],
    ] as const) {
      const runner = NodeRunner.create(
        "div",
        fftDivider({ windowSize, hop, window, lowerBand: 0.2, upperBand: 0.6, filterIntensity: 0.7, phaseOffset: 0.8, divisor: 1.3 }),
      );
      try {
        const n = 700;
        const x = noise(2 * n, 5);
        const v = noise(2 * n, 6);
        const shape = { batches: 1, channels: 2, frames: n };
        const y = runner.forward([{ samples: x, shape }]).samples;
        // Backward windows walk from the end of the forward stream: 300 then 400 frames.
        const tail = runner.backward({ samples: slice(v, 2, n, 400, 300), shape: { ...shape, frames: 300 } }).samples;
        const head = runner.backward({ samples: slice(v, 2, n, 0, 400), shape: { ...shape, frames: 400 } }).samples;
        let left = 0;
        let right = 0;
        for (let i = 0; i < y.length; i++) left += y[i]! * v[i]!;
        for (let c = 0; c < 2; c++) {
          for (let f = 0; f < 400; f++) right += x[c * n + f]! * head[c * 400 + f]!;
          for (let f = 0; f < 300; f++) right += x[c * n + 400 + f]! * tail[c * 300 + f]!;
        }
        expect(Math.abs(left - right) / Math.abs(left)).toBeLessThan(1e-10);
      } finally {
        runner.dispose();
      }
    }
  });

  it("refuses a declared delay other than its latency, naming both numbers", async () => {
    await expect(render(divided({ windowSize: 64, declaredDelayFrames: 10 }), { frames: 10 })).rejects.toThrow(
      /declared_delay_frames.*exactly 63.*got 10/,
    );
    await expect(render(divided({ windowSize: 64, hop: 65 }), { frames: 10 })).rejects.toThrow(/"hop".*at most window_size/);
  });
});

// Frames [from, from + n) of every channel of a 1-batch planar tensor with `frames` frames.
function slice(data: Float64Array, channels: number, frames: number, from: number, n: number): Float64Array {
  const out = new Float64Array(channels * n);
  for (let c = 0; c < channels; c++) out.set(data.subarray(c * frames + from, c * frames + from + n), c * n);
  return out;
}
