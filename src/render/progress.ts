/**
 * Progress of long work (renders, streamed renders, analysis calls, backward passes): events built from the native worker's
 * coalesced progress reports (at most one per {@link PROGRESS_INTERVAL_MS}), handed to an
 * `onProgress` callback and to the host progress display (the notebook kernel's in-place display,
 * the CLI's terminal bar) when one is installed with {@link setProgressHost}.
 *
 * Every level (peak, RMS) and the heat total are computed natively (the runtime's meters); this
 * module only counts frames and time.
 */
import { AmpError } from "../errors";
import type { NativeMeters, NativeProgressEvent } from "../native/addon-types";
import { loadAddon } from "../native/load-addon";

/** Least time between two progress events, in ms (so at most ~10 events a second). */
export const PROGRESS_INTERVAL_MS = 100;

/** One progress event of a render. */
export interface ProgressEvent {
  /** What is running, e.g. `"render"`, `"stream"`, `"spectrogram"` or `"backward"`. */
  readonly label: string;
  /** True for the job's last event (finished, stopped or failed). */
  readonly done: boolean;
  /** True when the job stopped early (interrupt, AbortSignal) and `frames` < `totalFrames`. */
  readonly partial: boolean;
  /**
   * Frames done so far, of `totalFrames`: rendered (renders), analysed over every selected lane
   * (asynchronous analysis calls), or of the recorded span (backward passes).
   */
  readonly frames: number;
  readonly totalFrames: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Wall time since the job started, in seconds. */
  readonly elapsedSeconds: number;
  /** Audio seconds rendered per wall second so far (0 before the first frame). */
  readonly realtime: number;
  /** Estimated wall seconds left at the current rate; undefined until a rate is known. */
  readonly secondsLeft: number | undefined;
  /** The graph's heat since its runtime was created or reset (native heat accounting). */
  readonly heatTotal: number;
  /**
   * Peak |x| and RMS per output lane (batch-major: `b * channels + c`), computed natively: since
   * the previous event while running, over the whole job in the last event (`done`).
   */
  readonly peak: readonly number[];
  readonly rms: readonly number[];
  /** Non-finite output samples seen so far (they count as 0 in the levels). */
  readonly nonFinite: number;
}

/** Receives a job's progress events; its return value is ignored, a throw cancels the job. */
export type ProgressCallback = (event: ProgressEvent) => void;

/** What a host display is told when a job starts. */
export interface ProgressJobInfo {
  readonly label: string;
  readonly totalFrames: number;
  readonly sampleRate: number;
  /**
   * Output lanes metered (peak, RMS); 0 for work without output levels (analysis calls, backward
   * passes), whose events have empty `peak` and `rms`, heat total 0, and whose native reports
   * count their own units (`callDone` of `callFrames`), scaled onto `totalFrames`.
   */
  readonly lanes: number;
}

/** A host's display of one job: updated in place, then ended with the summary. */
export interface ProgressView {
  update(event: ProgressEvent): void;
  end(event: ProgressEvent): void;
}

/** A progress display owned by a host (the kernel, the CLI). */
export interface ProgressHost {
  /** Called once per job, when it starts; returns the job's view (or undefined to show nothing). */
  start(job: ProgressJobInfo): ProgressView | undefined;
}

const SLOT: unique symbol = Symbol.for("amp-kpn.progressHost") as never;
type Slot = { [SLOT]?: ProgressHost | undefined };

/**
 * Installs the host progress display (or removes it with `undefined`). Every render started
 * afterwards reports to it unless its options say `progress: false`. The slot is process-wide
 * (on `globalThis`), shared by every copy of the library.
 */
export function setProgressHost(host: ProgressHost | undefined): void {
  if (host !== undefined && (typeof host !== "object" || host === null || typeof host.start !== "function"))
    throw new TypeError("setProgressHost expects an object with a start(job) method, or undefined");
  (globalThis as Slot)[SLOT] = host;
}

/** The host progress display installed by {@link setProgressHost}, if any. */
export function progressHost(): ProgressHost | undefined {
  return (globalThis as Slot)[SLOT];
}

/** How a render reports progress: its callback, and whether the host display shows it. */
export interface ProgressOptions {
  readonly onProgress?: ProgressCallback | undefined;
  readonly progress?: boolean | undefined;
}

/**
 * One job's progress: owns the native meters every render call of the job passes, turns native
 * reports into {@link ProgressEvent}s and ends with the summary event. A job that reports to
 * nobody has no meters (and costs nothing).
 */
export class ProgressJob {
  /** The native meters every render call of the job passes; undefined for work without levels. */
  readonly meters: NativeMeters | undefined;
  readonly #info: ProgressJobInfo;
  readonly #startPosition: number;
  readonly #started = performance.now();
  readonly #callback: ProgressCallback | undefined;
  readonly #view: ProgressView | undefined;
  #frames = 0;
  #heat = 0;
  #finished = false;
  #failure: unknown;
  #onFailure: (() => void) | undefined;

  private constructor(
    info: ProgressJobInfo,
    startPosition: number,
    callback: ProgressCallback | undefined,
    view: ProgressView | undefined,
  ) {
    this.#info = info;
    this.#startPosition = startPosition;
    this.#callback = callback;
    this.#view = view;
    this.meters = info.lanes > 0 ? new (loadAddon().Meters)(info.lanes, PROGRESS_INTERVAL_MS) : undefined;
  }

  /**
   * A job when anyone listens (an `onProgress` callback, or a host display unless
   * `progress: false`), else undefined.
   * @param startPosition - the runtime's frames rendered when the job starts
   */
  static open(info: ProgressJobInfo, options: ProgressOptions, startPosition: number): ProgressJob | undefined {
    const host = options.progress === false ? undefined : progressHost();
    if (options.onProgress === undefined && host === undefined) return undefined;
    let view: ProgressView | undefined;
    try {
      view = host?.start(info);
    } catch {
      view = undefined; // a failing display never stops the work
    }
    return new ProgressJob(info, startPosition, options.onProgress, view);
  }

  /** Called when a callback throws: the owner cancels the work. */
  onFailure(cancel: () => void): void {
    this.#onFailure = cancel;
  }

  /** The error a callback threw, if any (the job's work is then cancelled and rejects with it). */
  get failure(): unknown {
    return this.#failure;
  }

  /** The native render option: forwards the worker's reports. */
  readonly native = (event: NativeProgressEvent): void => {
    if (this.#finished) return;
    const { totalFrames } = this.#info;
    this.#frames =
      this.meters === undefined
        ? Math.round((event.callDone / Math.max(1, event.callFrames)) * totalFrames)
        : Math.min(event.position - this.#startPosition, totalFrames);
    this.#heat = event.heatTotal;
    this.#emit(this.#event(false, false, Array.from(event.peak), Array.from(event.rms), event.nonFinite));
  };

  /** Frames done so far (from the last report or {@link ProgressJob.advance}). */
  get frames(): number {
    return this.#frames;
  }

  /** Records frames completed by a finished render call (its last report may have been coalesced away). */
  advance(position: number, heatTotal: number): void {
    this.#frames = Math.min(position - this.#startPosition, this.#info.totalFrames);
    this.#heat = heatTotal;
  }

  /** Ends the job with the summary event (levels over the whole job); returns it. */
  finish(partial: boolean): ProgressEvent {
    if (this.meters === undefined && !partial) this.#frames = this.#info.totalFrames;
    const levels = this.meters?.read() ?? { peak: [], rms: [], nonFinite: 0 };
    const event = this.#event(true, partial, Array.from(levels.peak), Array.from(levels.rms), levels.nonFinite);
    if (!this.#finished) {
      this.#finished = true;
      this.#deliver(event, true);
    }
    return event;
  }

  #event(done: boolean, partial: boolean, peak: number[], rms: number[], nonFinite: number): ProgressEvent {
    const elapsedSeconds = (performance.now() - this.#started) / 1000;
    const { sampleRate, totalFrames, label } = this.#info;
    const audioSeconds = this.#frames / sampleRate;
    const realtime = elapsedSeconds > 0 ? audioSeconds / elapsedSeconds : 0;
    const rate = elapsedSeconds > 0 ? this.#frames / elapsedSeconds : 0;
    const secondsLeft = done ? 0 : rate > 0 ? (totalFrames - this.#frames) / rate : undefined;
    return Object.freeze({
      label,
      done,
      partial,
      frames: this.#frames,
      totalFrames,
      sampleRate,
      elapsedSeconds,
      realtime,
      secondsLeft,
      heatTotal: this.#heat,
      peak: Object.freeze(peak),
      rms: Object.freeze(rms),
      nonFinite,
    });
  }

  #emit(event: ProgressEvent): void {
    this.#deliver(event, false);
  }

  #deliver(event: ProgressEvent, last: boolean): void {
    try {
      if (last) this.#view?.end(event);
      else this.#view?.update(event);
    } catch {
      // A failing display never stops the work.
    }
    if (this.#callback === undefined) return;
    try {
      this.#callback(event);
    } catch (error) {
      if (this.#failure === undefined && !last) {
        this.#failure = error;
        this.#onFailure?.();
      }
    }
  }
}

/** `1.2 s`, `3 min 4 s`, `1 h 2 min`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds - 60 * minutes)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Linear level as dBFS text (`-6.0 dBFS`, `-inf dBFS`). */
export function dbfs(level: number): string {
  return level > 0 ? `${(20 * Math.log10(level)).toFixed(1)} dBFS` : "-inf dBFS";
}

/** The largest value of a list (0 when empty). */
function largest(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), 0);
}

/** `[#########.........]` of `width` cells for a fraction in [0, 1]. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/** One line while running: bar, frames, percent, x realtime, time left, peak (renders). */
export function progressLine(event: ProgressEvent): string {
  const fraction = event.totalFrames > 0 ? event.frames / event.totalFrames : 1;
  const left = event.secondsLeft === undefined ? "?" : formatDuration(event.secondsLeft);
  const peak = event.peak.length > 0 ? `  peak ${dbfs(largest(event.peak))}` : "";
  return (
    `${event.label} ${progressBar(fraction)} ${event.frames}/${event.totalFrames} frames ` +
    `${(100 * fraction).toFixed(0)}%  ${event.realtime.toFixed(1)}x realtime  ${left} left${peak}`
  );
}

/** The one-line summary of a finished job: frames, time, x realtime, and for renders peak and heat total. */
export function summaryLine(event: ProgressEvent): string {
  const stopped = event.partial ? ` (stopped early: ${event.frames} of ${event.totalFrames} frames)` : "";
  // Work without output levels (analysis, backward) has no peak or heat to report.
  const levels = event.peak.length > 0 ? `, peak ${dbfs(largest(event.peak))}, heat total ${event.heatTotal.toPrecision(6)}` : "";
  return (
    `${event.label}: ${event.frames} frames (${formatDuration(event.frames / event.sampleRate)} of audio) in ` +
    `${formatDuration(event.elapsedSeconds)}, ${event.realtime.toFixed(1)}x realtime${levels}${stopped}`
  );
}

/** True when `error` is the cancellation error of a stopped render. */
export function isCancelled(error: unknown): boolean {
  return error instanceof AmpError && error.code === "AMP_ERR_CANCELLED";
}
