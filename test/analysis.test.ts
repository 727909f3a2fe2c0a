// The analysis functions through the public API: references, axes, the acceptance list
// and bad input (needs build/Release/amp_kpn.node).
import { describe, expect, it } from "vitest";
import {
  AmpError,
  analyzeLevels,
  bandEnergy,
  envelope,
  graph,
  istft,
  peaks,
  render,
  sineOsc,
  spectrogram,
  spectrum,
  stft,
  windowFunction,
  WINDOW_NAMES,
  type AnalysisSignal,
  type WindowName,
} from "../src/index";

const RATE = 48000;

function sine(frequency: number, amplitude: number, frames: number, phase = 0): Float64Array {
  const x = new Float64Array(frames);
  for (let i = 0; i < frames; i++) x[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE + phase);
  return x;
}

function mono(samples: Float64Array, sampleRate = RATE): AnalysisSignal {
  return { samples, shape: { batches: 1, channels: 1, frames: samples.length }, sampleRate };
}

/** Deterministic uniform noise in [-1, 1). */
function noise(frames: number, seed: number): Float64Array {
  let state = BigInt(seed);
  const x = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    x[i] = Number(state >> 11n) / 2 ** 52 - 1;
  }
  return x;
}

function argmax(values: Float64Array, from = 0, to = values.length): number {
  let best = from;
  for (let i = from; i < to; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best - from;
}

function expectAmpError(fn: () => unknown, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AmpError);
  for (const part of parts) expect((caught as Error).message).toContain(part);
}

describe("windowFunction()", () => {
  it("gives the samples and the gains of each window", () => {
    const hann = windowFunction("hann", 8);
    expect(Array.from(hann.values)).toEqual(
      Array.from({ length: 8 }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / 8)).map((v, j) => (j === 0 ? 0 : v)),
    );
    expect(hann.coherentGain).toBeCloseTo(0.5, 15);
    expect(hann.energyGain).toBeCloseTo(0.375, 15);
    expect(hann.enbwBins).toBeCloseTo(1.5, 14);
    expect(windowFunction("hann", 4096).scallopingLossDb).toBeCloseTo(1.42, 2);
    expect(windowFunction("rect", 4096).scallopingLossDb).toBeCloseTo(3.92, 2);
    const symmetric = windowFunction("blackman", 9, { symmetric: true });
    for (let j = 0; j < 9; j++) expect(symmetric.values[j]).toBeCloseTo(symmetric.values[8 - j] ?? NaN, 15);
    expect(windowFunction("kaiser", 16, { beta: 0 }).values.every((v) => v === 1)).toBe(true);
    for (const name of WINDOW_NAMES) expect(windowFunction(name, 64).values).toHaveLength(64);
  });

  it("refuses bad names, sizes and options", () => {
    expectAmpError(() => windowFunction("hanning" as WindowName, 8), '"window"', '"hann"');
    expectAmpError(() => windowFunction("hann", 0), '"n"', "[1, 16777216]");
    expectAmpError(() => windowFunction("hann", 8.5), '"n"', "got 8.5");
    expectAmpError(() => windowFunction("hann", 8, { beta: 3 }), '"beta"', 'unless window is "kaiser"');
    expectAmpError(() => windowFunction("kaiser", 8, { beta: 60 }), '"beta"', "[0, 50]");
  });
});

describe("stft() / istft()", () => {
  const cases: [WindowName, number][] = [
    ["hann", 16],
    ["hamming", 32],
    ["blackman", 16],
    ["rect", 64],
  ];
  it.each(cases)("istft(stft(x)) = x for %s at hop %i (size 64)", (name, hop) => {
    const x = noise(1000, 3);
    const transform = stft(x, { size: 64, hop, window: name });
    expect(transform.frames).toBe(Math.floor((1000 - 1 + 64 - hop) / hop) + 1);
    expect(transform.bins).toBe(33);
    const y = istft(transform);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((y[i] ?? NaN) - (x[i] ?? NaN)));
    expect(worst).toBeLessThan(1e-12);
    expect(istft(transform, 10)).toHaveLength(10);
  });

  it("refuses a hop whose overlap-added window vanishes and bad arguments", () => {
    expectAmpError(() => stft(noise(100, 1), { size: 64, hop: 64, window: "hann" }), '"hop"', "vanishes");
    expectAmpError(() => stft(noise(100, 1), { size: 64, hop: 65 }), '"hop"', "[1, 64]");
    expectAmpError(() => stft(new Float64Array(0)), '"samples"', "at least 1 sample");
    expectAmpError(
      () => stft(new Float64Array([1, Number.NaN, 3]), { size: 4, hop: 1 }),
      '"samples"',
      "NaN at batch 0, channel 0, frame 1",
    );
  });
});

describe("spectrum()", () => {
  it("reads a full-scale sine at a bin centre as 0 dBFS for every window", () => {
    const signal = mono(sine(1500, 1, 8192, 0.4));
    for (const name of WINDOW_NAMES) {
      const s = spectrum(signal, { size: 256, window: name });
      expect(s.binHz).toBe(RATE / 256);
      expect(s.frequencies[8]).toBe(1500);
      expect(s.powerDb[8]).toBeGreaterThan(-0.05);
      expect(s.powerDb[8]).toBeLessThan(0.05);
      expect(argmax(s.powerDb)).toBe(8);
      expect(s.segments).toBe(Math.floor((8192 - 256) / 128) + 1);
      expect(s.units.powerDb).toBe("dBFS");
    }
  });

  it("reads a sine half a bin off within the window's scalloping loss", () => {
    const signal = mono(sine(8.5 * (RATE / 256), 1, 8192));
    for (const name of WINDOW_NAMES) {
      const s = spectrum(signal, { size: 256, window: name });
      const top = Math.max(...s.powerDb);
      expect(top).toBeLessThan(0.05);
      expect(top).toBeGreaterThan(-s.gains.scallopingLossDb - 0.05);
    }
  });

  it("gives white noise of variance s^2 a flat PSD at s^2 / (sr / 2)", () => {
    const x = noise(1 << 18, 11); // uniform in [-1, 1): variance 1/3
    const s = spectrum(mono(x), { size: 256 });
    const expected = 10 * Math.log10(1 / 3 / (RATE / 2));
    for (let k = 1; k < s.psdDb.length - 1; k++) expect(Math.abs((s.psdDb[k] ?? NaN) - expected)).toBeLessThan(0.5);
  });

  it("resamples to a log axis for display, keeping peaks, with a floor", () => {
    const s = spectrum(mono(sine(1000, 0.5, 16384)), { size: 1024, scale: "log", points: 200, minHz: 20, floorDb: -140 });
    expect(s.frequencies).toHaveLength(200);
    expect(s.frequencies[0]).toBeCloseTo(20, 9);
    expect(s.frequencies[199]).toBeCloseTo(24000, 9);
    expect(Math.max(...s.powerDb)).toBeGreaterThan(-6.03 - 1.5);
    expect(Math.min(...s.powerDb)).toBeGreaterThanOrEqual(-140);
    const silent = spectrum(mono(new Float64Array(4096)), { size: 1024, floorDb: -140 });
    expect(silent.powerDb.every((v) => v === -140)).toBe(true);
  });

  it("analyses the selected lanes, planar over the selection", () => {
    const frames = 4096;
    const samples = new Float64Array(2 * 2 * frames);
    samples.set(sine(1500, 1, frames), (1 * 2 + 0) * frames); // batch 1, channel 0
    samples.set(sine(3000, 1, frames), (1 * 2 + 1) * frames); // batch 1, channel 1
    const s = spectrum(
      { samples, shape: { batches: 2, channels: 2, frames }, sampleRate: RATE },
      { size: 256, batches: [1], channels: [1, 0] },
    );
    expect(s.shape).toEqual({ batches: 1, channels: 2, points: 129 });
    expect(s.channels).toEqual([1, 0]);
    expect(argmax(s.powerDb, 0, 129)).toBe(16);
    expect(argmax(s.powerDb, 129, 258)).toBe(8);
  });
});

describe("peaks()", () => {
  it("reads a 1 kHz sine within 0.01 bin and 0.1 dB", () => {
    const [peak] = peaks(mono(sine(1000, 0.25, 32768, 0.7)), { size: 1024 });
    const bin = 1000 / (RATE / 1024);
    expect(peak).toBeDefined();
    expect(Math.abs((peak?.bin ?? NaN) - bin)).toBeLessThan(0.01);
    expect(Math.abs((peak?.frequency ?? NaN) - 1000)).toBeLessThan(0.01 * (RATE / 1024));
    expect(Math.abs((peak?.levelDb ?? NaN) - 20 * Math.log10(0.25))).toBeLessThan(0.1);
  });

  it("lists the strongest peaks first", () => {
    const x = sine(1000, 0.25, 16384);
    const y = sine(5000, 0.5, 16384);
    for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) + (y[i] ?? 0);
    const found = peaks(mono(x), { size: 1024, count: 2, window: "blackman-harris" });
    expect(found.map((p) => Math.round(p.frequency))).toEqual([5000, 1000]);
  });
});

describe("spectrogram()", () => {
  it("follows a linear chirp within one bin in every column", () => {
    const seconds = 2;
    const frames = RATE * seconds;
    const [f0, f1] = [200, 20000];
    const x = new Float64Array(frames);
    for (let i = 0; i < frames; i++) {
      const t = i / RATE;
      x[i] = Math.sin(2 * Math.PI * (f0 * t + (0.5 * (f1 - f0) * t * t) / seconds));
    }
    const s = spectrogram(mono(x), { size: 512, overlap: 0.5 });
    expect(s.shape.columns).toBe(s.frames);
    expect(s.times[0]).toBeCloseTo(256 / RATE, 15);
    expect(s.maxDb).toBe(Math.max(...s.db));
    expect(s.minDb).toBe(Math.min(...s.db));
    const binHz = RATE / 512;
    for (let c = 0; c < s.shape.columns; c++) {
      const top = argmax(s.db, c * s.shape.rows, (c + 1) * s.shape.rows);
      const expected = (f0 + ((f1 - f0) * (s.times[c] ?? NaN)) / seconds) / binHz;
      expect(Math.abs(top - expected)).toBeLessThanOrEqual(1);
    }
  });

  it("groups frames into at most maxColumns columns and resamples rows on a mel scale", () => {
    const s = spectrogram(mono(noise(48000, 5)), { size: 256, maxColumns: 100, scale: "mel", rows: 40 });
    expect(s.shape).toEqual({ batches: 1, channels: 1, columns: 100, rows: 40 });
    expect(s.db).toHaveLength(100 * 40);
    expect(s.scale).toBe("mel");
    expect(s.frequencies[39]).toBeCloseTo(24000, 9);
  });
});

describe("envelope()", () => {
  it("gives the exact min and max of each of 2000 columns of 60 s (stereo)", () => {
    const frames = 60 * RATE;
    const samples = noise(2 * frames, 17);
    samples[frames + 5] = Number.NaN;
    const e = envelope({ samples, shape: { batches: 1, channels: 2, frames }, sampleRate: RATE }, 2000);
    expect(e.shape).toEqual({ batches: 1, channels: 2, columns: 2000 });
    let exact = true;
    for (let lane = 0; lane < 2; lane++) {
      for (let c = 0; c < 2000; c++) {
        const first = Math.floor((frames * c) / 2000);
        const last = Math.floor((frames * (c + 1)) / 2000);
        let min = Infinity;
        let max = -Infinity;
        for (let f = first; f < last; f++) {
          const v = samples[lane * frames + f] ?? NaN;
          if (!Number.isFinite(v)) continue;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        exact = exact && e.min[lane * 2000 + c] === min && e.max[lane * 2000 + c] === max;
      }
    }
    expect(exact).toBe(true);
    expect(e.nonFinite[2000]).toBe(1);
    expect(e.edges[2000]).toBe(frames);
    expect(e.times[0]).toBeCloseTo(720 / RATE, 12);
  });

  it("covers any span", () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i);
    const e = envelope(mono(x), 3, { start: 100, end: 400 });
    expect(Array.from(e.min)).toEqual([100, 200, 300]);
    expect(Array.from(e.max)).toEqual([199, 299, 399]);
    expectAmpError(() => envelope(mono(x), 301, { start: 100, end: 400 }), '"columns"', "[1, 300]");
    expectAmpError(() => envelope(mono(x), 3, { start: 100, end: 1001 }), '"end"', "[101, 1000]");
  });
});

describe("bandEnergy()", () => {
  it("sums to the frame's windowed energy over bands tiling 0..Nyquist", () => {
    const x = noise(16384, 23);
    const edges = [0, 50, 440, 1000, 3000, 12000, 23999, 24000];
    const bands = edges.slice(1).map((high, i) => [edges[i] ?? 0, high] as const);
    const b = bandEnergy(mono(x), { bands, size: 1024, overlap: 0.5 });
    const w = windowFunction("hann", 1024).values;
    let worst = 0;
    for (let m = 0; m < b.shape.frames; m++) {
      let direct = 0;
      for (let j = 0; j < 1024; j++) direct += ((w[j] ?? 0) * (x[m * 512 + j] ?? 0)) ** 2;
      let sum = 0;
      for (let band = 0; band < bands.length; band++) sum += b.energy[band * b.shape.frames + m] ?? NaN;
      worst = Math.max(worst, Math.abs(sum - direct) / direct);
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it("refuses a band above Nyquist", () => {
    expectAmpError(() => bandEnergy(mono(noise(4096, 1)), { bands: [[100, 30000]] }), '"bands[0]"', "highHz <= 24000 Hz (Nyquist)");
  });
});

describe("levels", () => {
  it("adds DC and crest factor", () => {
    const levels = analyzeLevels(sine(1000, 0.8, 48000), { batches: 1, channels: 1, frames: 48000 });
    expect(levels.crest[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(levels.crestDb[0]).toBeCloseTo(3.0103, 4);
    expect(levels.dc[0]).toBeCloseTo(0, 12);
  });
});

describe("RenderResult analysis methods", () => {
  it("spectrum, peaks, spectrogram, envelope and bandEnergy read the rendered samples", async () => {
    const result = await render(
      graph()
        .add("osc", sineOsc({ frequency: 1500, amplitude: 1, channels: 2 }))
        .output("osc"),
      { seconds: 0.5 },
    );
    const s = result.spectrum({ size: 1024 });
    expect(s.shape.channels).toBe(2);
    expect(Math.abs(Math.max(...s.powerDb))).toBeLessThan(0.05);
    expect(Math.round(result.peaks({ size: 1024 })[0]?.frequency ?? 0)).toBe(1500);
    expect(result.spectrogram({ maxColumns: 10 }).shape.columns).toBe(10);
    const e = result.envelope(100);
    expect(Math.max(...e.max)).toBeCloseTo(1, 3);
    expect(result.bandEnergy({ bands: [[1000, 2000]] }).shape.bands).toBe(1);
  });
});

describe("bad input", () => {
  const signal = mono(noise(4096, 2));
  it("names the argument and the allowed range", () => {
    expectAmpError(() => spectrum(mono(new Float64Array(0))), '"shape.frames"', "[1, ");
    expectAmpError(() => spectrum(signal, { size: 8192 }), '"size"', "[2, 4096]");
    expectAmpError(() => spectrum(signal, { size: 0 }), '"size"', "got 0");
    expectAmpError(() => spectrum(signal, { size: 100.5 }), '"size"', "integer", "got 100.5");
    expectAmpError(() => spectrum(signal, { overlap: 1 }), '"overlap"', "[0, 0.99]");
    expectAmpError(() => spectrum(signal, { scale: "log", maxHz: 30000 }), '"maxHz"', "(0, 24000]");
    expectAmpError(() => spectrum(signal, { points: 10 }), '"points"', "unless scale is given");
    expectAmpError(() => spectrum(signal, { channels: [1] }), '"channels"', "[0, 0]");
    expectAmpError(() => spectrum(signal, { sizes: 4 } as never), '"sizes"', "is unknown");
    const bad = noise(4096, 2);
    bad[1234] = Number.POSITIVE_INFINITY;
    expectAmpError(() => spectrum(mono(bad)), '"samples"', "finite samples", "Inf at batch 0, channel 0, frame 1234");
    bad[1234] = Number.NaN;
    expectAmpError(() => spectrogram(mono(bad)), "NaN at batch 0, channel 0, frame 1234");
    expectAmpError(() => bandEnergy(mono(bad), { bands: [[0, 100]] }), "NaN");
    expectAmpError(() => spectrum({ ...signal, sampleRate: 0 }), '"signal.sampleRate"', "> 0");
    expectAmpError(() => envelope(signal, 0), '"columns"', "[1, 4096]");
    expectAmpError(() => envelope(signal, 2.5), '"columns"', "got 2.5");
  });
});
