/**
 * WAV files: planar `channels x frames` Float64Array in [-1, 1] in and out. Samples are converted
 * natively (`amp_pcm_encode` / `amp_pcm_decode`, see ./wav-format.ts for the formats); files in
 * formats the native codec does not read (A-law, mu-law, IMA ADPCM, odd bit depths) are decoded
 * through `wavefile`. Large files are read in chunks straight into the output array, and written
 * through a {@link WavWriter}, so neither holds a second copy of the audio.
 */
import { open, stat, type FileHandle } from "node:fs/promises";
import { WaveFile } from "wavefile";
import { ampError, checkOptionKeys, validationError } from "../errors";
import { formatBytes, renderMemoryBudget } from "../render/output-size";
import { loadAddon } from "../native/load-addon";
import { PCM_BYTES, PCM_CODES, HEADER_BYTES, parseWavHeader, wavError, wavHeader, type WavBitDepth, type WavLayout } from "./wav-format";
import { checkWavOptions, encodeBlock, WavWriter, type WavWriterOptions } from "./wav-writer";

export type { WavBitDepth } from "./wav-format";

/** Options of {@link encodeWav} and {@link writeWav}. */
export type WavWriteOptions = WavWriterOptions;

/** Decoded WAV audio. */
export interface WavAudio {
  /** Planar `channels x frames` samples in [-1, 1] (float files may exceed it). */
  readonly samples: Float64Array;
  readonly channels: number;
  readonly frames: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** The file's sample format (`"16"`, `"24"`, `"32"`, `"32f"`, `"64f"`, `"8"`, ...). */
  readonly bitDepth: string;
}

/** Frames per chunk when writing a file piecewise. */
const CHUNK_FRAMES = 65536;

/** Frames per chunk when reading a file piecewise (two chunks are held: one read, one decoded). */
const READ_CHUNK_FRAMES = 262144;

/** A file-system failure of readWav / writeWav as an AmpError naming the file. */
function fileError(action: string, path: unknown, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return ampError("AMP_ERR_INVALID_ARGUMENT", `cannot ${action} WAV file ${String(path)}: ${reason}`, { stage: "wav" });
}

function checkSamples(samples: unknown, channels: number): asserts samples is Float64Array {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  if (samples.length % channels !== 0)
    throw validationError({ param: "samples", label: "argument" }, `a length that is a multiple of ${channels} channels`, samples);
}

/**
 * Encodes planar samples as a WAV file in memory.
 * @param samples - planar `channels x frames` values (one batch)
 * @param options - channels, sample rate, bit depth, dither
 */
export function encodeWav(samples: Float64Array, options: WavWriteOptions): Uint8Array {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  const checked = checkWavOptions(options, "encodeWav()");
  checkSamples(samples, checked.channels);
  const frames = samples.length / checked.channels;
  const dataBytes = samples.length * PCM_BYTES[checked.bitDepth];
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  encodeBlock(samples, frames, frames, checked, 0, bytes.subarray(HEADER_BYTES));
  bytes.set(wavHeader(checked.bitDepth, checked.channels, checked.sampleRate, dataBytes), 0);
  return bytes;
}

/** Options of {@link decodeWav} and {@link readWav}. */
export interface WavReadOptions {
  /**
   * Most bytes the decoded samples (Float64, 8 bytes per sample) may take, a number > 0; a file
   * declaring more is refused before anything is decoded or read, naming the size. Default: half
   * the machine's memory.
   */
  readonly maxBytes?: number | undefined;
}

/** The `maxBytes` of read options (checked), or the default budget. */
function readBudget(options: WavReadOptions | undefined, owner: string): number {
  if (options === undefined) return renderMemoryBudget();
  if (typeof options !== "object" || options === null)
    throw validationError({ param: "options", label: "argument" }, "an object { maxBytes? }", options);
  checkOptionKeys({ label: "WAV option" }, options, ["maxBytes"], owner);
  const { maxBytes } = options;
  if (maxBytes === undefined) return renderMemoryBudget();
  if (typeof maxBytes !== "number" || Number.isNaN(maxBytes) || maxBytes <= 0)
    throw validationError({ param: "maxBytes", label: "WAV option" }, "a number of bytes > 0", maxBytes);
  return maxBytes;
}

/** Refuses a layout whose samples would decode to more than `maxBytes` (before any decoding). */
function checkDecodedSize(layout: WavLayout, maxBytes: number): void {
  const bits = layout.pcm === undefined ? layout.bitsPerSample : PCM_BYTES[layout.pcm] * 8;
  const decoded = Math.ceil((layout.dataBytes * 8) / Math.max(1, bits)) * 8;
  if (decoded > maxBytes)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `WAV: its ${layout.dataBytes} bytes of samples decode to ${formatBytes(decoded)} of Float64 samples; the limit "maxBytes" is ${formatBytes(maxBytes)}`,
      { stage: "wav" },
    );
}

/** The `bitDepth` name of a layout. */
function bitDepthName(layout: WavLayout): string {
  return layout.pcm ?? (layout.audioFormat === 3 ? `${layout.bitsPerSample}f` : String(layout.bitsPerSample));
}

/** Decodes through wavefile: the formats the native codec does not read. */
function decodeFallback(bytes: Uint8Array): WavAudio {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw wavError(error instanceof Error ? error.message : String(error));
  }
  const fmt = { ...(wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number }) };
  const bitDepth = wav.bitDepth;
  let raw: Float64Array | Float64Array[];
  try {
    if (fmt.audioFormat === 6) wav.fromALaw("16");
    else if (fmt.audioFormat === 7) wav.fromMuLaw("16");
    else if (fmt.audioFormat === 17) wav.fromIMAADPCM("16");
    if (wav.bitDepth !== "32f" && wav.bitDepth !== "64") wav.toBitDepth("64");
    raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  } catch (error) {
    throw wavError(`the samples do not decode (${error instanceof Error ? error.message : String(error)})`);
  }
  const lanes: Float64Array[] = Array.isArray(raw) ? raw : [raw];
  const frames = lanes[0]?.length ?? 0;
  const samples = new Float64Array(fmt.numChannels * frames);
  lanes.forEach((lane, c) => samples.set(lane, c * frames));
  return { samples, channels: fmt.numChannels, frames, sampleRate: fmt.sampleRate, bitDepth };
}

/**
 * Decodes a WAV file in memory to planar Float64 samples in [-1, 1].
 * PCM integer (8 to 32 bits), float (32, 64 bits), A-law, mu-law and IMA ADPCM files are read.
 */
export function decodeWav(bytes: Uint8Array, options?: WavReadOptions): WavAudio {
  if (!(bytes instanceof Uint8Array)) throw validationError({ param: "bytes", label: "argument" }, "a Uint8Array (or Buffer)", bytes);
  const maxBytes = readBudget(options, "decodeWav()");
  const layout = parseWavHeader(bytes, bytes.length);
  checkDecodedSize(layout, maxBytes);
  if (layout.pcm === undefined) return decodeFallback(bytes);
  const { channels, dataOffset, dataBytes } = layout;
  const frames = dataBytes / (channels * PCM_BYTES[layout.pcm]);
  const samples = new Float64Array(channels * frames);
  loadAddon().pcmDecode(bytes.subarray(dataOffset, dataOffset + dataBytes), channels, frames, PCM_CODES[layout.pcm], samples, frames);
  return { samples, channels, frames, sampleRate: layout.sampleRate, bitDepth: bitDepthName(layout) };
}

/**
 * Writes planar samples to a WAV file, block by block through a {@link WavWriter} (no encoded
 * copy of the whole file in memory). Nothing is left behind when a sample is not finite.
 * @param path - file path
 * @param samples - planar `channels x frames` values (one batch)
 * @param options - channels, sample rate (Hz), bit depth (default `"32f"`), dither
 */
export async function writeWav(path: string, samples: Float64Array, options: WavWriteOptions): Promise<void> {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  const checked = checkWavOptions(options, "writeWav()");
  checkSamples(samples, checked.channels);
  // Refused before the file is touched: a WAV never carries non-finite samples silently.
  if (loadAddon().countNonFinite(samples) > 0) encodeWav(samples, options);
  const frames = samples.length / checked.channels;
  const writer = await WavWriter.open(path, options);
  try {
    const block = new Float64Array(checked.channels * Math.min(frames, CHUNK_FRAMES));
    for (let start = 0; start < frames; start += CHUNK_FRAMES) {
      const n = Math.min(CHUNK_FRAMES, frames - start);
      const view = block.subarray(0, checked.channels * n);
      for (let c = 0; c < checked.channels; c += 1) view.set(samples.subarray(c * frames + start, c * frames + start + n), c * n);
      await writer.write(view);
    }
    await writer.close();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}

/**
 * Reads a WAV file to planar Float64 samples in [-1, 1], whatever its sample format. PCM and
 * float files are read in chunks decoded natively into the output array.
 */
export async function readWav(path: string, options?: WavReadOptions): Promise<WavAudio> {
  const maxBytes = readBudget(options, "readWav()");
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    throw fileError("read", path, error);
  }
  try {
    const size = (await stat(path)).size;
    const head = new Uint8Array(Math.min(size, 65536));
    await file.read(head, 0, head.length, 0);
    const layout = parseWavHeader(head, size);
    checkDecodedSize(layout, maxBytes);
    if (layout.pcm === undefined) {
      const all = new Uint8Array(size);
      await file.read(all, 0, size, 0);
      return decodeFallback(all);
    }
    const { channels, dataOffset, dataBytes } = layout;
    const frameBytes = channels * PCM_BYTES[layout.pcm];
    const frames = dataBytes / frameBytes;
    const samples = new Float64Array(channels * frames);
    // Two halves of the frames at once, each double-buffered: a chunk is read (on the thread pool)
    // while the previous one is decoded (also on the pool) into its own half of `samples`, so the
    // first-touch page faults of the output array and the decoding run on two threads.
    const chunkFrames = Math.min(frames, READ_CHUNK_FRAMES);
    const halves = frames > chunkFrames ? 2 : 1;
    const split = Math.ceil(frames / halves);
    const addon = loadAddon();
    const work = { cancel: new addon.CancelFlag() };
    // The earliest range that failed: a later range stops early, an earlier one reads on (its own
    // failure, met first by a single pass through the file, is the one thrown).
    let firstFailed = halves;
    const readRange = async (h: number, from: number, to: number): Promise<void> => {
      const buffers = [new Uint8Array(chunkFrames * frameBytes), new Uint8Array(to - from > chunkFrames ? chunkFrames * frameBytes : 0)];
      const readChunk = (start: number, buffer: Uint8Array) => {
        const n = Math.min(chunkFrames, to - start);
        const bytes = buffer.subarray(0, n * frameBytes);
        const read = file.read(bytes, 0, bytes.length, dataOffset + start * frameBytes).then(({ bytesRead }) => ({ bytes, n, bytesRead }));
        // Awaited only after the decode in flight: handled now, so that a failed read is never
        // an unhandled rejection in between (its failure is still thrown where it is awaited).
        read.catch(() => undefined);
        return read;
      };
      let next = from < to ? readChunk(from, buffers[0]!) : undefined;
      for (let start = from, k = 0; next !== undefined && firstFailed >= h; start += chunkFrames, k += 1) {
        const { bytes, n, bytesRead } = await next;
        if (bytesRead !== bytes.length)
          throw wavError(`truncated: the file ended inside frame ${start + Math.floor(bytesRead / frameBytes)}`);
        next = start + chunkFrames < to ? readChunk(start + chunkFrames, buffers[(k + 1) % 2]!) : undefined;
        try {
          await addon.pcmDecode(bytes, channels, n, PCM_CODES[pcm], samples.subarray(start), frames, work);
        } catch (error) {
          await next?.catch(() => undefined);
          throw error;
        }
      }
      await next?.catch(() => undefined);
    };
    const { pcm } = layout;
    const ranges = Array.from({ length: halves }, (_, h) =>
      readRange(h, h * split, Math.min(frames, (h + 1) * split)).catch((error: unknown) => {
        firstFailed = Math.min(firstFailed, h);
        throw error;
      }),
    );
    // Every range is over before the file is closed; the failure of the earliest range is thrown.
    for (const outcome of await Promise.allSettled(ranges)) if (outcome.status === "rejected") throw outcome.reason;
    return { samples, channels, frames, sampleRate: layout.sampleRate, bitDepth: bitDepthName(layout) };
  } catch (error) {
    if (error instanceof Error && (error as { stage?: string }).stage === "wav") throw error;
    throw fileError("read", path, error);
  } finally {
    await file.close();
  }
}
