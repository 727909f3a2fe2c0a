// faust-peer.js: the same sine graphs compiled by Faust (Debian package `faust`, -double) into
// one fused C++ loop and timed by a small native driver: the near-limit reference for a graph
// runtime. The generated code and the driver are built in a temporary folder, never committed.
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, mkdirSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { sineFrequency } = require("./graphs.js");

const DRIVER = `#define FAUSTFLOAT double
#include <faust/dsp/dsp.h>
#include <faust/gui/meta.h>
#include <faust/gui/UI.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "sines.h"
// Renders FRAMES frames in blocks of argv[1]; prints the seconds taken.
int main(int argc, char **argv) {
    const int block = std::atoi(argv[1]), frames = std::atoi(argv[2]);
    Sines dsp;
    dsp.init(std::atoi(argv[3]));
    std::vector<double> out(static_cast<size_t>(block));
    double *outs[1] = {out.data()};
    double checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int done = 0; done < frames; done += block) {
        const int n = frames - done < block ? frames - done : block;
        dsp.compute(n, nullptr, outs);
        checksum += out[0];
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.9f %g\\n", seconds, checksum);
}
`;

/** Why the peer cannot run here, or undefined when it can. */
function unavailable() {
  try {
    execFileSync("faust", ["--version"], { stdio: "pipe" });
  } catch {
    return "Faust is not installed (Debian: apt-get install faust)";
  }
  if (!existsSync("/usr/include/faust/dsp/dsp.h")) return "Faust's headers are missing (/usr/include/faust)";
  return undefined;
}

/** Builds (once per process) the driver for `count` summed sines at amplitude 0.5; returns its path. */
const built = new Map();
function driverFor(count) {
  if (built.has(count)) return built.get(count);
  const dir = join(tmpdir(), `amp-kpn-bench-faust-${process.pid}-${count}`);
  mkdirSync(dir, { recursive: true });
  const voices = Array.from({ length: count }, (_, i) => `os.osc(${sineFrequency(i)}) * 0.5`).join(", ");
  writeFileSync(join(dir, "sines.dsp"), `import("stdfaust.lib");\nprocess = ${count === 1 ? voices : `(${voices}) :> _`};\n`);
  execFileSync("faust", ["-double", "-lang", "cpp", "-cn", "Sines", "-i", "sines.dsp", "-o", "sines.h"], { cwd: dir, stdio: "pipe" });
  writeFileSync(join(dir, "driver.cpp"), DRIVER);
  execFileSync("g++", ["-O3", "-march=native", "-std=c++17", "driver.cpp", "-o", "driver"], { cwd: dir, stdio: "pipe" });
  const path = join(dir, "driver");
  built.set(count, path);
  return path;
}

/** Seconds the Faust driver takes for `frames` frames of `count` sines in blocks of `block`. */
function renderSines(count, frames, sampleRate, block) {
  const output = execFileSync(driverFor(count), [String(block), String(frames), String(sampleRate)], { encoding: "utf8" });
  return Number(output.trim().split(" ")[0]);
}

module.exports = { renderSines, unavailable };
