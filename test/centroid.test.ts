// spectralCentroid(): the native amp_analysis_centroid through the public API.
import { describe, expect, it } from "vitest";
import { AmpError, spectralCentroid } from "../src/index";

const RATE = 48000;

function tones(frequencies: readonly number[], frames: number): Float64Array {
  const x = new Float64Array(frames);
  for (let n = 0; n < frames; n += 1) for (const f of frequencies) x[n]! += 0.4 * Math.sin((2 * Math.PI * f * n) / RATE);
  return x;
}

describe("spectralCentroid", () => {
  it("reads a bin-centred sine's frequency and two equal tones' midpoint, per lane", () => {
    // 1500 Hz and 4500 Hz are bins 8 and 24 of 256-sample frames at 48 kHz.
    const a = tones([1500], 4096);
    const b = tones([1500, 4500], 4096);
    const samples = new Float64Array(8192);
    samples.set(a, 0);
    samples.set(b, 4096);
    const c = spectralCentroid({ samples, shape: { batches: 2, channels: 1, frames: 4096 }, sampleRate: RATE }, { size: 256 });
    expect(c.hz).toHaveLength(2);
    expect(c.hz[0]).toBeCloseTo(1500, 6);
    expect(c.hz[1]).toBeCloseTo(3000, 6);
    expect(c.batches).toEqual([0, 1]);
    expect(c.size).toBe(256);
    expect(c.hop).toBe(128);
  });

  it("reads 0 Hz for silence and names bad options", () => {
    const silence = { samples: new Float64Array(1024), shape: { batches: 1, channels: 1, frames: 1024 }, sampleRate: RATE };
    expect(spectralCentroid(silence).hz[0]).toBe(0);
    expect(() => spectralCentroid(silence, { size: 4096 })).toThrow(AmpError);
    expect(() => spectralCentroid(silence, { size: 4096 })).toThrow(/size/);
    expect(() => spectralCentroid(silence, { bins: 3 } as never)).toThrow(/bins/);
  });
});
