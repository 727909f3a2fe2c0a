/**
 * WAV files through `wavefile`: planar `channels x frames` Float64Array in [-1, 1] in and out,
 * whatever the file's sample format. Scaling between integer and float samples is wavefile's.
 */
import { readFile, writeFile } from "node:fs/promises";
import { WaveFile } from "wavefile";
import { ampError, validationError } from "../errors";
import { checkInteger } from "../render/shape";

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

const BIT_DEPTHS: readonly WavBitDepth[] = ["32f", "16", "24"];

/**
 * Encodes planar samples as a WAV file in memory.
 * @param samples - planar `channels x frames` values (one batch)
 * @param options - channels, sample rate, bit depth
 */
export function encodeWav(samples: Float64Array, options: WavWriteOptions): Uint8Array {
  if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
  const channels = checkInteger({ param: "channels", label: "WAV option" }, options.channels, 1, 65535);
  const sampleRate = checkInteger({ param: "sampleRate", label: "WAV option" }, options.sampleRate, 1, 4294967295, "Hz");
  const bitDepth = options.bitDepth ?? "32f";
  if (!BIT_DEPTHS.includes(bitDepth))
    throw validationError({ param: "bitDepth", label: "WAV option" }, `one of ${BIT_DEPTHS.map((b) => `"${b}"`).join(", ")}`, bitDepth);
  if (samples.length % channels !== 0) {
    throw validationError({ param: "samples", label: "argument" }, `a length that is a multiple of ${channels} channels`, samples);
  }
  const frames = samples.length / channels;
  const lanes: Float64Array[] = [];
  for (let c = 0; c < channels; c += 1) lanes.push(samples.slice(c * frames, (c + 1) * frames));
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, "32f", channels === 1 ? (lanes[0] ?? new Float64Array(0)) : lanes);
  if (bitDepth !== "32f") wav.toBitDepth(bitDepth);
  return wav.toBuffer();
}

/**
 * Decodes a WAV file in memory to planar Float64 samples in [-1, 1].
 * PCM integer (8 to 32 bits), float (32, 64 bits), A-law, mu-law and IMA ADPCM files are read.
 */
export function decodeWav(bytes: Uint8Array): WavAudio {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw ampError("AMP_ERR_INVALID_ARGUMENT", `not a readable WAV file: ${error instanceof Error ? error.message : String(error)}`, {
      stage: "wav",
    });
  }
  // Read before converting: the conversions below replace (and clear) the fmt object.
  const { numChannels: channels, sampleRate, audioFormat } = wav.fmt as { numChannels: number; sampleRate: number; audioFormat: number };
  const bitDepth = wav.bitDepth;
  if (audioFormat === 6) wav.fromALaw("16");
  else if (audioFormat === 7) wav.fromMuLaw("16");
  else if (audioFormat === 17) wav.fromIMAADPCM("16");
  if (wav.bitDepth !== "32f" && wav.bitDepth !== "64") wav.toBitDepth("64");
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
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
  await writeFile(path, encodeWav(samples, options));
}

/** Reads a WAV file to planar Float64 samples in [-1, 1], whatever its sample format. */
export async function readWav(path: string): Promise<WavAudio> {
  return decodeWav(await readFile(path));
}
