// The sampler and the pitch shifter through the public API: a WAV file written and read back
// with writeWav / readWav plays sample-exact at rate 1 (render `buffers` option and
// Runtime.setBuffer), loops seamlessly, survives snapshot / restore; bad buffers are refused
// with AmpError before reaching native memory, or natively (the node's own rules) changing
// nothing. pitch_shift: an octave up of 440 Hz measured with the package's own analysis
// (peaks, analyzeLevels), and the same output in one call and in 64-frame windows.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { AmpError, analyzeLevels, graph, peaks, readWav, render, Runtime, writeWav } from "../src/index";
import { gain, pitchShift, sampler, sineOsc } from "../src/nodes/generated";

const RATE = 48000;
const dir = mkdtempSync(join(tmpdir(), "amp-sampler-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stereo test sound: two different chirps. */
function sound(frames: number): Float64Array {
  const samples = new Float64Array(2 * frames);
  for (let f = 0; f < frames; f += 1) {
    samples[f] = Math.round(16000 * Math.sin((2 * Math.PI * (200 + f / 10) * f) / RATE)) / 32768;
    samples[frames + f] = Math.round(12000 * Math.sin((2 * Math.PI * (330 + f / 20) * f) / RATE)) / 32768;
  }
  return samples;
}

async function wavFile(name: string, frames: number): Promise<string> {
  const path = join(dir, name);
  await writeWav(path, sound(frames), { channels: 2, sampleRate: RATE, bitDepth: "16" });
  return path;
}

function expectInvalid(action: () => unknown, ...parts: string[]): AmpError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AmpError);
  const error = caught as AmpError;
  expect(error.code).toBe("AMP_ERR_INVALID_ARGUMENT");
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}

describe("sampler", () => {
  it("plays a WAV read with readWav sample-exact at rate 1, then silence", async () => {
    const wav = await readWav(await wavFile("chirps.wav", 3000));
    expect([wav.channels, wav.frames, wav.sampleRate]).toEqual([2, 3000, RATE]);
    const g = graph()
      .add("s", sampler({ channels: 2 }))
      .output("s");
    const result = await render(g, { frames: 3500, blockFrames: 256, buffers: { s: wav } });
    for (let c = 0; c < 2; c += 1) {
      const played = result.samples.subarray(c * 3500, (c + 1) * 3500);
      expect(played.subarray(0, 3000)).toEqual(wav.samples.subarray(c * 3000, (c + 1) * 3000));
      expect(played.subarray(3000).every((x) => x === 0)).toBe(true);
    }
  });

  it("loops seamlessly: after the first pass the output repeats with the loop length", async () => {
    const wav = await readWav(await wavFile("loop.wav", 2000));
    const g = graph()
      .add("s", sampler({ loop: true, loopStart: 500, loopEnd: 1500, start: 100 }))
      .output("s");
    const runtime = Runtime.create(g, { blockFrames: 100 });
    runtime.setBuffer("s", wav);
    const result = await runtime.render(6000);
    runtime.dispose();
    const out = result.samples;
    for (let n = 0; n < 1400; n += 1) expect(out[n]).toBe(wav.samples[100 + n]);
    let seams = 0;
    for (let n = 1400; n + 1000 < 6000; n += 1) if (out[n] !== out[n + 1000]) seams += 1;
    expect(seams).toBe(0);
    // The seam itself: loop_end - 1 is followed by loop_start.
    expect(out[1399]).toBe(wav.samples[1499]);
    expect(out[1400]).toBe(wav.samples[500]);
  });

  it("keeps its buffer across snapshot / restore and reset", async () => {
    const wav = await readWav(await wavFile("snap.wav", 1000));
    const g = graph()
      .add("s", sampler({ rate: 0.75, loop: true }))
      .add("g", gain({ gain: 0.5 }))
      .chain("s", "g")
      .output("g");
    const runtime = Runtime.create(g, { blockFrames: 64 });
    runtime.setBuffer("s", wav);
    await runtime.render(333);
    const snapshot = runtime.snapshot();
    const first = await runtime.render(2000);
    runtime.restore(snapshot);
    const second = await runtime.render(2000);
    expect(second.samples).toEqual(first.samples);
    runtime.reset();
    const again = await runtime.render(500);
    const fresh = await render(g, { frames: 500, blockFrames: 64, buffers: { s: wav } });
    expect(again.samples).toEqual(fresh.samples);
    runtime.dispose();
  });

  it("refuses bad buffers in TypeScript before anything reaches native memory", () => {
    const runtime = Runtime.create(graph().add("s", sampler()).output("s"));
    const ok = { samples: new Float64Array(4), channels: 1, frames: 4, sampleRate: RATE };
    expectInvalid(() => runtime.setBuffer("s", { ...ok, channels: 0 }), "channels", "[1, 64]");
    expectInvalid(() => runtime.setBuffer("s", { ...ok, channels: 65 }), "channels");
    expectInvalid(() => runtime.setBuffer("s", { ...ok, frames: 2 ** 28 + 1 }), "frames");
    expectInvalid(() => runtime.setBuffer("s", { ...ok, channels: 2, frames: 2 ** 27 + 1 }), "268435456");
    expectInvalid(() => runtime.setBuffer("s", { ...ok, frames: 5 }), "has 4 values but channels x frames is 1 x 5");
    expectInvalid(() => runtime.setBuffer("s", { ...ok, samples: new Float64Array([0, Number.NaN, 0, 0]) }), "finite", "frame 1");
    expectInvalid(() => runtime.setBuffer("s", { ...ok, sampleRate: 0 }), "sampleRate");
    expectInvalid(() => runtime.setBuffer("s", null as never), "PCM buffer");
    expectInvalid(() => runtime.setBuffer("nobody", ok), "nobody", "not in the graph");
    runtime.dispose();
  });

  it("refuses natively what the node's own rules forbid, changing nothing", async () => {
    const runtime = Runtime.create(
      graph()
        .add("s", sampler({ start: 10 }))
        .output("s"),
    );
    const oscillator = Runtime.create(graph().add("o", sineOsc()).output("o"));
    const wav = {
      samples: new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0.5, 0.25]),
      channels: 1,
      frames: 12,
      sampleRate: RATE,
    };
    const short = { samples: new Float64Array(8), channels: 1, frames: 8, sampleRate: RATE };
    runtime.setBuffer("s", wav);
    const error = expectInvalid(() => runtime.setBuffer("s", short), 'node "s" (sampler): start 10 lies outside the buffer\'s 8 frames');
    expect(error.stage).toBe("set_buffer");
    expectInvalid(() => oscillator.setBuffer("o", wav), 'node "o" (sine_osc): takes no buffers');
    oscillator.dispose();
    const result = await runtime.render(3);
    expect(Array.from(result.samples)).toEqual([0.5, 0.25, 0]);
    runtime.dispose();
  });

  it("render() checks the buffers option", async () => {
    const g = graph().add("s", sampler()).output("s");
    await expect(render(g, { frames: 10, buffers: 3 as never })).rejects.toThrow(/buffers/);
    await expect(
      render(g, { frames: 10, buffers: { x: { samples: new Float64Array(1), channels: 1, frames: 1, sampleRate: RATE } } }),
    ).rejects.toThrow(/not in the graph/);
  });
});

describe("pitch_shift", () => {
  it("an octave up of 440 Hz measures 880 Hz within 2 % and keeps the energy within 15 %", async () => {
    const frames = 48000;
    const tone = graph().add("osc", sineOsc({ frequency: 440, amplitude: 0.5 }));
    for (const shift of [pitchShift({ ratio: 2 }), pitchShift({ semitones: 12 })]) {
      const result = await render(tone.add("up", shift).chain("osc", "up").output("up"), { frames });
      const from = 8192;
      const length = frames - from;
      const steady = { samples: result.samples.subarray(from), shape: { batches: 1, channels: 1, frames: length }, sampleRate: RATE };
      const [peak] = peaks(steady, { size: 8192 });
      expect(peak).toBeDefined();
      expect(Math.abs((peak?.frequency ?? 0) - 880) / 880).toBeLessThan(0.02);
      const rms = analyzeLevels(steady.samples, steady.shape).rms[0] ?? 0;
      const inputRms = 0.5 / Math.SQRT2;
      expect(Math.abs((rms * rms) / (inputRms * inputRms) - 1)).toBeLessThan(0.15);
    }
  });

  it("gives the same output in one call and in 64-frame windows", async () => {
    const g = graph()
      .add("osc", sineOsc({ frequency: 523.25, amplitude: 0.4, channels: 2 }))
      .add("up", pitchShift({ semitones: 5 }))
      .chain("osc", "up")
      .output("up");
    const whole = await render(g, { frames: 6400 });
    const runtime = Runtime.create(g, { blockFrames: 64 });
    const parts: Float64Array[] = [];
    for (let i = 0; i < 100; i += 1) parts.push((await runtime.render(64)).samples);
    runtime.dispose();
    for (let c = 0; c < 2; c += 1) {
      for (let i = 0; i < 100; i += 1) {
        expect(parts[i]?.subarray(c * 64, (c + 1) * 64)).toEqual(whole.samples.subarray(c * 6400 + i * 64, c * 6400 + (i + 1) * 64));
      }
    }
  });
});
