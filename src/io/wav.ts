/**
 * WAV files through `wavefile`: planar `channels x frames` Float64Array in [-1, 1] in and out,
 * whatever the file's sample format. Scaling between integer and float samples is wavefile's.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import { WaveFile } from "wavefile";
import { ampError, checkOptionKeys, invalidError, validationError } from "../errors";
import { checkInteger } from "../render/shape";
import { formatBytes, renderMemoryBudget } from "../render/output-size";

/** Sample formats {@link writeWav} can write: 32-bit float (default), 16- or 24-bit integer. */
export type WavBitDepth = "32f" | "16" | "24";

/** Options of {@link encodeWav} and {@link writeWav}. */
export interface WavWriteOptions {
  /** Channel count, integer in [1, 65535]; `samples.length` must be a multiple of it. */
  readonly channels: number;
  /** Sample rate in Hz, integer in [1, 4294967295]. */
  readonly sampleRate: number;
  /** Sample format. Default `"32f"`. Integer formats clip to [-1, 1]. */
  readonly bitDepth?: WavBitDepth | undefined;
}

/** Decoded WAV audio. */
export interface WavAudio {
  /** Planar `channels x frames` samples in [-1, 1] (float files may exceed it). */
  readonly samples: Float64Array;
  readonly channels: number;
  readonly frames: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** The file's sample format code (`"16"`, `"24"`, `"32f"`, ...). */
  readonly bitDepth: string;
}

/** Options of {@link decodeWav} and {@link readWav}. */
export interface WavReadOptions {
  /**
   * Most bytes the decoded samples (Float64, 8 bytes per sample) may take, a number > 0; a file
   * declaring more is refused before decoding, naming the size. Default: half the machine's memory.
   */
  readonly maxBytes?: number | undefined;
}

const BIT_DEPTHS: readonly WavBitDepth[] = ["32f", "16", "24"];
const READ_KEYS = ["maxBytes"];

/** The `maxBytes` of read options (checked), or the default budget. */
function readBudget(options: WavReadOptions | undefined, owner: string): number {
  if (options === undefined) return renderMemoryBudget();
  if (typeof options !== "object" || options === null)
    throw validationError({ param: "options", label: "argument" }, "an object { maxBytes? }", options);
  checkOptionKeys({ label: "WAV option" }, options, READ_KEYS, owner);
  const { maxBytes } = options;
  if (maxBytes === undefined) return renderMemoryBudget();
  if (typeof maxBytes !== "number" || Number.isNaN(maxBytes) || maxBytes <= 0)
    throw validationError({ param: "maxBytes", label: "WAV option" }, "a number of bytes > 0", maxBytes);
  return maxBytes;
}
const WRITE_KEYS = ["channels", "sampleRate", "bitDepth"];

/** Audio format codes of the fmt chunk that {@link decodeWav} reads. */
const AUDIO_FORMATS: Readonly<Record<number, string>> = {
  1: "PCM",
  3: "float",
  6: "A-law",
  7: "mu-law",
  17: "IMA ADPCM",
  65534: "extensible",
};

/** Data chunk size some streaming writers leave in place of the real one (read as "to the end of the file"). */
const STREAMING_DATA_SIZE = 0xffffffff;

/** A WAV decoding failure (stage `"wav"`). */
function wavError(text: string): Error {
  return ampError("AMP_ERR_INVALID_ARGUMENT", `not a readable WAV file: ${text}`, { stage: "wav" });
}

/** A file-system failure of readWav / writeWav as an AmpError naming the file. */
function fileError(action: string, path: unknown, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return ampError("AMP_ERR_INVALID_ARGUMENT", `cannot ${action} WAV file ${String(path)}: ${reason}`, { stage: "wav" });
}

/** The fields of wavefile's fmt chunk read here. */
interface WavFmt {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
}

/** Checks the fmt and data chunks wavefile read: a format this module decodes, sane counts, no truncation. */
function checkWavHeader(fmt: WavFmt, data: { chunkSize: number; samples: Uint8Array }): void {
  const { audioFormat, numChannels, sampleRate, bitsPerSample } = fmt;
  if (AUDIO_FORMATS[audioFormat] === undefined) {
    const known = Object.entries(AUDIO_FORMATS).map(([code, name]) => `${code} (${name})`);
    throw wavError(`header "audioFormat" expects one of ${known.join(", ")}, got ${audioFormat}`);
  }
  if (!Number.isInteger(numChannels) || numChannels < 1) throw wavError(`header "numChannels" expects an integer >= 1, got ${numChannels}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw wavError(`header "sampleRate" expects an integer >= 1 Hz, got ${sampleRate}`);
  if (audioFormat === 1 || audioFormat === 65534) {
    if (bitsPerSample < 8 || bitsPerSample > 32) throw wavError(`header "bitsPerSample" expects 8 to 32 for PCM, got ${bitsPerSample}`);
  } else if (audioFormat === 3 && bitsPerSample !== 32 && bitsPerSample !== 64) {
    throw wavError(`header "bitsPerSample" expects 32 or 64 for float, got ${bitsPerSample}`);
  }
  if (data.chunkSize !== STREAMING_DATA_SIZE && data.samples.length < data.chunkSize) {
    throw wavError(`truncated: the data chunk declares ${data.chunkSize} bytes, the buffer holds ${data.samples.length}`);
  }
  const frameBytes = numChannels * Math.ceil(bitsPerSample / 8);
  if ((audioFormat === 1 || audioFormat === 3 || audioFormat === 65534) && data.samples.length % frameBytes !== 0) {
    throw wavError(`the data chunk holds ${data.samples.length} bytes, not a whole number of ${frameBytes}-byte frames`);
  }
}

/**
 * Encodes planar samples as a WAV file in memory.
 * @param samples - planar `channels x frames` values (one batch)
 * @param options - channels, sample rate, bit depth
 */
export function encodeWav(samples: Float64Array, options: WavWriteOptions): Uint8Array {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  if (typeof options !== "object" || options === null)
    throw validationError({ param: "options", label: "argument" }, "an object { channels, sampleRate, bitDepth? }", options);
  checkOptionKeys({ label: "WAV option" }, options, WRITE_KEYS, "encodeWav()");
  const channels = checkInteger({ param: "channels", label: "WAV option" }, options.channels, 1, 65535);
  const sampleRate = checkInteger({ param: "sampleRate", label: "WAV option" }, options.sampleRate, 1, 4294967295, "Hz");
  const bitDepth = options.bitDepth === undefined ? "32f" : options.bitDepth;
  if (!BIT_DEPTHS.includes(bitDepth))
    throw validationError({ param: "bitDepth", label: "WAV option" }, `one of ${BIT_DEPTHS.map((b) => `"${b}"`).join(", ")}`, bitDepth);
  if (samples.length % channels !== 0) {
    throw validationError({ param: "samples", label: "argument" }, `a length that is a multiple of ${channels} channels`, samples);
  }
  // A WAV never carries non-finite samples silently (integer formats would turn them into 0,
  // float files would hand them to every player): refused for every bit depth.
  const bad = samples.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0)
    throw invalidError(
      { param: "samples", label: "argument" },
      `expects finite values for a WAV file, got ${samples[bad]} at index ${bad}`,
    );
  const frames = samples.length / channels;
  const lanes: Float64Array[] = [];
  for (let c = 0; c < channels; c += 1) lanes.push(samples.slice(c * frames, (c + 1) * frames));
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, "32f", channels === 1 ? (lanes[0] ?? new Float64Array(0)) : lanes);
  if (bitDepth !== "32f") wav.toBitDepth(bitDepth);
  return wav.toBuffer();
}

/** Bytes of the Float64 samples a data chunk decodes to (IMA ADPCM: 4 bits per sample). */
function decodedBytes(fmt: WavFmt, dataBytes: number): number {
  const bits = fmt.audioFormat === 17 ? 4 : fmt.audioFormat === 6 || fmt.audioFormat === 7 ? 8 : Math.ceil(fmt.bitsPerSample / 8) * 8;
  return Math.ceil((dataBytes * 8) / bits) * 8;
}

/**
 * Decodes a WAV file in memory to planar Float64 samples in [-1, 1].
 * PCM integer (8 to 32 bits), float (32, 64 bits), A-law, mu-law and IMA ADPCM files are read.
 * @param bytes - the file's bytes
 * @param options - `maxBytes`: the most the decoded samples may take (default half the machine's memory)
 */
export function decodeWav(bytes: Uint8Array, options?: WavReadOptions): WavAudio {
  if (!(bytes instanceof Uint8Array)) throw validationError({ param: "bytes", label: "argument" }, "a Uint8Array (or Buffer)", bytes);
  const maxBytes = readBudget(options, "decodeWav()");
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw wavError(error instanceof Error ? error.message : String(error));
  }
  // Read before converting: the conversions below replace (and clear) the fmt object.
  const fmt = { ...(wav.fmt as WavFmt) };
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  checkWavHeader(fmt, data);
  const needed = decodedBytes(fmt, data.samples.length);
  if (needed > maxBytes)
    throw wavError(
      `its ${data.samples.length} bytes of samples decode to ${formatBytes(needed)} of Float64 samples; the limit "maxBytes" is ${formatBytes(maxBytes)}`,
    );
  const { numChannels: channels, sampleRate, audioFormat } = fmt;
  const bitDepth = wav.bitDepth;
  let raw: Float64Array | Float64Array[];
  try {
    if (audioFormat === 6) wav.fromALaw("16");
    else if (audioFormat === 7) wav.fromMuLaw("16");
    else if (audioFormat === 17) wav.fromIMAADPCM("16");
    if (wav.bitDepth !== "32f" && wav.bitDepth !== "64") wav.toBitDepth("64");
    raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  } catch (error) {
    throw wavError(`the samples do not decode (${error instanceof Error ? error.message : String(error)})`);
  }
  const lanes: Float64Array[] = Array.isArray(raw) ? raw : [raw];
  const frames = lanes[0]?.length ?? 0;
  const samples = new Float64Array(channels * frames);
  lanes.forEach((lane, c) => samples.set(lane, c * frames));
  return { samples, channels, frames, sampleRate, bitDepth };
}

/**
 * Writes planar samples to a WAV file.
 * @param path - file path
 * @param samples - planar `channels x frames` values (one batch)
 * @param options - channels, sample rate (Hz), bit depth (default `"32f"`)
 */
export async function writeWav(path: string, samples: Float64Array, options: WavWriteOptions): Promise<void> {
  const bytes = encodeWav(samples, options);
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw fileError("write", path, error);
  }
}

/**
 * Reads a WAV file to planar Float64 samples in [-1, 1], whatever its sample format. A file
 * larger than `maxBytes` (or than 2 GiB, what one read can hold) is refused before it is read.
 */
export async function readWav(path: string, options?: WavReadOptions): Promise<WavAudio> {
  const maxBytes = readBudget(options, "readWav()");
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw fileError("read", path, error);
  }
  const limit = Math.min(maxBytes, 2 ** 31 - 1);
  if (size > limit)
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `cannot read WAV file ${String(path)}: it holds ${formatBytes(size)} (${size} bytes); the limit is ${formatBytes(limit)} ` +
        `(${limit === maxBytes ? '"maxBytes"' : "one read"}): reading it would need at least that much memory`,
      { stage: "wav" },
    );
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError("read", path, error);
  }
  return decodeWav(bytes, { maxBytes });
}
