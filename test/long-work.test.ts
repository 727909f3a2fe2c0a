// Long work through the public API: progress events (coalesced, levels computed natively),
// stopping with a partial result, streamed renders equal to whole ones bit for bit, renderInto,
// and the streaming WAV writer equal to a WAV written at once.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  AmpError,
  analyzeLevels,
  fftDivider,
  gain,
  graph,
  mix,
  PROGRESS_INTERVAL_MS,
  readWav,
  render,
  Runtime,
  safety,
  sineOsc,
  WavWriter,
  writeWav,
  type Graph,
  type ProgressEvent,
} from "../src/index";

const dir = mkdtempSync(join(tmpdir(), "amp-long-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 32 sines of different frequencies mixed to one channel: a few ms of work per 10k frames. */
function sines(count = 32): Graph {
  let g = graph();
  for (let i = 0; i < count; i += 1) g = g.add(`s${i}`, sineOsc({ frequency: 100 + 37 * i, amplitude: 0.02 }));
  g = g.add("m", mix());
  for (let i = 0; i < count; i += 1) g = g.connect(`s${i}`, "m");
  return g.output("m");
}

/** A stereo graph with modulation (so bits depend on the whole stream, not just the frame index). */
function stereo(): Graph {
  return graph()
    .add("lfo", sineOsc({ frequency: 3, amplitude: 40 }))
    .add("osc", sineOsc({ frequency: 330, channels: 2, amplitude: 0.8 }))
    .add("amp", gain({ gain: 0.9 }))
    .chain("osc", "amp")
    .modulate("lfo", "osc.frequency", { mode: "add" })
    .output("amp");
}

/** Bit-for-bit equality of two Float64Arrays (vitest's toEqual is slow on millions of values). */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  expect(bytes(actual).equals(bytes(expected))).toBe(true);
}

function concat(parts: readonly Float64Array[], lanes: number): Float64Array {
  const frames = parts.reduce((n, p) => n + p.length / lanes, 0);
  const out = new Float64Array(lanes * frames);
  let at = 0;
  for (const part of parts) {
    const n = part.length / lanes;
    for (let l = 0; l < lanes; l += 1) out.set(part.subarray(l * n, (l + 1) * n), l * frames + at);
    at += n;
  }
  return out;
}

describe("progress events", () => {
  it("arrive while a render runs, coalesced (at most one per 100 ms), and end with the summary", { timeout: 120_000 }, async () => {
    const events: ProgressEvent[] = [];
    const arrivals: number[] = [];
    const started = performance.now();
    const frames = 48000 * 120;
    const result = await render(sines(), {
      frames,
      blockFrames: 64,
      onProgress: (e) => {
        events.push(e);
        arrivals.push(performance.now());
      },
    });
    const elapsed = performance.now() - started;
    const running = events.filter((e) => !e.done);
    const last = events[events.length - 1];
    expect(running.length).toBeGreaterThan(0);
    // Coalesced natively: 90000 blocks, far fewer events; never more than one per interval.
    expect(running.length).toBeLessThanOrEqual(Math.floor(elapsed / PROGRESS_INTERVAL_MS) + 1);
    for (let i = 1; i < running.length; i += 1) expect(running[i]!.frames).toBeGreaterThan(running[i - 1]!.frames);
    for (const e of running) {
      expect(e.totalFrames).toBe(frames);
      expect(e.frames).toBeLessThanOrEqual(frames);
      expect(e.peak).toHaveLength(1);
      expect(e.peak[0]!).toBeGreaterThan(0);
      expect(e.peak[0]!).toBeLessThanOrEqual(0.64);
      expect(e.realtime).toBeGreaterThan(0);
    }
    expect(last).toMatchObject({ done: true, partial: false, frames, totalFrames: frames, label: "render", nonFinite: 0 });
    expect(events.filter((e) => e.done)).toHaveLength(1);
    // The summary's levels are the native meters over the whole render: analyzeLevels bit for bit.
    const levels = analyzeLevels(result.samples, result.shape);
    expect(last!.peak).toEqual(Array.from(levels.peak));
    expect(last!.rms).toEqual(Array.from(levels.rms));
    expect(last!.heatTotal).toBe(result.summary.totalHeat);
  });

  it("a throwing callback cancels the render, which rejects with the thrown error", { timeout: 60_000 }, async () => {
    const boom = new Error("stop here");
    await expect(
      render(sines(), {
        frames: 48000 * 120,
        onProgress: (e) => {
          if (!e.done) throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });

  it("validates onProgress, progress and partial", async () => {
    const g = sines(1);
    await expect(render(g, { frames: 10, onProgress: 3 as never })).rejects.toThrow(
      'render option "onProgress" expects a function (event) => void, got 3',
    );
    await expect(render(g, { frames: 10, partial: "yes" as never })).rejects.toThrow(
      'render option "partial" expects a boolean, got "yes"',
    );
  });
});

describe("stopping with a partial result", () => {
  it(
    "returns the frames rendered so far, marked partial, equal to the start of the full render; the stream continues",
    { timeout: 120_000 },
    async () => {
      const frames = 48000 * 120;
      const controller = new AbortController();
      const runtime = Runtime.create(sines(), { blockFrames: 256 });
      let aborted = false;
      const events: ProgressEvent[] = [];
      const partial = await runtime.render(frames, {
        partial: true,
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e);
          if (!aborted && !e.done) {
            aborted = true;
            controller.abort();
          }
        },
      });
      expect(partial.partial).toBe(true);
      const done = partial.shape.frames;
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(frames);
      expect(partial.samples).toHaveLength(done);
      expect(events[events.length - 1]).toMatchObject({ done: true, partial: true, frames: done });
      // The runtime stays where it stopped: rendering on gives the rest of the same stream.
      const rest = await runtime.render(frames - done);
      runtime.dispose();
      const whole = await render(sines(), { frames, blockFrames: 256 });
      expectSameBits(concat([partial.samples, rest.samples], 1), whole.samples);
    },
  );

  it("keeps the taps of the frames rendered so far, equal to the start of the full render's taps", { timeout: 120_000 }, async () => {
    // Per-frame taps (safety) and taps with a record every hop frames (fft_divider), two lanes.
    const tapped = (): Graph =>
      sines()
        .add("div", fftDivider({ windowSize: 256, hop: 96 }))
        .add("guard", safety({ limit: 0.3 }))
        .chain("m", "div", "guard")
        .output("guard");
    const frames = 48000 * 60;
    const controller = new AbortController();
    const runtime = Runtime.create(tapped(), { blockFrames: 256, batches: 2 });
    await runtime.render(1000); // start mid-stream: record times and phases do not start at 0
    let aborted = false;
    const partial = await runtime.render(frames, {
      partial: true,
      signal: controller.signal,
      onProgress: (e) => {
        if (!aborted && !e.done) {
          aborted = true;
          controller.abort();
        }
      },
    });
    runtime.dispose();
    const done = partial.shape.frames;
    expect(partial.partial).toBe(true);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(frames);
    const whole = Runtime.create(tapped(), { blockFrames: 256, batches: 2 });
    await whole.render(1000);
    const full = await whole.render(frames);
    whole.dispose();
    expect(Object.keys(partial.taps)).toEqual(Object.keys(full.taps));
    expect(Object.keys(partial.taps)).toEqual(["div.bands", "guard.clipped", "guard.replaced"]);
    for (const [name, tap] of Object.entries(partial.taps)) {
      const ref = full.taps[name]!;
      // Records at stream frames 1000 + [0, done): per frame, or one every 96 frames from phase 95.
      const records = tap.period === 1 ? done : Math.floor((1000 + done - 96) / 96) + 1 - Math.floor((1000 - 96) / 96) - 1;
      expect(tap.records).toBe(records);
      expect(tap.frames).toBe(done);
      expect(tap.batches).toBe(2);
      expectSameBits(tap.times, ref.times.subarray(0, records));
      const rows = tap.batches * tap.values;
      expect(tap.data).toHaveLength(rows * records);
      for (let r = 0; r < rows; r += 1)
        expectSameBits(tap.data.subarray(r * records, (r + 1) * records), ref.data.subarray(r * ref.records, r * ref.records + records));
    }
    expect(partial.taps["div.bands"]!.series("in_band_db", 1, 0)).toHaveLength(partial.taps["div.bands"]!.records);
  });

  it("without partial: true a stop rejects with AMP_ERR_CANCELLED", { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const pending = render(sines(), { frames: 48000 * 120, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
  });
});

describe("streamed renders", () => {
  it("yields blocks in order whose concatenation equals the whole render bit for bit (samples and heat)", async () => {
    const frames = 100_003;
    const runtime = Runtime.create(stereo(), { blockFrames: 300 });
    const blocks = [];
    for await (const block of runtime.stream({ frames, blockFrames: 4096, recordHeat: true })) blocks.push(block);
    runtime.dispose();
    expect(blocks).toHaveLength(Math.ceil(frames / 4096));
    let position = 0;
    for (const block of blocks) {
      position += block.shape.frames;
      expect(block.summary.framesRendered).toBe(position); // in order, no gap, no overlap
      expect(block.partial).toBe(false);
    }
    const whole = await render(stereo(), { frames, blockFrames: 300, recordHeat: true });
    expectSameBits(
      concat(
        blocks.map((b) => b.samples),
        2,
      ),
      whole.samples,
    );
    expectSameBits(
      concat(
        blocks.map((b) => b.heat!.graph),
        1,
      ),
      whole.heat!.graph,
    );
  });

  it(
    "stopped with partial: true, ends after the interrupted block; the blocks are the start of the stream",
    { timeout: 120_000 },
    async () => {
      const controller = new AbortController();
      const runtime = Runtime.create(sines());
      const blocks: Float64Array[] = [];
      const total = 48000 * 200;
      let last: ProgressEvent | undefined;
      for await (const block of runtime.stream({
        frames: total,
        blockFrames: 48000 * 20,
        signal: controller.signal,
        partial: true,
        onProgress: (e) => {
          last = e;
          if (!e.done) controller.abort();
        },
      }))
        blocks.push(block.samples);
      runtime.dispose();
      const got = concat(blocks, 1);
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(total);
      expect(last).toMatchObject({ done: true, partial: true, frames: got.length });
      const whole = await render(sines(), { frames: got.length });
      expectSameBits(got, whole.samples);
    },
  );

  it("renderInto reuses one buffer and gives the bits of render()", async () => {
    const a = Runtime.create(stereo(), { batches: 2 });
    const buffer = new Float64Array(2 * 2 * 128);
    const parts: Float64Array[] = [];
    for (let i = 0; i < 10; i += 1) {
      expect(a.renderInto(buffer, 128)).toBe(buffer);
      parts.push(buffer.slice());
    }
    expect(() => a.renderInto(new Float64Array(10), 128)).toThrow(
      'argument "buffer" expects a Float64Array of batches x output channels x frames = 2 x 2 x 128 = 512 values, got a Float64Array of length 10',
    );
    a.dispose();
    const whole = await render(stereo(), { frames: 1280, batches: 2 });
    expectSameBits(concat(parts, 4), whole.samples);
  });
});

describe("streaming WAV", () => {
  it.each(["16", "24", "32", "32f", "64f"] as const)("written block by block equals written at once (%s, dithered)", async (bitDepth) => {
    const frames = 50_000;
    const whole = await render(stereo(), { frames });
    const options = { channels: 2, sampleRate: 48000, bitDepth, dither: true, ditherSeed: 7 };
    const once = join(dir, `once-${bitDepth}.wav`);
    await writeWav(once, whole.samples, options);
    const streamed = join(dir, `streamed-${bitDepth}.wav`);
    const writer = await WavWriter.open(streamed, options);
    const runtime = Runtime.create(stereo());
    for await (const block of runtime.stream({ frames, blockFrames: 7001 })) await writer.write(block.samples);
    runtime.dispose();
    expect(await writer.close()).toMatchObject({ frames, clipped: 0 });
    expect(readFileSync(streamed).equals(readFileSync(once))).toBe(true);
    const back = await readWav(streamed);
    expect(back).toMatchObject({ channels: 2, frames, bitDepth });
    if (bitDepth === "64f") expectSameBits(back.samples, whole.samples);
  });

  it("a stopped stream leaves a valid WAV holding exactly the frames rendered", { timeout: 120_000 }, async () => {
    const controller = new AbortController();
    const path = join(dir, "partial.wav");
    const writer = await WavWriter.open(path, { channels: 1, sampleRate: 48000, bitDepth: "64f" });
    const runtime = Runtime.create(sines());
    for await (const block of runtime.stream({
      frames: 48000 * 200,
      blockFrames: 48000 * 10,
      signal: controller.signal,
      partial: true,
      onProgress: (e) => {
        if (!e.done) controller.abort();
      },
    }))
      await writer.write(block.samples);
    runtime.dispose();
    const { frames } = await writer.close();
    expect(frames).toBeGreaterThan(0);
    const audio = await readWav(path);
    expect(audio.frames).toBe(frames);
    expectSameBits(audio.samples, (await render(sines(), { frames })).samples);
  });

  it("refuses a block with a non-finite sample whole, naming it, and the file stays valid", async () => {
    const path = join(dir, "refused.wav");
    const writer = await WavWriter.open(path, { channels: 2, sampleRate: 8000, bitDepth: "16" });
    await writer.write(new Float64Array([0.5, 0.25, -0.5, -0.25]));
    await expect(writer.write(new Float64Array([0, 0, Number.NaN, 0]))).rejects.toThrow(
      'argument "samples" expects finite values for a WAV file, got NaN at index 2',
    );
    await expect(writer.write(new Float64Array([0, 0, Number.NaN, 0]))).rejects.toBeInstanceOf(AmpError);
    expect(await writer.close()).toMatchObject({ frames: 2, bytes: 44 + 8 });
    const audio = await readWav(path);
    expect(Array.from(audio.samples)).toEqual([0.5, 0.25, -0.5, -0.25]);
  });
});

describe("notebook --check and progress displays", () => {
  it("leaves progress displays (output metadata amp_kpn.progress) out of the comparison, and compares the rest", async () => {
    const { compareNotebooks } = await import("../src/notebook/compare");
    const progress = (text: string) => ({
      output_type: "display_data" as const,
      data: { "text/plain": text },
      metadata: { amp_kpn: { progress: true } },
    });
    const notebook = (outputs: unknown[]) =>
      ({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ cell_type: "code", source: "x", metadata: {}, execution_count: 1, outputs }],
      }) as never;
    const result = { output_type: "execute_result", execution_count: 1, data: { "text/plain": "42" }, metadata: {} };
    expect(compareNotebooks(notebook([progress("render: ... in 0.9 s"), result]), notebook([result]))).toEqual([]);
    expect(compareNotebooks(notebook([result]), notebook([progress("render: ... in 1.3 s"), result]))).toEqual([]);
    const other = { ...result, data: { "text/plain": "43" } };
    expect(compareNotebooks(notebook([progress("a"), result]), notebook([progress("b"), other]))).toHaveLength(1);
  });
});
