// native-programs.js: builds and runs the bench programs of bench/native (CMake targets
// amp_bench and amp_bench_check in the addon's build folder; never part of the addon or ctest).
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const BUILD_DIR = join(__dirname, "..", "build");
const PROGRAM_DIR = join(BUILD_DIR, "bench", "native");
let ready = false;

/** Builds (incrementally) the bench programs against the current runtime sources. */
function ensureBuilt() {
  if (ready) return;
  if (!existsSync(join(BUILD_DIR, "CMakeCache.txt"))) {
    throw new Error(`no native build in ${BUILD_DIR}: run npm run build (or npm ci) first`);
  }
  execFileSync("cmake", ["--build", BUILD_DIR, "--target", "amp_bench", "amp_bench_check"], { stdio: "pipe" });
  ready = true;
}

/**
 * Runs a program printing one JSON object (block_timing.h or check_file.cpp); a failed check
 * still returns its result. Resolves to { seconds?, repeatIdentical?, check, raw }.
 */
function runJson(program, args) {
  const result = spawnSync(program, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  const text = (result.stdout ?? "").trim();
  if (text.startsWith("{")) {
    const raw = JSON.parse(text);
    const { ok, nonfinite, maxError, peak, amplitudeMin, amplitudeMax, amplitudeExpected, frequencyErrorHz } = raw;
    const check = { ok, nonfinite, maxError, peak, amplitudeMin, amplitudeMax, amplitudeExpected, frequencyErrorHz };
    return { seconds: raw.seconds, repeatIdentical: raw.repeatIdentical, check, raw };
  }
  throw new Error(`${program} ${args.join(" ")} failed (status ${result.status}): ${result.stderr || result.error}`);
}

/**
 * One timed run of our runtime through its C ABI (bench/native/amp_bench.cpp):
 * mode "execute" | "node" | "node-nometrics", signal "sines:N" | "gain" | "chain".
 */
function runOurs(mode, signal, block, frames, threads = 1) {
  ensureBuilt();
  return runJson(join(PROGRAM_DIR, "amp_bench"), [mode, signal, String(block), String(frames), String(threads)]);
}

let scratch;
/** Checks one lane of samples against the exact signal; offset is the phase convention. */
function checkSamples(samples, signal, offset) {
  ensureBuilt();
  if (scratch === undefined) {
    scratch = mkdtempSync(join(tmpdir(), "amp-kpn-bench-check-"));
    process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
  }
  const file = join(scratch, "samples.f64");
  const doubles = samples instanceof Float64Array ? samples : Float64Array.from(samples);
  writeFileSync(file, new Uint8Array(doubles.buffer, doubles.byteOffset, doubles.byteLength));
  const { check } = runJson(join(PROGRAM_DIR, "amp_bench_check"), [file, signal, String(offset)]);
  rmSync(file);
  return check;
}

module.exports = { ensureBuilt, runJson, runOurs, checkSamples };
