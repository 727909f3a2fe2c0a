/** Analysis windows with their gains, computed natively (`amp_analysis_window`). */
import { notImplemented } from "./not-implemented";
import type { WindowGains, WindowName } from "./common";

/** Options of {@link window}. */
export interface WindowOptions {
  /**
   * `false` (default): periodic (DFT-even, `w[j]` for j < n of the window of length n + 1
   * without its last point), right for spectral analysis and overlap-add.
   * `true`: symmetric (`w[j] = w[n - 1 - j]`), right for FIR design.
   */
  readonly symmetric?: boolean;
  /** Kaiser shape parameter beta, finite in [0, 50]; only with `"kaiser"`; default 8.6. */
  readonly beta?: number;
}

/** A window's samples and gains. */
export interface Window extends WindowGains {
  /** The window's name. */
  readonly name: WindowName;
  /** `n` window samples (linear, peak 1 for every window but `"rect"`, which is all ones). */
  readonly values: Float64Array;
  /** True for a symmetric window, false for a periodic one. */
  readonly symmetric: boolean;
  /** Kaiser beta (0 for the other windows). */
  readonly beta: number;
}

/**
 * The `n` samples of an analysis window and its gains.
 * @param name - the window (see {@link WindowName})
 * @param n - length in samples, an integer in [1, 16777216]
 * @param options - periodic or symmetric, Kaiser beta
 */
export function window(name: WindowName, n: number, options: WindowOptions = {}): Window {
  return notImplemented("window", name, n, options);
}
