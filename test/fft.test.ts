// fft / ifft / rfft / irfft through the public API: numpy's conventions, interleaved complex,
// agreement with a direct DFT computed here, round trips, and AmpErrors for bad input.
import { describe, expect, it } from "vitest";

import { AmpError, FFT_MAX_SIZE, fft, ifft, irfft, rfft } from "../src/index";

/** Direct DFT of interleaved complex x (sign -1 forward, +1 inverse unscaled), in doubles. */
function directDft(x: Float64Array, sign: number): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const angle = (2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(angle);
      const s = sign * Math.sin(angle);
      re += x[2 * j]! * c - x[2 * j + 1]! * s;
      im += x[2 * j]! * s + x[2 * j + 1]! * c;
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

/** ||a - b|| / ||b|| over the first `count` values of b. */
function relativeError(a: Float64Array, b: Float64Array, count = b.length): number {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < count; i++) {
    error += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(error / (norm === 0 ? 1 : norm));
}

function randomValues(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

function realAsComplex(x: Float64Array): Float64Array {
  const out = new Float64Array(2 * x.length);
  x.forEach((v, j) => (out[2 * j] = v));
  return out;
}

describe("fft conventions", () => {
  it("matches numpy on a small example (unscaled forward, interleaved re/im)", () => {
    // numpy.fft.fft([1, 2, 3, 4]) = [10, -2+2j, -2, -2-2j]
    const X = fft(new Float64Array([1, 0, 2, 0, 3, 0, 4, 0]));
    expect(Array.from(X)).toEqual([10, 0, -2, 2, -2, 0, -2, -2]);
    expect(Array.from(rfft(new Float64Array([1, 2, 3, 4])))).toEqual([10, 0, -2, 2, -2, 0]);
    // The inverse is scaled by 1/n.
    expect(Array.from(ifft(X))).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
    expect(Array.from(irfft(new Float64Array([10, 0, -2, 2, -2, 0]), 4))).toEqual([1, 2, 3, 4]);
  });

  it("agrees with a direct DFT for sizes 1..40, 97, 128, 360 and 1009", () => {
    const sizes = [...Array.from({ length: 40 }, (_, i) => i + 1), 97, 128, 360, 1009];
    for (const n of sizes) {
      const x = randomValues(2 * n, n);
      expect(relativeError(fft(x), directDft(x, -1)), `fft n=${n}`).toBeLessThan(1e-12);
      const inverse = directDft(x, 1).map((v) => v / n);
      expect(relativeError(ifft(x), inverse), `ifft n=${n}`).toBeLessThan(1e-12);
      const real = randomValues(n, n + 1);
      const bins = 2 * (Math.floor(n / 2) + 1);
      const viaComplex = directDft(realAsComplex(real), -1);
      expect(rfft(real).length).toBe(bins);
      expect(relativeError(rfft(real), viaComplex, bins), `rfft n=${n}`).toBeLessThan(1e-12);
      const back = irfft(rfft(real), n);
      expect(back.length).toBe(n);
      expect(relativeError(back, real), `irfft n=${n}`).toBeLessThan(1e-13);
    }
  });

  it("round-trips a 48000-point signal and keeps Parseval", () => {
    const x = randomValues(48000, 7);
    const X = rfft(x);
    const back = irfft(X, 48000);
    let worst = 0;
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(back[j]! - x[j]!));
    expect(worst).toBeLessThan(1e-13);
    const full = fft(realAsComplex(x));
    let energy = 0;
    let spectral = 0;
    for (const v of x) energy += v * v;
    for (const v of full) spectral += v * v;
    expect(Math.abs(spectral / 48000 - energy) / energy).toBeLessThan(1e-12);
  });

  it("ignores the imaginary parts of bin 0 and bin n/2 in irfft, as numpy does", () => {
    const clean = irfft(new Float64Array([4, 0, 1, -1, 2, 0]), 4);
    const junk = irfft(new Float64Array([4, 9, 1, -1, 2, -3]), 4);
    expect(Array.from(junk)).toEqual(Array.from(clean));
    // Odd n: bin (n-1)/2 is an ordinary bin, so its imaginary part counts.
    expect(Array.from(irfft(new Float64Array([3, 0, 1, 1]), 3))).not.toEqual(Array.from(irfft(new Float64Array([3, 0, 1, 0]), 3)));
  });

  it("returns fresh arrays and leaves the input unchanged", () => {
    const x = randomValues(64, 3);
    const copy = x.slice();
    const X = fft(x);
    expect(X).not.toBe(x);
    expect(Array.from(x)).toEqual(Array.from(copy));
  });
});

describe("fft output arrays", () => {
  it("writes into a given array and returns it, in place for complex transforms", () => {
    const x = randomValues(2 * 48, 5);
    const expected = fft(x);
    const out = new Float64Array(96);
    expect(fft(x, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(expected));
    const inPlace = x.slice();
    expect(fft(inPlace, inPlace)).toBe(inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(expected));
    expect(Array.from(ifft(inPlace, inPlace))).toEqual(Array.from(ifft(expected)));
    const real = randomValues(30, 6);
    const bins = new Float64Array(32);
    expect(rfft(real, bins)).toBe(bins);
    expect(Array.from(bins)).toEqual(Array.from(rfft(real)));
    const back = new Float64Array(30);
    expect(irfft(bins, 30, back)).toBe(back);
    expect(Array.from(back)).toEqual(Array.from(irfft(bins, 30)));
  });

  it("leaves a given array untouched when the input is refused", () => {
    const out = new Float64Array(4).fill(7);
    expect(() => rfft(new Float64Array([1, NaN, 3]), out)).toThrow(AmpError);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
  });
});

describe("fft bad input", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "fft of an empty array",
      () => fft(new Float64Array(0)),
      /fft\(\): argument "x" expects an interleaved complex Float64Array of 2n doubles .* n in \[1, 16777216\], got a Float64Array of length 0/,
    ],
    [
      "fft of an odd length",
      () => fft(new Float64Array(3)),
      /argument "x" expects an interleaved complex .*got a Float64Array of length 3/,
    ],
    ["fft of a plain array", () => fft([1, 0] as unknown as Float64Array), /fft\(\): argument "x" expects a Float64Array, got \[1,0\]/],
    [
      "ifft of a Float32Array",
      () => ifft(new Float32Array(4) as unknown as Float64Array),
      /ifft\(\): argument "X" expects a Float64Array, got a Float32Array of length 4/,
    ],
    [
      "rfft of an empty array",
      () => rfft(new Float64Array(0)),
      /rfft\(\): argument "x" expects a Float64Array of n samples with n in \[1, 16777216\], got a Float64Array of length 0/,
    ],
    ["rfft with NaN", () => rfft(new Float64Array([0, 1, NaN, 2])), /rfft\(\): argument "x" expects finite values \(.*in\[2\] is NaN/],
    [
      "fft with Infinity",
      () => fft(new Float64Array([0, 1, 2, Infinity])),
      /fft\(\): argument "x" expects finite values \(.*in\[3\] is Infinity/,
    ],
    [
      "irfft with -Infinity",
      () => irfft(new Float64Array([0, 0, -Infinity, 0]), 2),
      /irfft\(\): argument "X" expects finite values \(.*in\[2\] is -Infinity/,
    ],
    ["irfft with n = 0", () => irfft(new Float64Array(2), 0), /irfft\(\): argument "n" expects an integer in \[1, 16777216\], got 0/],
    ["irfft with n = 2.5", () => irfft(new Float64Array(4), 2.5), /argument "n" expects an integer in \[1, 16777216\], got 2.5/],
    [
      "irfft with n too large",
      () => irfft(new Float64Array(4), FFT_MAX_SIZE + 1),
      /argument "n" expects an integer in \[1, 16777216\], got 16777217/,
    ],
    ["irfft with n as a string", () => irfft(new Float64Array(4), "4" as unknown as number), /argument "n" expects an integer .*, got "4"/],
    [
      "fft with a short out",
      () => fft(new Float64Array(8), new Float64Array(6)),
      /fft\(\): argument "out" expects a Float64Array of 8 doubles, got a Float64Array of length 6/,
    ],
    [
      "rfft with an overlapping out",
      () => {
        const b = new Float64Array(16);
        return rfft(b.subarray(0, 6), b.subarray(4, 12));
      },
      /rfft\(\): argument "out" overlaps the input; give a separate array/,
    ],
    [
      "fft with a partly overlapping out",
      () => {
        const b = new Float64Array(16);
        return fft(b.subarray(0, 8), b.subarray(2, 10));
      },
      /fft\(\): argument "out" overlaps the input without being the input itself/,
    ],
    [
      "irfft with out of the wrong type",
      () => irfft(new Float64Array(6), 4, [0, 0, 0, 0] as unknown as Float64Array),
      /irfft\(\): argument "out" expects a Float64Array of 4 doubles, got \[0,0,0,0\]/,
    ],
    [
      "irfft with the wrong number of bins",
      () => irfft(new Float64Array(6), 8),
      /irfft\(\): argument "X" expects 10 doubles \(bins 0..4 interleaved\) for n = 8, got a Float64Array of length 6/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`${name} is an AmpError naming the argument`, () => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AmpError);
      expect((caught as AmpError).code).toBe("AMP_ERR_INVALID_ARGUMENT");
      expect((caught as AmpError).message).toMatch(message);
    });
  }
});
