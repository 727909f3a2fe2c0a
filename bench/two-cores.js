#!/usr/bin/env node
// two-cores.js: how much two processes gain from this machine's two cores when nothing but native
// rendering runs (the ceiling a pool of 2 can approach). Runs `sweep_lanes_count json sines 32`
// (32 one-batch renders of the 32-sine graph, C ABI only, no JavaScript) R times one after the
// other, then R times in each of two processes at once, and prints the speed-up 2 x serial /
// parallel per trial; every run's printed output sum must be the same.
//
// Usage: node bench/two-cores.js [build-dir] [--runs R] [--trials T]
//   build-dir: a CMake build of this repository (default build/); builds sweep_lanes_count.
"use strict";
const { execFileSync, spawn } = require("node:child_process");
const path = require("node:path");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const buildDir = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "build";
const runs = option("--runs", 20);
const trials = option("--trials", 3);
execFileSync("cmake", ["--build", buildDir, "--target", "sweep_lanes_count"], { stdio: "pipe" });
const program = path.join(buildDir, "bench", "native", "sweep_lanes_count");
const sums = new Set();

/** Runs the program `runs` times in sequence; resolves when the last run ends. */
async function serialRuns() {
  for (let i = 0; i < runs; i += 1) {
    const output = await new Promise((resolve, reject) => {
      const child = spawn(program, ["json", "sines", "32"], { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (chunk) => (text += chunk));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(`${program} exited with ${code}`))));
    });
    sums.add(output);
  }
}

async function main() {
  console.log(`two-cores: ${runs} runs of sweep_lanes_count json sines 32, serial then two processes at once; ${trials} trials`);
  for (let t = 0; t < trials; t += 1) {
    const start = process.hrtime.bigint();
    await serialRuns();
    const middle = process.hrtime.bigint();
    await Promise.all([serialRuns(), serialRuns()]);
    const end = process.hrtime.bigint();
    const one = Number(middle - start) / 1e9;
    const two = Number(end - middle) / 1e9;
    console.log(
      `trial ${t + 1}: one process ${one.toFixed(2)} s, two at once ${two.toFixed(2)} s, speed-up ${((2 * one) / two).toFixed(3)}`,
    );
  }
  if (sums.size !== 1) throw new Error(`outputs differ between runs: ${[...sums].join(" / ")}`);
  console.log(`output identical in every run: ${[...sums][0]}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
