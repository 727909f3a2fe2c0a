// The WAV writer's write-behind (a block's file write overlaps what the caller does next) and
// readWav's double-buffered chunked reads of two halves at once (decoded on the thread pool):
// the bytes and samples do not depend on either, a failed file write is reported and still
// leaves a valid file, reads across chunk boundaries equal decoding the whole file at once, and a
// file that fails or ends early in either half reports the first failure a single pass meets.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { AmpError, decodeWav, encodeWav, readWav, WavWriter, writeWav } from "../src/index";
import { loadAddon } from "../src/native/load-addon";

const dir = mkdtempSync(join(tmpdir(), "amp-wav-behind-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Planar `channels x frames` test values (input data, not DSP): distinct, in [-1, 1]. */
function planar(channels: number, frames: number, seed: number): Float64Array {
  const out = new Float64Array(channels * frames);
  for (let i = 0; i < out.length; i += 1) out[i] = Math.sin(0.001 * i * (seed + 1) + seed) * 0.9;
  return out;
}

/** Frame range [start, start + n) of planar samples as a planar block. */
function slice(samples: Float64Array, channels: number, frames: number, start: number, n: number): Float64Array {
  const out = new Float64Array(channels * n);
  for (let c = 0; c < channels; c += 1) out.set(samples.subarray(c * frames + start, c * frames + start + n), c * n);
  return out;
}

describe("WavWriter write-behind", () => {
  it("converts a block before write() resolves: reusing its array at once leaves the bytes of a file written at once", async () => {
    const channels = 2;
    const frames = 10 * 1000;
    const all = planar(channels, frames, 3);
    const options = { channels, sampleRate: 48000, bitDepth: "64f" as const };
    const path = join(dir, "reused.wav");
    const writer = await WavWriter.open(path, options);
    const block = new Float64Array(channels * 1000);
    for (let start = 0; start < frames; start += 1000) {
      block.set(slice(all, channels, frames, start, 1000));
      await writer.write(block);
      block.fill(Number.NaN); // the file must not see this
    }
    expect(await writer.close()).toMatchObject({ frames, bytes: 44 + frames * channels * 8 });
    expect(readFileSync(path).equals(Buffer.from(encodeWav(all, options)))).toBe(true);
  });

  it("a failed file write rejects close(), and the file is valid with the frames before the failed block", async () => {
    const path = join(dir, "failed.wav");
    const options = { channels: 1, sampleRate: 8000, bitDepth: "16" as const };
    const writer = await WavWriter.open(path, options);
    const probe = await open(join(dir, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = proto.write;
    const failAt = 44 + 2 * 1000 * 2; // the third block's offset
    vi.spyOn(proto, "write").mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (args[3] === failAt) return Promise.reject(new Error("injected failure"));
      return original.apply(this, args);
    });
    const blocks = Array.from({ length: 5 }, (_, k) => planar(1, 1000, k));
    const results = [];
    for (const b of blocks)
      results.push(
        await writer.write(b).then(
          () => "ok",
          (e: Error) => e.message,
        ),
      );
    // Blocks before the failure were accepted; the failure surfaces once the write settles.
    expect(results.slice(0, 3)).toEqual(["ok", "ok", "ok"]);
    await expect(writer.close()).rejects.toThrow(`cannot write WAV file ${path}: injected failure`);
    vi.restoreAllMocks();
    expect(statSync(path).size).toBe(44 + 2000 * 2);
    const back = await readWav(path);
    expect(back.frames).toBe(2000);
    const expected = decodeWav(encodeWav(new Float64Array([...blocks[0]!, ...blocks[1]!]), options));
    expect(Array.from(back.samples)).toEqual(Array.from(expected.samples));
  });
});

describe("readWav in double-buffered chunks", () => {
  it.each([
    { channels: 1, bitDepth: "16" as const, frames: 700_001 },
    { channels: 2, bitDepth: "24" as const, frames: 262_144 * 2 },
    { channels: 3, bitDepth: "32f" as const, frames: 262_145 },
    { channels: 2, bitDepth: "32f" as const, frames: 262_144 * 4 + 3 },
    { channels: 3, bitDepth: "16" as const, frames: 262_144 * 3 - 1 },
    { channels: 1, bitDepth: "24" as const, frames: 262_144 * 5 + 17 },
  ])("equals decoding the whole file at once ($channels ch, $bitDepth, $frames frames)", async ({ channels, bitDepth, frames }) => {
    const path = join(dir, `chunks-${channels}-${bitDepth}.wav`);
    await writeWav(path, planar(channels, frames, channels), { channels, sampleRate: 44100, bitDepth });
    const whole = decodeWav(readFileSync(path));
    const read = await readWav(path);
    expect(read).toMatchObject({ channels, frames, sampleRate: 44100, bitDepth });
    expect(Buffer.from(read.samples.buffer).equals(Buffer.from(whole.samples.buffer))).toBe(true);
  });
});

describe("readWav failures in either half", () => {
  const channels = 2;
  const frames = 262_144 * 3 + 5; // halves of 393_219 and 393_218 frames, each over a chunk
  const frameBytes = channels * 2;
  let path = "";

  /** Replaces FileHandle.prototype.read for reads at or past `offset` of a file (others pass through). */
  async function injectRead(failure: (position: number, length: number, read: () => Promise<{ bytesRead: number }>) => Promise<unknown>) {
    path = join(dir, "halves.wav");
    await writeWav(path, planar(channels, frames, 7), { channels, sampleRate: 8000, bitDepth: "16" });
    const probe = await open(path, "r");
    const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
    await probe.close();
    const original = proto.read;
    vi.spyOn(proto, "read").mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [, , length, position] = args as [unknown, number, number, number];
      return failure(position, length, () => original.apply(this, args)) as Promise<{ bytesRead: number }>;
    });
  }

  it.each([
    { half: "first", frame: 300_001 },
    { half: "second", frame: 700_003 },
  ])("a file that ends early in the $half half names the frame it ended inside", async ({ frame }) => {
    const end = 44 + frame * frameBytes + 1; // one byte into `frame`
    await injectRead(async (position, length, read) => {
      const result = await read();
      return position >= 44 ? { ...result, bytesRead: Math.max(0, Math.min(length, end - position)) } : result;
    });
    const error = await readWav(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmpError);
    expect((error as Error).message).toBe(`not a readable WAV file: truncated: the file ended inside frame ${frame}`);
  });

  it.each([
    { half: "first", frame: 262_144 },
    { half: "second", frame: 393_219 + 262_144 },
  ])("a failed read in the $half half rejects with an AmpError naming the file", async ({ frame }) => {
    await injectRead(async (position, _length, read) =>
      position === 44 + frame * frameBytes ? Promise.reject(new Error("injected failure")) : read(),
    );
    const error = await readWav(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmpError);
    expect((error as Error).message).toBe(`cannot read WAV file ${path}: injected failure`);
    vi.restoreAllMocks();
    const back = await readWav(path);
    expect(back.frames).toBe(frames);
  });
});

describe("pcmDecode on the thread pool", () => {
  it("writes what the synchronous decode writes, and rejects a bad format with an AmpError", async () => {
    const addon = loadAddon();
    const frames = 1000;
    const bytes = encodeWav(planar(3, frames, 3), { channels: 3, sampleRate: 8000, bitDepth: "24" }).subarray(44);
    const sync = new Float64Array(3 * (frames + 10));
    const pooled = new Float64Array(3 * (frames + 10));
    addon.pcmDecode(bytes, 3, frames, 1, sync, frames + 10);
    await expect(addon.pcmDecode(bytes, 3, frames, 1, pooled, frames + 10, { cancel: new addon.CancelFlag() })).resolves.toBeUndefined();
    expect(Buffer.from(pooled.buffer).equals(Buffer.from(sync.buffer))).toBe(true);
    const refused = await addon
      .pcmDecode(bytes, 3, frames, 99, pooled, frames + 10, { cancel: new addon.CancelFlag() })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AmpError);
    expect((refused as Error).message).toMatch(/pcm decode failed/);
  });
});
