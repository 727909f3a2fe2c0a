/**
 * PCM buffers handed to nodes (e.g. the sound a `sampler` plays): the checks TypeScript makes
 * before `amp_graph_runtime_set_buffer` copies the samples into native memory (docs/buffers.md).
 * The limits come from the native catalogue (`bufferChannels`, `bufferSamples`).
 */
import { invalidError, validationError, type ValidationSubject } from "../errors";
import { GRAPH_LIMITS } from "../graph/limits";
import { checkNumber } from "../graph/validate-params";
import { NATIVE_LIMITS } from "../nodes/generated";
import type { CatalogLimit } from "../nodes/catalog-types";

/**
 * Planar PCM audio: `channels x frames` samples, channel 0's frames first. The output of
 * `readWav` / `decodeWav` is one.
 */
export interface PcmBuffer {
  /** `channels * frames` finite samples, planar. */
  readonly samples: Float64Array;
  /** Channel count, integer in [1, 64]. */
  readonly channels: number;
  /** Frames per channel, integer >= 1; `channels * frames` at most 268435456 (2^28). */
  readonly frames: number;
  /** The rate the samples were recorded at, Hz in (0, 10000000]. */
  readonly sampleRate: number;
}

function nativeLimit(name: string): CatalogLimit {
  const limit = (NATIVE_LIMITS as Readonly<Record<string, CatalogLimit>>)[name];
  if (limit === undefined) throw new Error(`the native catalogue has no "${name}" limit`);
  return limit;
}

/** Checks a PCM buffer's shape, sample rate and samples; returns the values to hand over. */
export function checkPcmBuffer(subject: ValidationSubject, buffer: unknown): PcmBuffer {
  if (typeof buffer !== "object" || buffer === null)
    throw validationError(subject, "a PCM buffer { samples, channels, frames, sampleRate } (e.g. readWav output)", buffer);
  const { samples, channels, frames, sampleRate } = buffer as Partial<PcmBuffer>;
  const channelLimit = nativeLimit("bufferChannels");
  const sampleLimit = nativeLimit("bufferSamples");
  checkNumber({ ...subject, param: "channels" }, channels, { kind: "integer", ...channelLimit, unit: "" });
  checkNumber({ ...subject, param: "frames" }, frames, {
    kind: "integer",
    min: 1,
    max: sampleLimit.max,
    minExclusive: false,
    unit: "frames",
  });
  checkNumber({ ...subject, param: "sampleRate" }, sampleRate, GRAPH_LIMITS.sampleRate);
  const c = channels as number;
  const f = frames as number;
  if (c * f > sampleLimit.max)
    throw invalidError(subject, `has ${c} channels x ${f} frames = ${c * f} samples; the limit is ${sampleLimit.max}`);
  if (!(samples instanceof Float64Array)) throw validationError({ ...subject, param: "samples" }, "a Float64Array", samples);
  if (samples.length !== c * f)
    throw invalidError({ ...subject, param: "samples" }, `has ${samples.length} values but channels x frames is ${c} x ${f}`);
  for (let i = 0; i < samples.length; i += 1) {
    const value = samples[i] as number;
    if (!Number.isFinite(value))
      throw invalidError(
        { ...subject, param: "samples" },
        `expects finite samples, got ${value} at channel ${Math.floor(i / f)}, frame ${i % f}`,
      );
  }
  return { samples, channels: c, frames: f, sampleRate: sampleRate as number };
}
