/**
 * Raw discrete Fourier transforms, computed by the native runtime (`amp_fft_*`, our own FFT; see
 * docs/fft.md). Conventions are numpy's: the forward transform is unscaled,
 * `X[k] = sum_j x[j] exp(-2 pi i j k / n)`, and the inverse is scaled by `1/n`, so
 * `ifft(fft(x))` returns `x` (to rounding).
 *
 * Complex data is **interleaved** in one `Float64Array`: element `k` is
 * `(data[2k], data[2k + 1]) = (re, im)`, so `n` complex values take `2n` doubles.
 * Sizes: any `n` in [1, {@link FFT_MAX_SIZE}]; powers of two and 2^a 3^b 5^c are fastest,
 * other sizes use Bluestein's algorithm (still O(n log n)). Every input value must be finite.
 */
import { AmpError, invalidError, validationError } from "../errors";
import { loadAddon } from "../native/load-addon";

/** Largest transform size, in points (2^24; `AMP_FFT_MAX_SIZE` of the C ABI). */
export const FFT_MAX_SIZE = 16777216;

/** Runs a native transform; a non-finite input is reported against the argument `param`. */
function run(fn: string, param: string, call: () => Float64Array): Float64Array {
  try {
    return call();
  } catch (error) {
    if (error instanceof AmpError && error.code === "AMP_ERR_INVALID_ARGUMENT") {
      throw invalidError({ type: fn, param, label: "argument" }, `expects finite values (${error.detail})`);
    }
    throw error;
  }
}

function checkArray(fn: string, param: string, value: unknown): Float64Array {
  if (!(value instanceof Float64Array)) throw validationError({ type: fn, param, label: "argument" }, "a Float64Array", value);
  return value;
}

/**
 * Checks an optional output array: a Float64Array of exactly `length` doubles that does not
 * overlap `input` (complex transforms may also run in place: `out === input`).
 */
function checkOut(fn: string, out: unknown, length: number, input: Float64Array, inPlace: boolean): Float64Array | undefined {
  if (out === undefined) return undefined;
  if (!(out instanceof Float64Array) || out.length !== length) {
    throw validationError({ type: fn, param: "out", label: "argument" }, `a Float64Array of ${length} doubles`, out);
  }
  if (out.buffer === input.buffer && !(inPlace && out.byteOffset === input.byteOffset)) {
    const overlap = out.byteOffset < input.byteOffset + input.byteLength && input.byteOffset < out.byteOffset + out.byteLength;
    if (overlap) {
      throw invalidError(
        { type: fn, param: "out", label: "argument" },
        inPlace ? "overlaps the input without being the input itself" : "overlaps the input; give a separate array",
      );
    }
  }
  return out;
}

function checkComplexLength(fn: string, param: string, data: Float64Array): number {
  if (data.length < 2 || data.length % 2 !== 0 || data.length / 2 > FFT_MAX_SIZE) {
    throw validationError(
      { type: fn, param, label: "argument" },
      `an interleaved complex Float64Array of 2n doubles (re, im pairs) with n in [1, ${FFT_MAX_SIZE}]`,
      data,
    );
  }
  return data.length / 2;
}

/**
 * Forward complex DFT (unscaled).
 * @param x - `n` complex values, interleaved (`2n` doubles), n in [1, {@link FFT_MAX_SIZE}]; finite
 * @param out - optional destination, `2n` doubles (may be `x` itself: in place); default a new array
 * @returns `X`, `n` complex values interleaved (`2n` doubles): `X[k] = sum_j x[j] exp(-2 pi i j k / n)`
 */
export function fft(x: Float64Array, out?: Float64Array): Float64Array {
  const data = checkArray("fft()", "x", x);
  const n = checkComplexLength("fft()", "x", data);
  const dest = checkOut("fft()", out, 2 * n, data, true);
  return run("fft()", "x", () => loadAddon().fftComplexForward(data, n, dest));
}

/**
 * Inverse complex DFT, scaled by `1/n` (so `ifft(fft(x))` is `x`).
 * @param X - `n` complex values, interleaved (`2n` doubles), n in [1, {@link FFT_MAX_SIZE}]; finite
 * @param out - optional destination, `2n` doubles (may be `X` itself: in place); default a new array
 * @returns `x`, `n` complex values interleaved: `x[j] = (1/n) sum_k X[k] exp(+2 pi i j k / n)`
 */
export function ifft(X: Float64Array, out?: Float64Array): Float64Array {
  const data = checkArray("ifft()", "X", X);
  const n = checkComplexLength("ifft()", "X", data);
  const dest = checkOut("ifft()", out, 2 * n, data, true);
  return run("ifft()", "X", () => loadAddon().fftComplexInverse(data, n, dest));
}

/**
 * Forward DFT of a real signal: the non-negative-frequency bins `0..floor(n/2)` (the others are
 * their complex conjugates). Bin `k` is at `k * sampleRate / n` Hz.
 * @param x - `n` real samples, n in [1, {@link FFT_MAX_SIZE}]; finite
 * @param out - optional destination, `2 (floor(n/2) + 1)` doubles not overlapping `x`; default a new array
 * @returns `floor(n/2) + 1` complex bins, interleaved (`2 (floor(n/2) + 1)` doubles)
 */
export function rfft(x: Float64Array, out?: Float64Array): Float64Array {
  const data = checkArray("rfft()", "x", x);
  if (data.length < 1 || data.length > FFT_MAX_SIZE) {
    throw validationError(
      { type: "rfft()", param: "x", label: "argument" },
      `a Float64Array of n samples with n in [1, ${FFT_MAX_SIZE}]`,
      data,
    );
  }
  const dest = checkOut("rfft()", out, 2 * (Math.floor(data.length / 2) + 1), data, false);
  return run("rfft()", "x", () => loadAddon().fftRealForward(data, data.length, dest));
}

/**
 * Inverse of {@link rfft}: `n` real samples from bins `0..floor(n/2)`, scaled by `1/n`. The
 * imaginary parts of bin 0, and of bin `n/2` when `n` is even, are ignored (as in numpy).
 * @param X - `floor(n/2) + 1` complex bins, interleaved (`2 (floor(n/2) + 1)` doubles); finite
 * @param n - output length in samples, an integer in [1, {@link FFT_MAX_SIZE}] (both `2m - 2`
 *   and `2m - 1` match `m` bins, so `n` is required)
 * @param out - optional destination, `n` doubles not overlapping `X`; default a new array
 * @returns `n` real samples
 */
export function irfft(X: Float64Array, n: number, out?: Float64Array): Float64Array {
  const data = checkArray("irfft()", "X", X);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > FFT_MAX_SIZE) {
    throw validationError({ type: "irfft()", param: "n", label: "argument" }, `an integer in [1, ${FFT_MAX_SIZE}]`, n);
  }
  const expected = 2 * (Math.floor(n / 2) + 1);
  if (data.length !== expected) {
    throw validationError(
      { type: "irfft()", param: "X", label: "argument" },
      `${expected} doubles (bins 0..${Math.floor(n / 2)} interleaved) for n = ${n}`,
      data,
    );
  }
  const dest = checkOut("irfft()", out, n, data, false);
  return run("irfft()", "X", () => loadAddon().fftRealInverse(data, n, dest));
}
