// analyzeLevels: amp_analyze_levels through the addon.
import { describe, expect, it } from "vitest";

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
