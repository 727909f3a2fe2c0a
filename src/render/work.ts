/**
 * Long native work other than renders (the asynchronous analysis calls, backward passes): it runs
 * on a worker thread, reports progress through a {@link ProgressJob} without output levels (so the
 * host display, e.g. the kernel's in-place display, shows it like a render), and stops when the
 * caller's `signal` or the host interrupt signal aborts, or when `onProgress` throws.
 */
import { ampError, validationError, type AmpError } from "../errors";
import type { NativeProgressEvent } from "../native/addon-types";
import { interruptSignal } from "./interrupt";
import { ProgressJob, type ProgressCallback } from "./progress";

/** Progress and cancellation options of asynchronous analysis calls and backward passes. */
export interface WorkOptions {
  /**
   * Progress events while the work runs (at most ~10 a second, the last one when it ends): frames
   * done of the total, x realtime, time left. A throw from the callback cancels the work, which
   * then rejects with that error. See {@link ProgressEvent}.
   */
  readonly onProgress?: ProgressCallback | undefined;
  /**
   * Cancels the work: the promise rejects with an AmpError of code `"AMP_ERR_CANCELLED"` and
   * nothing is kept of it. The host interrupt signal (`setInterruptSignal`, aborted by a kernel
   * interrupt) also cancels.
   */
  readonly signal?: AbortSignal | undefined;
  /** `false` keeps the work off the host progress display (the kernel's). Default true. */
  readonly progress?: boolean | undefined;
}

/** The option names of {@link WorkOptions}. */
export const WORK_KEYS: readonly string[] = ["onProgress", "signal", "progress"];

/** What a job shows: its label, its length in frames of audio and their sample rate. */
export interface WorkInfo {
  readonly label: string;
  readonly totalFrames: number;
  readonly sampleRate: number;
}

/** The native side of one job: progress events to forward, the cancel to raise. */
export interface NativeWork {
  readonly onProgress: ((event: NativeProgressEvent) => void) | undefined;
}

/** The AMP_ERR_CANCELLED error of work stopped before it started. */
export function workCancelledError(label: string, stage: string, reason: unknown): AmpError {
  const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
  return ampError("AMP_ERR_CANCELLED", `${label} cancelled${why === "" ? "" : `: ${why}`}`, { stage });
}

/** Checks the types of the {@link WorkOptions} in `options` (their keys were checked by the caller). */
export function checkWorkOptions(options: WorkOptions, label: string): void {
  const s = options.signal as Partial<AbortSignal> | null | undefined;
  if (
    s !== undefined &&
    (typeof s !== "object" || s === null || typeof s.aborted !== "boolean" || typeof s.addEventListener !== "function")
  )
    throw validationError({ param: "signal", label }, "an AbortSignal (e.g. new AbortController().signal)", options.signal);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw validationError({ param: "onProgress", label }, "a function (event) => void", options.onProgress);
  if (options.progress !== undefined && typeof options.progress !== "boolean")
    throw validationError({ param: "progress", label }, "a boolean", options.progress);
}

/**
 * Runs `start` (which queues the native call and returns its promise) as one progress job.
 * @param stage - the error stage of a cancellation before the start ("analysis", "backward")
 * @param cancel - raises the native call's cancel flag
 */
export async function runWork<T>(
  info: WorkInfo,
  stage: string,
  options: WorkOptions,
  cancel: () => void,
  start: (work: NativeWork) => Promise<T>,
): Promise<T> {
  const signals = [options.signal, interruptSignal()].filter((s): s is AbortSignal => s !== undefined);
  const aborted = signals.find((s) => s.aborted);
  if (aborted !== undefined) throw workCancelledError(info.label, stage, aborted.reason);
  const job = ProgressJob.open({ ...info, lanes: 0 }, options, 0);
  const onAbort = (): void => cancel();
  for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
  job?.onFailure(cancel);
  try {
    const result = await start({ onProgress: job?.native });
    // The callback threw: the work was cancelled (or had just finished); report the throw.
    if (job?.failure !== undefined) throw job.failure;
    job?.finish(false);
    return result;
  } catch (error) {
    job?.finish(true);
    throw job?.failure ?? error;
  } finally {
    for (const s of signals) s.removeEventListener("abort", onAbort);
  }
}
