// faust-peer.js: the benchmark signals written in Faust (Debian package `faust`), compiled with
// `faust -double` into one fused C++ loop and timed by bench/native/faust_driver.cpp, which uses
// the same harness and check as our native bench program. Generated code and drivers are built
// in a temporary folder at bench time (removed when the process exits), never committed.
//
// Two sine flavours per program:
//   exact: sin(2*ma.PI*os.lf_sawpos(f)): libm's sine of a double phase accumulator, the peer of
//          equal accuracy to ours (its measured max error is printed in every row);
//   table: os.osc(f): a 65,536-entry table read at a truncated index (error ~1e-4): a
//          speed-only reference.
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { sineFrequency, CHAIN_GAIN, CHAIN_DC_ALPHA } = require("./graphs.js");
const { runJson } = require("./native-programs.js");

const NATIVE_DIR = join(__dirname, "native");
// Same optimisation and floating-point flags as our runtime (CMakeLists.txt, Release).
const CXX_FLAGS = ["-O3", "-march=native", "-ffp-contract=off", "-fno-trapping-math", "-std=c++17"];
// The Faust compiler: `faust` on PATH, or the command in FAUST.
const FAUST = process.env.FAUST ?? "faust";
// Faust's phase advances before the first sample, like ours (bench_signals.h "offset").
const PHASE_OFFSET = 1;

/** Why the peer cannot run here, or undefined when it can. */
function unavailable() {
  try {
    execFileSync(FAUST, ["--version"], { stdio: "pipe" });
  } catch {
    return `Faust is not installed ("${FAUST}" not found; Debian: apt-get install faust)`;
  }
  if (!existsSync("/usr/include/faust/dsp/dsp.h")) return "Faust's headers are missing (/usr/include/faust)";
  return undefined;
}

function version() {
  return execFileSync(FAUST, ["--version"], { encoding: "utf8" }).split("\n")[0].trim();
}

function sine(i, flavour) {
  const f = sineFrequency(i);
  return flavour === "exact" ? `0.5 * sin(2 * ma.PI * os.lf_sawpos(${f}))` : `0.5 * os.osc(${f})`;
}

// The safety node: non-finite -> 0, DC blocker dc <- a dc + (1 - a) x, y = x - dc, clip [-1, 1].
const SAFETY = `safety(x) = clean - dc : max(-1) : min(1)
with {
  clean = select2(abs(x) <= 1.7976931348623157e308, 0, x);
  dc = clean * (1 - ${CHAIN_DC_ALPHA}) : + ~ *(${CHAIN_DC_ALPHA});
};`;

/**
 * saw 220 Hz -> RBJ lowpass 1 kHz (Q 1/sqrt 2) -> gain 0.5 (bench_signals.h "sawlp"): the exact
 * flavour is the naive saw 2 lf_sawpos - 1 (the same maths as our naive driver), the fast one
 * Faust's band-limited os.sawtooth; the biquad is fi.tf2 with the cookbook coefficients.
 */
function sawLowpass(flavour) {
  const w0 = (2 * Math.PI * 1000) / 48000;
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const a0 = 1 + alpha;
  const c = (v) => v.toPrecision(17);
  const b0 = (1 - Math.cos(w0)) / 2 / a0;
  const coefficients = [b0, (1 - Math.cos(w0)) / a0, b0, (-2 * Math.cos(w0)) / a0, (1 - alpha) / a0].map(c).join(", ");
  const saw = flavour === "exact" ? "(os.lf_sawpos(220) * 2 - 1)" : "os.sawtooth(220)";
  return `process = ${saw} : fi.tf2(${coefficients}) : *(0.5);`;
}

/** Faust source of `signal` ("sines:N", "gain", "chain" or "sawlp") with the given flavour. */
function source(signal, flavour) {
  const lines = ['import("stdfaust.lib");'];
  if (signal === "gain") lines.push(`process = *(${CHAIN_GAIN});`);
  else if (signal.startsWith("sawlp")) lines.push(sawLowpass(flavour));
  else if (signal === "chain") lines.push(SAFETY, `process = ${sine(0, flavour)} : *(${CHAIN_GAIN}) : safety;`);
  else {
    const count = Number(signal.split(":")[1]);
    const voices = Array.from({ length: count }, (_, i) => sine(i, flavour));
    lines.push(`process = ${count === 1 ? voices[0] : `(${voices.join(", ")}) :> _`};`);
  }
  return `${lines.join("\n")}\n`;
}

let workDir;
const built = new Map();

/** Builds (once per process) the driver for a signal and flavour; returns its path. */
function driverFor(signal, flavour) {
  const key = `${signal}/${flavour}`;
  if (built.has(key)) return built.get(key);
  if (workDir === undefined) {
    workDir = mkdtempSync(join(tmpdir(), "amp-kpn-bench-faust-"));
    process.on("exit", () => rmSync(workDir, { recursive: true, force: true }));
  }
  const dir = mkdtempSync(join(workDir, `${signal.replace(":", "")}-${flavour}-`));
  writeFileSync(join(dir, "program.dsp"), source(signal, flavour));
  execFileSync(FAUST, ["-double", "-lang", "cpp", "-cn", "FaustDsp", "-i", "program.dsp", "-o", "faust_dsp.h"], {
    cwd: dir,
    stdio: "pipe",
  });
  const driver = join(dir, "driver");
  execFileSync("g++", [...CXX_FLAGS, "-I", dir, "-I", NATIVE_DIR, join(NATIVE_DIR, "faust_driver.cpp"), "-o", driver], {
    stdio: "pipe",
  });
  built.set(key, driver);
  return driver;
}

/** One timed run (bench/native/block_timing.h); returns { seconds, repeatIdentical, check }. */
function run(signal, flavour, block, frames) {
  return runJson(driverFor(signal, flavour), [signal, String(block), String(frames), String(PHASE_OFFSET)]);
}

/** One timed run of the saw -> lowpass -> gain program: exact (naive saw) or fast (os.sawtooth). */
function runSawLowpass(flavour, block, frames) {
  const signal = flavour === "exact" ? "sawlp" : "sawlp-bl";
  return runJson(driverFor(`sawlp-${flavour}`, flavour), [signal, String(block), String(frames), String(PHASE_OFFSET)]);
}

module.exports = { unavailable, version, source, driverFor, run, runSawLowpass, CXX_FLAGS };
