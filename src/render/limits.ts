/** Limits of the render and runtime options, and their checks. Runtime numbers come from the native catalogue. */
import type { ValidationSubject } from "../errors";
import { GRAPH_LIMITS } from "../graph/limits";
import { checkNumber } from "../graph/validate-params";
import { NATIVE_LIMITS } from "../nodes/generated";
import { limitRange, type LimitRange } from "../nodes/limit-facts";

/** Length of one render call: this library's limit (one output array), not the runtime's. */
const RENDER_FRAMES: LimitRange = Object.freeze({ kind: "integer", min: 1, max: 2 ** 31 - 1, minExclusive: false, unit: "frames" });

/**
 * Limits of the render values. `batches` (integer in [1, 4096]), `blockFrames` (integer frames
 * in [1, 1048576]) and `threads` (integer in [1, 16]) are the runtime's ({@link NATIVE_LIMITS}); `frames`, the length of one render
 * call (integer in [1, 2147483647]), is this library's: the runtime streams, so render again for more.
 */
export const RENDER_LIMITS = Object.freeze({
  batches: limitRange(NATIVE_LIMITS, "batches"),
  blockFrames: limitRange(NATIVE_LIMITS, "blockFrames"),
  threads: limitRange(NATIVE_LIMITS, "threads"),
  frames: RENDER_FRAMES,
});

/** Checks an integer render option against its limit; returns it. */
export function checkRenderOption(
  name: "batches" | "blockFrames" | "threads" | "frames",
  value: unknown,
  subject: ValidationSubject = { param: name, label: "render option" },
): number {
  return checkNumber(subject, value, RENDER_LIMITS[name]);
}

/** Checks a sample rate in Hz against `GRAPH_LIMITS.sampleRate`, (0, 10000000]; returns it. */
export function checkSampleRate(value: unknown, subject: ValidationSubject = { param: "sampleRate", label: "render option" }): number {
  return checkNumber(subject, value, GRAPH_LIMITS.sampleRate);
}
