#!/usr/bin/env node
// oscillator-cache.js (`node bench/oscillator-cache.js`, section `osc_cache` of `npm run bench`):
// what the oscillator's periodicity cache saves. Renders 10 s at 48 kHz of one oscillator
// (saw 440 Hz, polyblep, per oversampling factor), cache off and on, in interleaved rounds
// (order rotated per round); prints the median wall time of each, the per-round ratio
// off / on as median (min–max), and checks the two outputs are bit-identical.
"use strict";
const { graph, oscillator, render } = require("../dist/index.js");
const { interleave, median, roundsFromEnvironment } = require("./stats.js");

const RATE = 48000;
const FRAMES = 10 * RATE;

function system(name, oversample, cache) {
  const g = graph()
    .add(
      "osc",
      oscillator({ waveform: "saw", frequency: 440, amplitude: 0.5, oversample, ...(oversample > 1 ? { quality: "fast" } : {}), cache }),
    )
    .output("osc");
  return {
    name,
    async run() {
      const started = process.hrtime.bigint();
      const result = await render(g, { frames: FRAMES, sampleRate: RATE, blockFrames: 512 });
      return { seconds: Number(process.hrtime.bigint() - started) / 1e9, samples: result.channel() };
    },
  };
}

async function run({ rounds = roundsFromEnvironment() } = {}) {
  console.log(`oscillator periodicity cache: saw 440 Hz, 10 s at 48 kHz, block 512; ${rounds} rounds, median (min–max)`);
  console.log("| oversample | cache off (ms) | cache on (ms) | off / on | bit-identical |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const oversample of [1, 4, 16]) {
    const off = system("off", oversample, false);
    const on = system("on", oversample, true);
    const results = await interleave([off, on], rounds);
    const a = results.get("off");
    const b = results.get("on");
    const ratios = a.map((r, i) => r.seconds / b[i].seconds);
    const same = a.every(
      (r, i) =>
        Buffer.compare(
          Buffer.from(r.samples.buffer, r.samples.byteOffset, r.samples.byteLength),
          Buffer.from(b[i].samples.buffer, b[i].samples.byteOffset, b[i].samples.byteLength),
        ) === 0,
    );
    const ms = (runs) => (median(runs.map((r) => r.seconds)) * 1000).toFixed(1);
    console.log(
      `| ${oversample} | ${ms(a)} | ${ms(b)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${same ? "yes" : "NO"} |`,
    );
    if (!same) process.exitCode = 1;
  }
}

module.exports = { run };
if (require.main === module)
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
