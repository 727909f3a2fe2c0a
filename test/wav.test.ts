// WAV write / read round trips through wavefile, planar in and out.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WaveFile } from "wavefile";
import { decodeWav, encodeWav, readWav, writeWav } from "../src/io/wav";

const dir = mkdtempSync(join(tmpdir(), "amp-wav-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Planar stereo test signal: channel 0 a ramp in [-1, 1], channel 1 its negation times 0.5. */
function stereo(frames: number): Float64Array {
  const out = new Float64Array(2 * frames);
  for (let f = 0; f < frames; f += 1) {
    const x = -1 + (2 * f) / (frames - 1);
    out[f] = x;
    out[frames + f] = -0.5 * x;
  }
  return out;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

describe("WAV I/O", () => {
  it.each([
    ["32f", 1e-7],
    ["24", 1 / 2 ** 22],
    ["16", 1 / 2 ** 14],
  ] as const)("round-trips stereo %s within %d", async (bitDepth, tolerance) => {
    const samples = stereo(101);
    const path = join(dir, `stereo-${bitDepth}.wav`);
    await writeWav(path, samples, { channels: 2, sampleRate: 44100, bitDepth });
    const audio = await readWav(path);
    expect(audio.channels).toBe(2);
    expect(audio.frames).toBe(101);
    expect(audio.sampleRate).toBe(44100);
    expect(audio.bitDepth).toBe(bitDepth);
    expect(audio.samples).toBeInstanceOf(Float64Array);
    expect(maxDiff(audio.samples, samples)).toBeLessThanOrEqual(tolerance);
  });

  it("defaults to 32-bit float and round-trips mono", () => {
    const samples = Float64Array.from([0, 0.25, -0.5, 1, -1]);
    const audio = decodeWav(encodeWav(samples, { channels: 1, sampleRate: 48000 }));
    expect(audio.bitDepth).toBe("32f");
    expect(audio.channels).toBe(1);
    expect(Array.from(audio.samples)).toEqual([0, 0.25, -0.5, 1, -1]);
  });

  it("normalises integer files written elsewhere to [-1, 1]", () => {
    const wav = new WaveFile();
    wav.fromScratch(2, 8000, "16", [
      [0, 16384, -32768],
      [32767, -16384, 0],
    ]);
    const path = join(dir, "int16.wav");
    writeFileSync(path, wav.toBuffer());
    const audio = decodeWav(wav.toBuffer());
    expect(audio.frames).toBe(3);
    expect(Array.from(audio.samples).map((x) => Math.round(x * 1000) / 1000)).toEqual([0, 0.5, -1, 1, -0.5, 0]);
  });

  it("validates its arguments", () => {
    expect(() => encodeWav(new Float64Array(3), { channels: 2, sampleRate: 48000 })).toThrow(
      'argument "samples" expects a length that is a multiple of 2 channels, got a Float64Array of length 3',
    );
    expect(() => encodeWav(new Float64Array(2), { channels: 1, sampleRate: 44100.5 })).toThrow(
      'WAV option "sampleRate" expects an integer in [1, 4294967295] Hz, got 44100.5',
    );
    expect(() => encodeWav(new Float64Array(2), { channels: 1, sampleRate: 48000, bitDepth: "8" as "16" })).toThrow(
      'WAV option "bitDepth" expects one of "32f", "16", "24", "32", "64f", got "8"',
    );
    expect(() => decodeWav(new Uint8Array([1, 2, 3]))).toThrow(/^not a readable WAV file/);
  });
});
