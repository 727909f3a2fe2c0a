// analyzeLevels: amp_analyze_levels through the addon.
import { describe, expect, it } from "vitest";

import { analyzeLevels } from "../src/analysis/levels";
import { loadAddon } from "../src/native/load-addon";

describe("analyzeLevels", () => {
  it("gives peak |x| and RMS per (batch, channel) lane", () => {
    // 2 batches x 2 channels x 4 frames, planar.
    const samples = new Float64Array([
      1,
      -1,
      1,
      -1, // b0 c0: peak 1, rms 1
      0,
      0,
      0,
      0, // b0 c1: silence
      3,
      4,
      0,
      0, // b1 c0: peak 4, rms sqrt(25 / 4) = 2.5
      -0.5,
      0.5,
      -0.5,
      0.5, // b1 c1: peak 0.5, rms 0.5
    ]);
    const { peak, rms } = loadAddon().analyzeLevels(samples, 2, 2, 4);
    expect(peak).toBeInstanceOf(Float64Array);
    expect(Array.from(peak)).toEqual([1, 0, 4, 0.5]);
    expect(rms[0]).toBeCloseTo(1, 15);
    expect(rms[1]).toBe(0);
    expect(rms[2]).toBeCloseTo(2.5, 15);
    expect(rms[3]).toBeCloseTo(0.5, 15);
  });

  it("counts non-finite samples as 0", () => {
    const { peak, rms } = loadAddon().analyzeLevels(new Float64Array([Number.NaN, Infinity, 2, -2]), 1, 1, 4);
    expect(peak[0]).toBe(2);
    expect(rms[0]).toBeCloseTo(Math.sqrt(8 / 4), 15);
  });

  it("measures each of many lanes exactly as that lane alone (peak and DC as plain in-order loops give them)", () => {
    // 1 to 9 lanes (lanes run in groups of 4 natively: whole groups and every remainder), with
    // non-finite values and signed zeros.
    const frames = 1003;
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    for (let lanes = 1; lanes <= 9; lanes += 1) {
      const samples = new Float64Array(lanes * frames).map(() => random() * 3);
      samples[5] = Number.NaN;
      samples[lanes * frames - 1] = -Infinity;
      samples[7] = -0;
      const all = analyzeLevels(samples, { batches: lanes, channels: 1, frames });
      for (let b = 0; b < lanes; b += 1) {
        const row = samples.subarray(b * frames, (b + 1) * frames);
        const alone = analyzeLevels(row, { batches: 1, channels: 1, frames });
        for (const key of ["peak", "rms", "dc", "crestDb"] as const) expect(all[key][b]).toBe(alone[key][0]);
        let peak = 0;
        let sum = 0;
        for (const x of row) {
          const v = Number.isFinite(x) ? x : 0;
          peak = Math.max(peak, Math.abs(v));
          sum += v;
        }
        expect(all.peak[b]).toBe(peak);
        expect(all.dc[b]).toBe(sum / frames);
      }
    }
  });

  it("refuses a buffer whose length does not match the shape", () => {
    expect(() => loadAddon().analyzeLevels(new Float64Array(7), 1, 2, 4)).toThrow(RangeError);
  });

  it("throws a TypeError naming the argument", () => {
    const addon = loadAddon() as unknown as { analyzeLevels(...args: unknown[]): unknown };
    expect(() => addon.analyzeLevels([1, 2], 1, 1, 2)).toThrow(/analyzeLevels: argument "samples" must be a Float64Array/);
    expect(() => addon.analyzeLevels(new Float32Array(2), 1, 1, 2)).toThrow(TypeError);
    expect(() => addon.analyzeLevels(new Float64Array(2), -1, 1, 2)).toThrow(/argument "batches" must be an integer/);
  });
});
