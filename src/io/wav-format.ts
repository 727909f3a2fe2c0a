/**
 * WAV headers: the RIFF / fmt / data layout (byte packing only) and the sample formats the
 * native PCM codec (`amp_pcm_encode` / `amp_pcm_decode`) converts.
 */
import { ampError } from "../errors";

/** Sample formats {@link writeWav} and the {@link WavWriter} write. */
export type WavBitDepth = "16" | "24" | "32" | "32f" | "64f";

export const BIT_DEPTHS: readonly WavBitDepth[] = ["32f", "16", "24", "32", "64f"];

/** Native format codes (AMP_PCM_* of amp_native.h). */
export const PCM_CODES = { "16": 0, "24": 1, "32": 2, "32f": 3, "64f": 4, "8": 5 } as const;
export type PcmName = keyof typeof PCM_CODES;

/** Bytes per sample of each format. */
export const PCM_BYTES: Readonly<Record<PcmName, number>> = { "16": 2, "24": 3, "32": 4, "32f": 4, "64f": 8, "8": 1 };

/** The data chunk size some streaming writers leave in place of the real one ("to the end of the file"). */
export const STREAMING_DATA_SIZE = 0xffffffff;

/** Bytes before the samples in the files this module writes. */
export const HEADER_BYTES = 44;

/** The largest data chunk a RIFF file can declare. */
export const MAX_DATA_BYTES = 0xffffffff - (HEADER_BYTES - 8);

/** A WAV decoding failure (stage `"wav"`). */
export function wavError(text: string): Error {
  return ampError("AMP_ERR_INVALID_ARGUMENT", `not a readable WAV file: ${text}`, { stage: "wav" });
}

/**
 * The 44-byte header of a PCM (1) or IEEE-float (3) file; `dataBytes` undefined writes the
 * streaming placeholder sizes (patched by {@link WavWriter.close}).
 */
export function wavHeader(format: WavBitDepth, channels: number, sampleRate: number, dataBytes: number | undefined): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i += 1) header[offset + i] = text.charCodeAt(i);
  };
  const width = PCM_BYTES[format];
  ascii(0, "RIFF");
  view.setUint32(4, dataBytes === undefined ? STREAMING_DATA_SIZE : HEADER_BYTES - 8 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, format === "32f" || format === "64f" ? 3 : 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * width, true);
  view.setUint16(32, channels * width, true);
  view.setUint16(34, 8 * width, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes === undefined ? STREAMING_DATA_SIZE : dataBytes, true);
  return header;
}

/** What {@link parseWavHeader} found. */
export interface WavLayout {
  readonly audioFormat: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  /** Offset of the first sample byte, and the bytes of samples (clamped to what the file holds). */
  readonly dataOffset: number;
  readonly dataBytes: number;
  /** The native codec's format, or undefined when only the fallback decoder reads it (A-law, ADPCM, ...). */
  readonly pcm: PcmName | undefined;
}

const AUDIO_FORMATS: Readonly<Record<number, string>> = {
  1: "PCM",
  3: "float",
  6: "A-law",
  7: "mu-law",
  17: "IMA ADPCM",
  65534: "extensible",
};

/** The native format for a (format tag, bits) pair, if the native codec reads it. */
function pcmOf(tag: number, bits: number): PcmName | undefined {
  if (tag === 1) return bits === 8 ? "8" : bits === 16 ? "16" : bits === 24 ? "24" : bits === 32 ? "32" : undefined;
  if (tag === 3) return bits === 32 ? "32f" : bits === 64 ? "64f" : undefined;
  return undefined;
}

/**
 * Parses the RIFF chunks at the start of a file: `head` holds its first bytes (enough for the
 * chunks before the data chunk), `fileBytes` its total size.
 */
export function parseWavHeader(head: Uint8Array, fileBytes: number): WavLayout {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (offset: number): string => String.fromCharCode(...head.subarray(offset, offset + 4));
  if (head.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw wavError('no "RIFF" / "WAVE" header');
  let offset = 12;
  let fmt: { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number; sub: number } | undefined;
  while (offset + 8 <= head.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > head.length) throw wavError(`a "fmt " chunk of ${size} bytes is too short`);
      const audioFormat = view.getUint16(body, true);
      const sub = audioFormat === 65534 && size >= 40 && body + 26 <= head.length ? view.getUint16(body + 24, true) : audioFormat;
      fmt = {
        audioFormat,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
        sub,
      };
    } else if (id === "data") {
      if (fmt === undefined) throw wavError('the "data" chunk comes before a "fmt " chunk');
      const { audioFormat, channels, sampleRate, bitsPerSample, sub } = fmt;
      if (AUDIO_FORMATS[audioFormat] === undefined) {
        const known = Object.entries(AUDIO_FORMATS).map(([code, name]) => `${code} (${name})`);
        throw wavError(`header "audioFormat" expects one of ${known.join(", ")}, got ${audioFormat}`);
      }
      if (channels < 1) throw wavError(`header "numChannels" expects an integer >= 1, got ${channels}`);
      if (sampleRate < 1) throw wavError(`header "sampleRate" expects an integer >= 1 Hz, got ${sampleRate}`);
      if ((audioFormat === 1 || audioFormat === 65534) && (bitsPerSample < 8 || bitsPerSample > 32))
        throw wavError(`header "bitsPerSample" expects 8 to 32 for PCM, got ${bitsPerSample}`);
      if (audioFormat === 3 && bitsPerSample !== 32 && bitsPerSample !== 64)
        throw wavError(`header "bitsPerSample" expects 32 or 64 for float, got ${bitsPerSample}`);
      const available = Math.max(0, fileBytes - body);
      if (size !== STREAMING_DATA_SIZE && available < size)
        throw wavError(`truncated: the data chunk declares ${size} bytes, the file holds ${available}`);
      const dataBytes = size === STREAMING_DATA_SIZE ? available : size;
      const frameBytes = channels * Math.ceil(bitsPerSample / 8);
      if ((audioFormat === 1 || audioFormat === 3 || audioFormat === 65534) && dataBytes % frameBytes !== 0)
        throw wavError(`the data chunk holds ${dataBytes} bytes, not a whole number of ${frameBytes}-byte frames`);
      return { audioFormat, channels, sampleRate, bitsPerSample, dataOffset: body, dataBytes, pcm: pcmOf(sub, bitsPerSample) };
    }
    offset = body + size + (size % 2);
  }
  throw wavError('no "data" chunk in the first bytes of the file');
}
