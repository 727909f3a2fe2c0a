// Long analysis calls and backward passes through the public API: the asynchronous variants give
// the synchronous results bit for bit, report coalesced progress ending in the summary, and stop
// on an AbortSignal, the host interrupt signal or a throwing callback with AMP_ERR_CANCELLED,
// leaving nothing behind (the same call, or a new record + render + backward, gives the same bits).
import { afterEach, describe, expect, it } from "vitest";
import {
  AmpError,
  bandEnergy,
  bandEnergyAsync,
  biquad,
  graph,
  peaks,
  peaksAsync,
  render,
  Runtime,
  setInterruptSignal,
  sineOsc,
  spectralCentroid,
  spectralCentroidAsync,
  spectrogram,
  spectrogramAsync,
  spectrum,
  spectrumAsync,
  istft,
  istftAsync,
  stft,
  stftAsync,
  summaryLine,
  type AnalysisSignal,
  type Graph,
  type ProgressEvent,
} from "../src/index";

afterEach(() => setInterruptSignal(undefined));

/** A mono signal of `seconds` at 48 kHz: two sines (computed here: test input, not a result). */
function tone(seconds: number, channels = 1): AnalysisSignal {
  const frames = Math.round(48000 * seconds);
  const samples = new Float64Array(channels * frames);
  for (let c = 0; c < channels; c += 1)
    for (let f = 0; f < frames; f += 1) samples[c * frames + f] = 0.5 * Math.sin(0.0577 * f * (c + 1)) + 0.25 * Math.sin(0.31 * f + c);
  return { samples, shape: { batches: 1, channels, frames }, sampleRate: 48000 };
}

/** A graph whose backward pass costs seconds per minute of audio (biquad adjoints with coefficient slopes). */
function filters(): Graph {
  let g = graph()
    .add("lfo", sineOsc({ frequency: 3, amplitude: 300 }))
    .add("o", sineOsc({ frequency: 440 }));
  let previous = "o";
  for (let i = 0; i < 6; i += 1) {
    g = g
      .add(`f${i}`, biquad({ frequency: 1200 + 100 * i, q: 2 }))
      .chain(previous, `f${i}`)
      .modulate("lfo", `f${i}.frequency`, { mode: "add" });
    previous = `f${i}`;
  }
  return g.output(previous);
}

function bits(a: Float64Array | Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameBits(actual: Float64Array | Uint32Array, expected: Float64Array | Uint32Array): void {
  expect(actual.length).toBe(expected.length);
  expect(bits(actual).equals(bits(expected))).toBe(true);
}

/** The cancellation a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<AmpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AmpError);
    return error as AmpError;
  }
  throw new Error("expected a rejection");
}

describe("asynchronous analysis", () => {
  it("gives the synchronous results bit for bit", async () => {
    const signal = tone(2, 2);
    const s = spectrum(signal, { size: 1024 });
    const sa = await spectrumAsync(signal, { size: 1024 });
    expectSameBits(sa.powerDb, s.powerDb);
    expectSameBits(sa.psdDb, s.psdDb);
    expect(sa.segments).toBe(s.segments);
    expect(await peaksAsync(signal, { count: 3 })).toEqual(peaks(signal, { count: 3 }));
    const g = spectrogram(signal, { size: 512, scale: "mel", rows: 64 });
    const ga = await spectrogramAsync(signal, { size: 512, scale: "mel", rows: 64 });
    expectSameBits(ga.db, g.db);
    expectSameBits(ga.times, g.times);
    expect([ga.minDb, ga.maxDb, ga.frames]).toEqual([g.minDb, g.maxDb, g.frames]);
    const bands = [[100, 1000] as const, [1000, 8000] as const];
    const b = bandEnergy(signal, { bands, channels: [1] });
    const ba = await bandEnergyAsync(signal, { bands, channels: [1] });
    expectSameBits(ba.energy, b.energy);
    expectSameBits(ba.levelDb, b.levelDb);
    expectSameBits((await spectralCentroidAsync(signal)).hz, spectralCentroid(signal).hz);
  });

  it("reports coalesced progress over every selected lane's frames, ending in the summary", async () => {
    const signal = tone(240);
    const events: ProgressEvent[] = [];
    const started = performance.now();
    const result = await spectrogramAsync(signal, { overlap: 0.9, onProgress: (e) => events.push(e) });
    const elapsed = performance.now() - started;
    expectSameBits(result.db, spectrogram(signal, { overlap: 0.9 }).db);
    const running = events.filter((e) => !e.done);
    expect(running.length).toBeGreaterThan(0);
    expect(running.length).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    for (let i = 1; i < running.length; i += 1) expect(running[i]!.frames).toBeGreaterThan(running[i - 1]!.frames);
    for (const e of running) {
      expect(e).toMatchObject({ label: "spectrogram", totalFrames: 240 * 48000, sampleRate: 48000, heatTotal: 0, peak: [], rms: [] });
      expect(e.frames).toBeLessThan(240 * 48000);
    }
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ done: true, partial: false, frames: 240 * 48000, totalFrames: 240 * 48000 });
    expect(events.filter((e) => e.done)).toHaveLength(1);
    expect(summaryLine(last)).toMatch(/^spectrogram: 11520000 frames \(4 min 0 s of audio\) in .*x realtime$/);
  }, 120_000);

  it("stops on an AbortSignal, the host interrupt signal or a throwing callback; the same call then gives the same bits", async () => {
    const signal = tone(300);
    const reference = spectrogram(signal, { overlap: 0.9 });
    const controller = new AbortController();
    const stopped: ProgressEvent[] = [];
    const cancelled = await rejection(
      spectrogramAsync(signal, {
        overlap: 0.9,
        signal: controller.signal,
        onProgress: (e) => {
          stopped.push(e);
          if (!e.done) controller.abort();
        },
      }),
    );
    expect(cancelled.code).toBe("AMP_ERR_CANCELLED");
    expect(cancelled.message).toMatch(/^analysis cancelled by the caller after \d+ of \d+ analysis frames$/);
    const last = stopped[stopped.length - 1]!;
    expect(last).toMatchObject({ done: true, partial: true });
    expect(last.frames).toBeLessThan(last.totalFrames);

    const host = new AbortController();
    setInterruptSignal(host.signal);
    const interrupted = await rejection(
      spectrogramAsync(signal, {
        overlap: 0.9,
        onProgress: (e) => {
          if (!e.done) host.abort();
        },
      }),
    );
    expect(interrupted.code).toBe("AMP_ERR_CANCELLED");
    // Already aborted: refused before any work.
    expect((await rejection(spectrumAsync(signal))).message).toBe("spectrum cancelled: This operation was aborted");
    setInterruptSignal(undefined);

    const boom = new Error("enough");
    await expect(
      bandEnergyAsync(signal, {
        bands: [[0, 1000]],
        overlap: 0.9,
        onProgress: (e) => {
          if (!e.done) throw boom;
        },
      }),
    ).rejects.toBe(boom);

    const again = await spectrogramAsync(signal, { overlap: 0.9 });
    expectSameBits(again.db, reference.db);
    expectSameBits(again.times, reference.times);
  }, 120_000);

  it("checks the work options' types and names", async () => {
    const signal = tone(0.1);
    await expect(spectrumAsync(signal, { onProgress: 3 as never })).rejects.toThrow(
      'spectrum option "onProgress" expects a function (event) => void, got 3',
    );
    await expect(spectrumAsync(signal, { signal: {} as never })).rejects.toThrow('spectrum option "signal" expects an AbortSignal');
    await expect(spectrumAsync(signal, { progress: "yes" as never })).rejects.toThrow('spectrum option "progress" expects a boolean');
    expect(() => spectrum(signal, { onProgress: () => undefined } as never)).toThrow(/"onProgress" is unknown/);
  });
});

describe("asynchronous backward passes", () => {
  it("report progress over the recorded span and give the same gradients", async () => {
    const result = await render(filters(), { seconds: 10, record: true });
    try {
      const dLdy = new Float64Array(result.samples.length).fill(1e-3);
      const events: ProgressEvent[] = [];
      const wrt = ["f0.frequency", "f3.q", "lfo.amplitude"];
      const watched = await result.backward(dLdy, { wrt, summed: true, onProgress: (e) => events.push(e) });
      const plain = await result.backward(dLdy, { wrt, summed: true });
      for (const key of wrt) expectSameBits(watched[key]!.data, plain[key]!.data);
      const running = events.filter((e) => !e.done);
      expect(running.length).toBeGreaterThan(0);
      for (let i = 1; i < running.length; i += 1) expect(running[i]!.frames).toBeGreaterThan(running[i - 1]!.frames);
      for (const e of running) expect(e).toMatchObject({ label: "backward", totalFrames: 480000, peak: [], heatTotal: 0 });
      expect(events[events.length - 1]).toMatchObject({ done: true, partial: false, frames: 480000 });
    } finally {
      result.release();
    }
  }, 120_000);

  it("stops on an AbortSignal with AMP_ERR_CANCELLED; the recording and the runtime stay usable, bit for bit", async () => {
    const runtime = Runtime.create(filters(), {});
    try {
      const first = await runtime.render(480000, { record: true });
      const dLdy = new Float64Array(first.samples.length).fill(1e-3);
      const wrt = ["f0.frequency", "f5", "lfo.amplitude"];
      const reference = await first.backward(dLdy, { wrt });
      const controller = new AbortController();
      const pending = first.backward(dLdy, {
        wrt,
        signal: controller.signal,
        onProgress: (e) => {
          if (!e.done) controller.abort();
        },
      });
      const cancelled = await rejection(pending);
      expect(cancelled.code).toBe("AMP_ERR_CANCELLED");
      expect(cancelled.message).toMatch(/^backward cancelled by the caller after \d+ of 480000 frames of the span$/);
      // The same recording again, then a new record + render + backward from the start.
      const again = await first.backward(dLdy, { wrt });
      for (const key of wrt) expectSameBits(again[key]!.data, reference[key]!.data);
      runtime.reset();
      const second = await runtime.render(480000, { record: true });
      expectSameBits(second.samples, first.samples);
      const fresh = await second.backward(dLdy, { wrt });
      for (const key of wrt) expectSameBits(fresh[key]!.data, reference[key]!.data);
      // A throwing callback rejects with its error.
      const boom = new Error("stop");
      await expect(
        second.backward(dLdy, {
          wrt,
          onProgress: (e) => {
            if (!e.done) throw boom;
          },
        }),
      ).rejects.toBe(boom);
      await expect(second.backward(dLdy, { wrt, signal: AbortSignal.abort() })).rejects.toThrow("backward cancelled");
    } finally {
      runtime.dispose();
    }
  }, 120_000);
});

describe("stftAsync and istftAsync", () => {
  it("give the synchronous results bit for bit, report progress ending in the summary, and stop on an AbortSignal", async () => {
    const samples = tone(60).samples;
    const events: ProgressEvent[] = [];
    const a = await stftAsync(samples, { size: 1024, hop: 128, onProgress: (e) => events.push(e) });
    const s = stft(samples, { size: 1024, hop: 128 });
    expectSameBits(a.data, s.data);
    expect([a.frames, a.bins, a.signalFrames]).toEqual([s.frames, s.bins, s.signalFrames]);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ label: "stft", done: true, partial: false, totalFrames: samples.length, sampleRate: 48000 });
    const back = await istftAsync(a, { length: 1000, sampleRate: 44100 });
    expectSameBits(back, istft(s, 1000));
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(stftAsync(samples, { size: 1024, hop: 128, signal: controller.signal }));
    expect(error.code).toBe("AMP_ERR_CANCELLED");
    expectSameBits((await stftAsync(samples, { size: 1024, hop: 128 })).data, s.data);
    await expect(stftAsync(samples, { sampleRate: -1 })).rejects.toThrow(/sampleRate/);
    await expect(istftAsync(a, { length: 0 })).rejects.toThrow(/length/);
  }, 120_000);
});
