/**
 * The asynchronous analysis calls (`spectrumAsync`, `spectrogramAsync`, ...): the same native
 * call as the synchronous function, run on a worker thread with progress events and a cancel
 * flag (`amp_analysis_plan_set_work`), shown by the host progress display like a render.
 */
import type { NativeAnalysis, NativeAnalysisWork } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";
import { PROGRESS_INTERVAL_MS } from "../render/progress";
import { checkWorkOptions, runWork, WORK_KEYS, type WorkOptions } from "../render/work";

/** The result of native analysis call `K` (synchronous, or awaited). */
export type NativeResult<K extends keyof NativeAnalysis> = Awaited<ReturnType<NativeAnalysis[K]>>;

/** Option names of an asynchronous variant: the function's own plus {@link WorkOptions}'. */
export function asyncKeys(keys: readonly string[]): string[] {
  return [...keys, ...WORK_KEYS];
}

/**
 * Runs `call` (the native analysis with its `work` argument) as one progress job.
 * @param fn - the function's name (the progress label, e.g. `"spectrogram"`)
 * @param laneFrames - frames of audio analysed, over every selected lane (the progress total)
 * @param sampleRate - their sample rate in Hz (for x realtime)
 */
export function analysisWork<T>(
  fn: string,
  laneFrames: number,
  sampleRate: number,
  options: WorkOptions,
  call: (work: NativeAnalysisWork) => Promise<T>,
): Promise<T> {
  checkWorkOptions(options, `${fn} option`);
  const flag = new (loadAddon().CancelFlag)();
  return runWork(
    { label: fn, totalFrames: Math.max(1, laneFrames), sampleRate },
    "analysis",
    options,
    () => flag.raise(),
    (work) => call({ cancel: flag, intervalMs: PROGRESS_INTERVAL_MS, onProgress: work.onProgress }),
  );
}
