/**
 * `WavWriter`: a WAV file written block by block as samples come (a streamed render), in
 * constant memory. The header is written first with placeholder sizes and patched by
 * {@link WavWriter.close}, so a stopped render still leaves a valid file holding exactly the
 * frames written. Samples are converted natively (`amp_pcm_encode`: 16/24/32-bit integer with
 * optional TPDF dither, 32/64-bit float); a block with a non-finite sample is refused whole.
 *
 * Write-behind: {@link WavWriter.write} converts the block at once (the caller may then reuse
 * its samples) and starts the file write at the block's own offset without waiting for it, so
 * the disk write of one block overlaps whatever the caller does next (e.g. rendering the next
 * block). At most {@link MAX_IN_FLIGHT} writes are pending, each with its own encoded buffer
 * (memory stays bounded by a few blocks); a further write waits for the oldest. A failed file
 * write rejects the next `write()` and `close()`; `close()` then still patches the header with
 * the frames before the failed block. The bytes on disk do not depend on the overlap.
 */
import { open, rm, type FileHandle } from "node:fs/promises";
import { ampError, checkOptionKeys, validationError } from "../errors";
import { loadAddon } from "../native/load-addon";
import { checkInteger } from "../render/shape";
import { BIT_DEPTHS, HEADER_BYTES, MAX_DATA_BYTES, PCM_BYTES, PCM_CODES, wavHeader, type WavBitDepth } from "./wav-format";

/** Options of {@link WavWriter.open}, {@link encodeWav} and {@link writeWav}. */
export interface WavWriterOptions {
  /** Channel count, integer in [1, 65535]. */
  readonly channels: number;
  /** Sample rate in Hz, integer in [1, 4294967295]. */
  readonly sampleRate: number;
  /**
   * Sample format: `"32f"` (default), `"64f"` float, or `"16"`, `"24"`, `"32"` integer. Integer
   * formats scale by 2^(bits-1), round and clip to [-1, 1).
   */
  readonly bitDepth?: WavBitDepth | undefined;
  /** Integer formats: add TPDF dither of +-1 LSB before rounding. Default false. */
  readonly dither?: boolean | undefined;
  /** Seed of the dither noise, integer in [0, 2^53 - 1]; the same seed gives the same bytes. Default 0. */
  readonly ditherSeed?: number | undefined;
}

/** What {@link WavWriter.close} reports. */
export interface WavWriterResult {
  readonly path: string;
  readonly frames: number;
  readonly bytes: number;
  /** Integer formats: samples beyond [-1, 1] that were clipped. */
  readonly clipped: number;
}

/** Most file writes of a {@link WavWriter} pending at once. */
const MAX_IN_FLIGHT = 2;

/** One pending file write: its encoded bytes (reused once it is done) and its first frame. */
interface Pending {
  readonly done: Promise<void>;
  readonly buffer: Uint8Array;
  readonly startFrame: number;
}

const KEYS = ["channels", "sampleRate", "bitDepth", "dither", "ditherSeed"];

/** Checked options with defaults. */
export interface CheckedWavOptions {
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitDepth: WavBitDepth;
  readonly dither: boolean;
  readonly ditherSeed: number;
}

/** Validates WAV options (`owner` names the function in messages). */
export function checkWavOptions(options: unknown, owner: string): CheckedWavOptions {
  if (typeof options !== "object" || options === null)
    throw validationError({ param: "options", label: "argument" }, "an object { channels, sampleRate, bitDepth? }", options);
  checkOptionKeys({ label: "WAV option" }, options, KEYS, owner);
  const o = options as WavWriterOptions;
  const channels = checkInteger({ param: "channels", label: "WAV option" }, o.channels, 1, 65535);
  const sampleRate = checkInteger({ param: "sampleRate", label: "WAV option" }, o.sampleRate, 1, 4294967295, "Hz");
  const bitDepth = o.bitDepth === undefined ? "32f" : o.bitDepth;
  if (!BIT_DEPTHS.includes(bitDepth))
    throw validationError({ param: "bitDepth", label: "WAV option" }, `one of ${BIT_DEPTHS.map((b) => `"${b}"`).join(", ")}`, bitDepth);
  if (o.dither !== undefined && typeof o.dither !== "boolean")
    throw validationError({ param: "dither", label: "WAV option" }, "a boolean", o.dither);
  const ditherSeed =
    o.ditherSeed === undefined ? 0 : checkInteger({ param: "ditherSeed", label: "WAV option" }, o.ditherSeed, 0, Number.MAX_SAFE_INTEGER);
  return { channels, sampleRate, bitDepth, dither: o.dither === true, ditherSeed };
}

/**
 * Encodes `frames` frames of planar rows (row c at `c * stride`) into `out` natively; returns the
 * clipped count. Throws an AmpError naming the first non-finite sample (nothing written).
 */
export function encodeBlock(
  samples: Float64Array,
  stride: number,
  frames: number,
  options: CheckedWavOptions,
  startFrame: number,
  out: Uint8Array,
): number {
  return loadAddon().pcmEncode(
    samples,
    stride,
    options.channels,
    frames,
    PCM_CODES[options.bitDepth],
    options.dither,
    options.ditherSeed,
    startFrame,
    out,
  );
}

/** Writes a WAV file block by block; see the module comment. */
export class WavWriter {
  readonly path: string;
  readonly options: CheckedWavOptions;
  #file: FileHandle | undefined;
  #frames = 0;
  #clipped = 0;
  /** Encoded buffers free for the next block. */
  #free: Uint8Array[] = [];
  /** File writes started and not yet awaited, oldest first. */
  #pending: Pending[] = [];
  /** The first failed file write: its error and the first frame of its block. */
  #failure: { error: unknown; startFrame: number } | undefined;
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, file: FileHandle, options: CheckedWavOptions) {
    this.path = path;
    this.#file = file;
    this.options = options;
  }

  /** Creates (or truncates) `path` and writes the header with placeholder sizes. */
  static async open(path: string, options: WavWriterOptions): Promise<WavWriter> {
    if (typeof path !== "string" || path === "") throw validationError({ param: "path", label: "argument" }, "a file path", path);
    const checked = checkWavOptions(options, "WavWriter.open()");
    let file: FileHandle;
    try {
      file = await open(path, "w");
      await file.write(wavHeader(checked.bitDepth, checked.channels, checked.sampleRate, undefined), 0, HEADER_BYTES, 0);
    } catch (error) {
      throw ampError(
        "AMP_ERR_INVALID_ARGUMENT",
        `cannot write WAV file ${path}: ${error instanceof Error ? error.message : String(error)}`,
        {
          stage: "wav",
        },
      );
    }
    return new WavWriter(path, file, checked);
  }

  /** Frames written so far (converted and handed to the file; see the module comment). */
  get frames(): number {
    return this.#frames;
  }

  /**
   * Appends a block: planar `channels x frames` samples (a one-batch render block's `samples`,
   * or `batches x channels` lanes as channels). Refused whole (nothing written) when a sample
   * is not finite. Writes are applied in call order. Resolves once the block is converted and
   * its file write started (the samples may then be reused); rejects when an earlier file write
   * failed.
   */
  write(samples: Float64Array): Promise<void> {
    const run = this.#queue.then(() => this.#write(samples));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(samples: Float64Array): Promise<void> {
    const file = this.#live();
    if (!(samples instanceof Float64Array)) throw validationError({ param: "samples", label: "argument" }, "a Float64Array", samples);
    const { channels } = this.options;
    if (samples.length % channels !== 0)
      throw validationError({ param: "samples", label: "argument" }, `a length that is a multiple of ${channels} channels`, samples);
    const frames = samples.length / channels;
    const width = PCM_BYTES[this.options.bitDepth];
    const bytes = frames * channels * width;
    if ((this.#frames + frames) * channels * width > MAX_DATA_BYTES)
      throw ampError("AMP_ERR_INVALID_ARGUMENT", `WAV file ${this.path} would exceed the 4 GiB a RIFF file can hold`, { stage: "wav" });
    while (this.#pending.length >= MAX_IN_FLIGHT) await this.#settleOldest();
    this.#throwFailure();
    let buffer = this.#free.pop();
    if (buffer === undefined || buffer.length < bytes) buffer = new Uint8Array(bytes);
    const out = buffer.subarray(0, bytes);
    this.#clipped += encodeBlock(samples, frames, frames, this.options, this.#frames, out);
    const startFrame = this.#frames;
    const done = file.write(out, 0, bytes, HEADER_BYTES + startFrame * channels * width).then(
      () => undefined,
      (error: unknown) => {
        if (this.#failure === undefined || startFrame < this.#failure.startFrame) this.#failure = { error, startFrame };
      },
    );
    this.#pending.push({ done, buffer, startFrame });
    this.#frames += frames;
  }

  /** Waits for the oldest pending file write and frees its buffer. */
  async #settleOldest(): Promise<void> {
    const oldest = this.#pending.shift();
    if (oldest === undefined) return;
    await oldest.done;
    this.#free.push(oldest.buffer);
  }

  /** Throws the first failed file write as an AmpError naming the file. */
  #throwFailure(): void {
    if (this.#failure === undefined) return;
    const { error } = this.#failure;
    throw ampError(
      "AMP_ERR_INVALID_ARGUMENT",
      `cannot write WAV file ${this.path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        stage: "wav",
      },
    );
  }

  /**
   * Waits for pending writes, patches the header with the real sizes and closes the file. When
   * a file write failed, the header counts the frames before the failed block and the returned
   * promise rejects with that failure.
   */
  async close(): Promise<WavWriterResult> {
    await this.#queue;
    const file = this.#live();
    this.#file = undefined;
    while (this.#pending.length > 0) await this.#settleOldest();
    this.#free = [];
    if (this.#failure !== undefined) this.#frames = Math.min(this.#frames, this.#failure.startFrame);
    const dataBytes = this.#frames * this.options.channels * PCM_BYTES[this.options.bitDepth];
    try {
      // Blocks after a failed one may have reached the file: the data chunk ends at the header's size.
      if (this.#failure !== undefined) await file.truncate(HEADER_BYTES + dataBytes);
      await file.write(wavHeader(this.options.bitDepth, this.options.channels, this.options.sampleRate, dataBytes), 0, HEADER_BYTES, 0);
    } finally {
      await file.close();
    }
    this.#throwFailure();
    return { path: this.path, frames: this.#frames, bytes: HEADER_BYTES + dataBytes, clipped: this.#clipped };
  }

  /** Closes and deletes the file (a failed job leaves nothing behind). Idempotent. */
  async abort(): Promise<void> {
    await this.#queue;
    while (this.#pending.length > 0) await this.#settleOldest();
    this.#free = [];
    const file = this.#file;
    this.#file = undefined;
    if (file !== undefined) await file.close();
    await rm(this.path, { force: true });
  }

  #live(): FileHandle {
    if (this.#file === undefined) throw ampError("AMP_ERR_INVALID_ARGUMENT", `WavWriter for ${this.path} is closed`, { stage: "wav" });
    return this.#file;
  }
}
