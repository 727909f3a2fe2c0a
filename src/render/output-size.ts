/**
 * The memory a render's output arrays need, checked before anything is allocated, so that an
 * oversized render is an {@link AmpError} naming its size rather than an allocation failure.
 */
import { totalmem } from "node:os";
import { ampError } from "../errors";

/** Bytes a render may allocate for its result arrays: half the machine's memory. */
export function renderMemoryBudget(): number {
  return totalmem() / 2;
}

/** What one render call returns: samples, and optionally heat curves and budget flags. */
export interface RenderOutputSize {
  readonly frames: number;
  readonly batches: number;
  readonly channels: number;
  /** Nodes of the graph (heat curves hold one row per node plus the graph total). */
  readonly nodes: number;
  readonly recordHeat: boolean;
  readonly recordOverBudget: boolean;
  /** Values per record of all the graph's taps together (returned with every render). Default 0. */
  readonly tapValues?: number;
}

/** Bytes of the output arrays of one render (float64 samples and heat, one byte per budget flag). */
export function renderOutputBytes(size: RenderOutputSize): number {
  const lanes = size.batches * size.frames;
  let bytes = lanes * size.channels * 8;
  if (size.recordHeat) bytes += (size.nodes + 1) * lanes * 8;
  if (size.recordOverBudget) bytes += lanes;
  bytes += (size.tapValues ?? 0) * lanes * 8;
  return bytes;
}

/** `1.5 GiB`, `12 MiB`, `800 bytes`: a byte count for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${Math.ceil((bytes / 2 ** 30) * 10) / 10} GiB`;
  if (bytes >= 2 ** 20) return `${Math.ceil(bytes / 2 ** 20)} MiB`;
  return `${Math.ceil(bytes)} bytes`;
}

/**
 * Throws AMP_ERR_INVALID_ARGUMENT when a runtime's buffers (`bufferBytes`, what its
 * configuration allocated) plus one render's output arrays exceed a user's `maxBytes`.
 */
export function checkMemoryBudget(what: string, bytes: number, maxBytes: number | undefined): void {
  if (maxBytes === undefined || bytes <= maxBytes) return;
  throw ampError(
    "AMP_ERR_INVALID_ARGUMENT",
    `${what} needs ${formatBytes(bytes)} (${bytes} bytes); the memory budget "maxBytes" is ${formatBytes(maxBytes)} (${maxBytes} bytes)`,
    { stage: "render" },
  );
}

/** Throws AMP_ERR_INVALID_ARGUMENT when the output arrays would exceed the budget. */
export function checkRenderOutputSize(size: RenderOutputSize, budget: number = renderMemoryBudget()): void {
  const bytes = renderOutputBytes(size);
  if (bytes <= budget) return;
  const mib = (value: number): string => `${Math.ceil(value / 2 ** 20)} MiB`;
  throw ampError(
    "AMP_ERR_INVALID_ARGUMENT",
    `render of ${size.frames} frames x ${size.batches} batches x ${size.channels} channels` +
      `${size.recordHeat ? " with heat curves" : ""} needs ${mib(bytes)} of output arrays; the limit is ` +
      `${mib(budget)} (half the machine's memory): render fewer frames per call (the runtime streams)`,
    { stage: "render" },
  );
}
