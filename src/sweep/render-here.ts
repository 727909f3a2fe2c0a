/**
 * A sweep job's render on the calling thread, for pool threads (./pool-worker.ts): the samples
 * are rendered synchronously with `Runtime.renderInto` into an array the caller keeps, instead of
 * on libuv's thread pool into a new array. A pool thread has nothing else to do while its render
 * runs, so the hop to libuv's pool and back (two thread wake-ups per point, each waiting for a
 * core when both are busy) and the new output array per point (its page faults and its weight in
 * the thread's garbage collection) bought nothing.
 *
 * The render goes in chunks of about {@link CHUNK_SECONDS}, yielding to the event loop between
 * them, so a cancel message reaching the thread is read within one chunk and stops the render.
 * Rendering a span in chunks gives the bits rendering it in one call gives (block invariance).
 */
import { Runtime, cancelledError } from "../render/runtime";

/** Seconds of audio per synchronous render call (rounded to whole blocks). */
export const CHUNK_SECONDS = 0.1;

/** What the render writes and how the job's runtime is shaped. */
export interface HereRender {
  /** Planar `rows x frames` output, rows = lanes x output channels; filled by the render. */
  readonly out: Float64Array;
  readonly rows: number;
  readonly frames: number;
  readonly sampleRate: number;
  readonly blockFrames: number;
}

/** Resolves on the next turn of the event loop, after pending messages (a cancel) were read. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Renders `frames` frames of `runtime` (at its current frame) into `render.out`. Rejects with
 * AMP_ERR_CANCELLED when `signal` aborts, checked before each chunk; the runtime then stands
 * mid-stream and must not be reused (the caller disposes it).
 */
export async function renderHere(runtime: Runtime, render: HereRender, signal: AbortSignal | undefined): Promise<void> {
  const { out, rows, frames, sampleRate, blockFrames } = render;
  const chunkFrames = Math.max(blockFrames, Math.round((CHUNK_SECONDS * sampleRate) / blockFrames) * blockFrames);
  // Rows other than the first need a chunk of their own, copied into place after each call.
  const chunk = rows === 1 ? undefined : new Float64Array(rows * Math.min(chunkFrames, frames));
  for (let start = 0; start < frames; start += chunkFrames) {
    if (start > 0) await nextTurn();
    if (signal?.aborted === true) throw cancelledError(signal.reason);
    const n = Math.min(chunkFrames, frames - start);
    if (chunk === undefined) {
      runtime.renderInto(out.subarray(start, start + n), n);
      continue;
    }
    const view = chunk.subarray(0, rows * n);
    runtime.renderInto(view, n);
    for (let r = 0; r < rows; r += 1) out.set(view.subarray(r * n, (r + 1) * n), r * frames + start);
  }
}
