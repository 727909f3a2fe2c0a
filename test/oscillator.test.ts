// The oscillator and resampler nodes through the public API: aliasing of a 5 kHz saw at 48 kHz
// (energy at non-harmonic bins, measured with the package's own rfft) falls as oversample goes
// 1 -> 2 -> 4 -> 8 and polyblep beats naive at every ratio; the declared delay of every
// oversampled configuration is measured; two oscillators with different oversampling summed in
// one graph stay aligned (latency compensation); the resampler's 48k -> 44.1k -> 48k round trip
// keeps a sine's frequency. Prints the aliasing table docs/oscillators.md quotes
// (`npx vitest run test/oscillator.test.ts`).
import { describe, expect, it } from "vitest";

import { AmpError, graph, mix, oscillator, render, resampler, rfft } from "../src/index";

const RATE = 48000;
const PERIODS_FRAMES = 48000; // 5 kHz at 48 kHz repeats every 48 frames: 1000 whole periods

/** Fraction of the power (DC excluded) outside the harmonics of 5 kHz, in dB. */
async function aliasingDb(driver: "polyblep" | "naive", oversample: number): Promise<number> {
  const skip = 4800; // past the decimator's transient
  const g = graph()
    .add("osc", oscillator({ waveform: "saw", driver, frequency: 5000, amplitude: 0.5, oversample }))
    .output("osc");
  const result = await render(g, { frames: skip + PERIODS_FRAMES, sampleRate: RATE });
  const x = result.channel().slice(skip);
  const bins = rfft(x);
  let harmonic = 0;
  let other = 0;
  for (let k = 1; k <= PERIODS_FRAMES / 2; k += 1) {
    const power = (bins[2 * k] ?? 0) ** 2 + (bins[2 * k + 1] ?? 0) ** 2;
    if (k % 5000 === 0) harmonic += power;
    else other += power;
  }
  return 10 * Math.log10(other / (harmonic + other));
}

describe("oscillator: aliasing", () => {
  it("falls as oversample goes 1, 2, 4, 8 and polyblep beats naive at every ratio", async () => {
    const table: Record<string, Record<string, string>> = {};
    const measured: Record<string, number[]> = { polyblep: [], naive: [] };
    for (const oversample of [1, 2, 4, 8]) {
      for (const driver of ["polyblep", "naive"] as const) {
        const db = await aliasingDb(driver, oversample);
        measured[driver]?.push(db);
        table[`x${oversample}`] = { ...table[`x${oversample}`], [driver]: db.toFixed(1) };
      }
    }
    console.table(table);
    for (const driver of ["polyblep", "naive"]) {
      const series = measured[driver] ?? [];
      for (let i = 1; i < series.length; i += 1) expect(series[i]).toBeLessThan((series[i - 1] ?? 0) - 3);
    }
    for (let i = 0; i < 4; i += 1) expect(measured.polyblep?.[i]).toBeLessThan((measured.naive?.[i] ?? 0) - 3);
  }, 60000);
});

describe("oscillator: latency", () => {
  it("declared delay = measured delay for every oversampled configuration", async () => {
    for (const quality of ["linear", "fast", "best"] as const) {
      for (const oversample of [1, 2, 4, 8, 16]) {
        const g = graph()
          .add("osc", oscillator({ frequency: 750, amplitude: 1, oversample, ...(oversample > 1 ? { quality } : {}) }))
          .output("osc");
        const result = await render(g, { frames: 2000, sampleRate: RATE });
        const y = result.channel();
        // The delay d for which y[n] best matches sin(2 pi (n + 1 - d) f / sr).
        let bestDelay = -1;
        let bestError = Infinity;
        for (let d = 0; d <= 64; d += 1) {
          let worst = 0;
          for (let n = 200; n < 2000; n += 1) {
            worst = Math.max(worst, Math.abs((y[n] ?? 0) - Math.sin((2 * Math.PI * (n + 1 - d) * 750) / RATE)));
          }
          if (worst < bestError) {
            bestError = worst;
            bestDelay = d;
          }
        }
        const declared = result.nodes.osc?.declaredDelayFrames;
        expect(declared).toBe(bestDelay);
        expect(result.nodes.osc?.measuredDelayFrames).toBe(bestDelay);
        expect(bestDelay).toBe(oversample === 1 ? 0 : { linear: 1, fast: 16, best: 40 }[quality]);
        expect(bestError).toBeLessThan(quality === "linear" ? 0.05 : 1e-4);
      }
    }
  }, 60000);

  it("two oscillators with different oversampling summed in one graph stay aligned", async () => {
    const g = graph()
      .add("a", oscillator({ frequency: 600, amplitude: 0.5, oversample: 2, quality: "fast" }))
      .add("b", oscillator({ frequency: 600, amplitude: -0.5, oversample: 8, quality: "best" }))
      .add("sum", mix())
      .connect("a", "sum")
      .connect("b", "sum")
      .output("sum");
    const result = await render(g, { frames: 3000, sampleRate: RATE });
    expect(result.summary.latencyFrames).toBe(40);
    const y = result.channel();
    let worst = 0;
    for (let n = 200; n < 3000; n += 1) worst = Math.max(worst, Math.abs(y[n] ?? 0));
    // Opposite amplitudes cancel only when aligned (a 24-frame misalignment leaves ~0.5).
    expect(worst).toBeLessThan(1e-4);
  });
});

describe("oscillator: presets", () => {
  it("a shipped preset equals its values spelled out; explicit options win; the content hash is in the summary", async () => {
    const frames = 600;
    const byPreset = await render(
      graph()
        .add("o", oscillator({ preset: "warm-saw" }))
        .output("o"),
      { frames },
    );
    const spelled = await render(
      graph()
        .add("o", oscillator({ waveform: "saw", driver: "polyblep", oversample: 4, quality: "fast", amplitude: 0.4 }))
        .output("o"),
      { frames },
    );
    expect(Array.from(byPreset.channel())).toEqual(Array.from(spelled.channel()));
    expect(byPreset.nodes.o?.oversample).toBe(4);
    const hash = byPreset.nodes.o?.lastMetrics.reserved[1] ?? 0;
    expect(hash).toBeGreaterThan(0);
    const object = JSON.stringify({
      amplitude: 0.4,
      quality: "fast",
      oversample: 4,
      driver: "polyblep",
      waveform: "saw",
      name: "warm saw",
    });
    const byObject = await render(
      graph()
        .add("o", oscillator({ preset: object }))
        .output("o"),
      { frames },
    );
    expect(byObject.nodes.o?.lastMetrics.reserved[1]).toBe(hash);
    const quieter = await render(
      graph()
        .add("o", oscillator({ preset: "warm-saw", amplitude: 0.2 }))
        .output("o"),
      { frames },
    );
    expect(Math.max(...quieter.channel())).toBeLessThan(0.25);
  });

  it("refuses an unknown preset or a bad value naming the key", async () => {
    await expect(
      render(
        graph()
          .add("o", oscillator({ preset: "warm-sav" }))
          .output("o"),
        { frames: 8 },
      ),
    ).rejects.toThrow(/"preset" expects "none", a shipped preset \("warm-saw"/);
    await expect(
      render(
        graph()
          .add("o", oscillator({ preset: JSON.stringify({ waveform: "ramp" }) }))
          .output("o"),
        { frames: 8 },
      ),
    ).rejects.toThrow(/"preset\.waveform" expects one of "sine", "saw", "square", "triangle", got "ramp"/);
  });
});

describe("resampler", () => {
  it("48k -> 44.1k -> 48k keeps a sine's frequency", async () => {
    for (const quality of ["linear", "fast", "best"] as const) {
      const g = graph()
        .add("src", oscillator({ frequency: 1234, amplitude: 1 }))
        .add("rs", resampler({ up: 147, down: 160, quality }))
        .connect("src", "rs")
        .output("rs");
      const frames = 48000;
      const result = await render(g, { frames, sampleRate: RATE });
      const bins = rfft(result.channel());
      let peak = 0;
      let peakBin = 0;
      for (let k = 1; k <= frames / 2; k += 1) {
        const power = (bins[2 * k] ?? 0) ** 2 + (bins[2 * k + 1] ?? 0) ** 2;
        if (power > peak) {
          peak = power;
          peakBin = k;
        }
      }
      expect(peakBin).toBe(1234);
      expect(result.nodes.rs?.declaredDelayFrames).toBe(result.nodes.rs?.measuredDelayFrames);
    }
  });

  it("refuses an oversample factor that is not 1, 2, 4, 8 or 16", () => {
    expect(() =>
      graph()
        .add("o", oscillator({ oversample: 3 }))
        .output("o")
        .toJSON(),
    ).not.toThrow();
    return expect(
      render(
        graph()
          .add("o", oscillator({ oversample: 3 }))
          .output("o"),
        { frames: 10 },
      ),
    ).rejects.toThrow(AmpError);
  });
});
