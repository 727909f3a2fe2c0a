#!/usr/bin/env node
// sweep-pack-blocks.js: does a packed sweep render gain from a smaller block? A packed render of
// 32 lanes at block 512 keeps 32 x 512 x 8 B = 128 KiB per lane-varying node buffer, where one
// lane keeps 4 KiB; results are bit-identical whatever the block (block invariance), so a sweep
// could pick a smaller block for packed renders if that kept the working set in cache. This
// renders the benchmark's pack (the 32-sine graph, 32 lanes over s0.frequency with lane sharing,
// 1 s at 48 kHz, synchronously with Runtime.renderInto as a pool thread does) at each block size
// in interleaved rounds and prints each one's median time as a ratio to the first size's, and
// checks that every size renders the same samples.
//   node bench/sweep-pack-blocks.js [--blocks 512,256,128,64] [--rounds 15] [--lanes 32]
// Wall-clock ratios: run on an idle machine (the script prints the load average).
"use strict";
const { loadavg } = require("node:os");
const { join } = require("node:path");
const { Runtime } = require(join(__dirname, "..", "dist", "index.js"));
const { parallelSines } = require("./graphs.js");

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const blocks = flag("blocks", "512,256,128,64").split(",").map(Number);
const rounds = Number(flag("rounds", "15"));
const lanes = Number(flag("lanes", "32"));
const frames = 48000;
const g = parallelSines(32);
const runtimes = blocks.map((blockFrames) => {
  const runtime = Runtime.create(g, { sampleRate: 48000, batches: lanes, blockFrames, threads: 1 });
  runtime.shareLanes([{ node: "s0", param: "frequency" }]);
  const values = new Float64Array(lanes * blockFrames);
  for (let b = 0; b < lanes; b += 1) values.fill(100 + b, b * blockFrames, (b + 1) * blockFrames);
  runtime.setParam("s0", "frequency", values, { batches: lanes, channels: 1, frames: blockFrames });
  return runtime;
});
const outputs = blocks.map(() => new Float64Array(lanes * frames));
const times = blocks.map(() => []);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}; ${lanes} lanes, ${rounds} rounds (the first dropped)`,
);
for (let round = 0; round < rounds; round += 1) {
  blocks.forEach((_, i) => {
    runtimes[i].reset();
    const start = process.hrtime.bigint();
    runtimes[i].renderInto(outputs[i], frames);
    if (round > 0) times[i].push(Number(process.hrtime.bigint() - start) / 1e6);
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(times[0]);
blocks.forEach((block, i) => {
  const same = outputs[i].every((v, k) => Object.is(v, outputs[0][k]));
  console.log(
    `block ${String(block).padStart(5)}: time / block ${blocks[0]}'s ${(median(times[i]) / base).toFixed(3)} (samples ${same ? "identical" : "DIFFER"})`,
  );
  if (!same) process.exitCode = 1;
});
for (const runtime of runtimes) runtime.dispose();
