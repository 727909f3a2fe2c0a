/** Analysis windows with their gains, computed natively (`amp_analysis_window`). */
import { validationError } from "../errors";
import { loadAddon } from "../native/load-addon";
import { checkBeta, checkInt, checkOptions, MAX_FRAME_SIZE, windowCode } from "./checks";
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
export function windowFunction(name: WindowName, n: number, options: WindowOptions = {}): Window {
  const code = windowCode("windowFunction", name);
  checkInt({ type: "windowFunction()", param: "n", label: "argument" }, n, 1, MAX_FRAME_SIZE, "samples");
  const opts = checkOptions<WindowOptions>("windowFunction", options, ["symmetric", "beta"]);
  if (opts.symmetric !== undefined && typeof opts.symmetric !== "boolean")
    throw validationError({ type: "windowFunction()", param: "symmetric", label: "option" }, "a boolean", opts.symmetric);
  const beta = checkBeta("window", name, opts.beta);
  const symmetric = opts.symmetric ?? false;
  const native = loadAddon().analysisWindow(code, beta, symmetric, n);
  return Object.freeze({ name, values: native.values, symmetric, beta: name === "kaiser" ? beta : 0, ...native.gains });
}
