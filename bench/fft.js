#!/usr/bin/env node
// fft.js (`node bench/fft.js`, also part of `npm run bench`): our FFT against its peers, measured
// in this same run.
//  1. Native: bench/native/fft_bench (built by CMake when libfftw3-dev is installed) times our
//     plans and FFTW (double, FFTW_MEASURE) with the same scope, a C++ loop over a built plan.
//  2. JavaScript: our TypeScript rfft()/fft() (through the addon) writing into a preallocated
//     Float64Array, against fft.js 4.0.4 (realTransform/transform into a preallocated
//     Float64Array), both called from JS; the time of our call returning a new array is printed
//     too. fft.js handles powers of two only, so 48000 has no fft.js column.
// Rounds interleave the two sides (alternating which goes first); each round times `reps` calls
// of each and gives one ratio; the table prints the median time per call and the median and
// min-max of the per-round ratios, and the largest difference between the outputs.
// Times are CPU time (thread CPU time natively, process.cpuUsage() in JS): the machine is shared.
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const SIZES = [256, 1024, 4096, 65536, 48000];
const ROOT = join(__dirname, "..");
const NATIVE_BENCH = join(ROOT, "build", "bench", "native", "fft_bench");

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function format(number, digits = 2) {
  return number.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function cpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Seconds of CPU per call of f over reps calls. */
function timePerCall(f, reps) {
  const start = cpuSeconds();
  for (let i = 0; i < reps; i += 1) f();
  return (cpuSeconds() - start) / reps;
}

function randomSignal(n, seed) {
  let state = seed >>> 0 || 1;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    x[i] = state / 2 ** 31 - 1;
  }
  return x;
}

/** Native loop: ours against FFTW, or the reason FFTW was not measured. */
function nativeRows(rounds) {
  if (!existsSync(NATIVE_BENCH)) {
    return {
      missing:
        "FFTW ABSENT: bench/native/fft_bench was not built (libfftw3-dev was not installed when the native code " +
        "was built). Install it (apt-get install libfftw3-dev) and run `npm run build:native` to compare with FFTW.",
    };
  }
  const json = execFileSync(NATIVE_BENCH, ["--json", "--rounds", String(rounds), ...SIZES.map(String)], {
    encoding: "utf8",
  });
  const raw = JSON.parse(json);
  return {
    raw,
    rows: raw.map((r) => ({
      kind: r.kind,
      n: r.n,
      "ours us": format(r.oursUs, 3),
      "FFTW us": format(r.fftwUs, 3),
      "ours/FFTW median": format(r.ratioMedian),
      "ours/FFTW min-max": `${format(r.ratioMin)}-${format(r.ratioMax)}`,
      "max rel. diff": r.maxError.toExponential(1),
    })),
  };
}

/** Our TS transform against fft.js, both from JS. */
function jsRow(kind, n, rounds) {
  const { fft, rfft } = require("../dist/index.js");
  const FFT = require("fft.js");
  const real = kind === "real";
  const input = randomSignal(real ? n : 2 * n, n);
  const bins = real ? n / 2 + 1 : n;
  const ourOut = new Float64Array(2 * bins);
  const ours = real ? () => rfft(input, ourOut) : () => fft(input, ourOut);
  const oursNewArray = real ? () => rfft(input) : () => fft(input);
  let theirs;
  let theirsOut;
  if (n & (n - 1)) {
    theirs = undefined;
  } else {
    const plan = new FFT(n);
    theirsOut = new Float64Array(2 * n);
    theirs = real ? () => plan.realTransform(theirsOut, input) : () => plan.transform(theirsOut, input);
  }
  ours();
  let maxDiff = NaN;
  if (theirs !== undefined) {
    theirs();
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < 2 * bins; i += 1) {
      diff = Math.max(diff, Math.abs(ourOut[i] - theirsOut[i]));
      scale = Math.max(scale, Math.abs(theirsOut[i]));
    }
    maxDiff = diff / scale;
  }
  // About 20 ms of our calls per round.
  const probe = timePerCall(ours, 50) || 1e-7;
  const reps = Math.max(1, Math.round(0.02 / probe));
  const oursTimes = [];
  const newArrayTimes = [];
  const theirTimes = [];
  const ratios = [];
  for (let round = 0; round < rounds; round += 1) {
    let a;
    let b;
    if (theirs === undefined) {
      a = timePerCall(ours, reps);
    } else if (round % 2 === 0) {
      a = timePerCall(ours, reps);
      b = timePerCall(theirs, reps);
    } else {
      b = timePerCall(theirs, reps);
      a = timePerCall(ours, reps);
    }
    oursTimes.push(a);
    newArrayTimes.push(timePerCall(oursNewArray, reps));
    if (b !== undefined) {
      theirTimes.push(b);
      ratios.push(b / a);
    }
  }
  const row = {
    kind,
    n,
    oursUs: median(oursTimes) * 1e6,
    fftJsUs: theirs === undefined ? NaN : median(theirTimes) * 1e6,
    agrees: !(maxDiff > 1e-12),
    "ours us": format(median(oursTimes) * 1e6, 3),
    "ours new array us": format(median(newArrayTimes) * 1e6, 3),
  };
  if (theirs === undefined) {
    return { ...row, "fft.js us": "n/a", "fft.js/ours median": "n/a", "fft.js/ours min-max": "n/a", "max rel. diff": "n/a" };
  }
  return {
    ...row,
    "fft.js us": format(median(theirTimes) * 1e6, 3),
    "fft.js/ours median": format(median(ratios), 1),
    "fft.js/ours min-max": `${format(Math.min(...ratios), 1)}-${format(Math.max(...ratios), 1)}`,
    "max rel. diff": maxDiff.toExponential(1),
  };
}

/** Runs both comparisons and prints their tables; resolves false when outputs disagree (> 1e-12). */
async function runFftBench({ rounds = Number(process.env.AMP_BENCH_FFT_ROUNDS ?? 15) } = {}) {
  console.log(`\nFFT benchmark (double precision, forward transforms, ${rounds} interleaved rounds)`);
  console.log("1. Native loop over a built plan: ours vs FFTW 3 (FFTW_MEASURE), thread CPU time per transform");
  const native = nativeRows(rounds);
  if (native.missing !== undefined) console.log(native.missing);
  else console.table(native.rows);
  console.log("ours/FFTW below 1 means ours is faster; max rel. diff = max |ours - FFTW| / max |FFTW|.");
  console.log("2. From JavaScript: our rfft()/fft() vs fft.js 4.0.4, both into a preallocated output array");
  const rows = [];
  for (const kind of ["real", "complex"]) for (const n of SIZES) rows.push(jsRow(kind, n, rounds));
  console.table(rows.map(({ oursUs, fftJsUs, agrees, ...shown }) => shown));
  console.log("fft.js/ours above 1 means ours is faster; fft.js supports powers of two only (n/a at 48000).");
  console.log("'ours new array' is rfft(x)/fft(x) returning a fresh Float64Array (allocation included).");
  if (native.raw !== undefined) {
    // Across the two tables (medians of separate runs, not per-round ratios): how far fft.js
    // from JS is from each native loop.
    const across = native.raw
      .map((r) => ({ r, js: rows.find((row) => row.kind === r.kind && row.n === r.n) }))
      .filter(({ js }) => js !== undefined && Number.isFinite(js.fftJsUs))
      .map(({ r, js }) => ({
        kind: r.kind,
        n: r.n,
        "fft.js (JS) / ours (native loop)": format(js.fftJsUs / r.oursUs, 1),
        "fft.js (JS) / FFTW (native loop)": format(js.fftJsUs / r.fftwUs, 1),
      }));
    console.log("3. Across the tables (medians): fft.js from JS against the native loops");
    console.table(across);
  }
  const nativeAgrees = native.raw === undefined || native.raw.every((r) => r.maxError <= 1e-12);
  const jsAgrees = rows.every((row) => row.agrees);
  if (!nativeAgrees || !jsAgrees) console.log("FFT OUTPUT CHECK FAILED: outputs differ by more than 1e-12 (relative).");
  return nativeAgrees && jsAgrees;
}

module.exports = { runFftBench };

if (require.main === module) {
  runFftBench()
    .then((agrees) => {
      if (!agrees) process.exitCode = 1;
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
