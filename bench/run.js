#!/usr/bin/env node
// run.js (`npm run bench`): render throughput of amp-kpn against the older prototype's published
// figures, and against Web Audio's offline renderer and Faust-compiled C++ measured in this same
// run (Faust when the Debian package is installed; the table says so otherwise).
// Graphs: 1 sine, and 32 parallel sines summed by a mix; 48 kHz, 10 s, batch 1, mono.
// Each case is rendered once to warm up, then REPEATS times; the median is reported. The 32-sine
// graph is also rendered with `threads: 2` (bit-identical output; see docs/scheduling.md).
"use strict";
const { render } = require("../dist/index.js");
const { parallelSines } = require("./graphs.js");
const { renderSines } = require("./web-audio-peer.js");
const faust = require("./faust-peer.js");

const SAMPLE_RATE = 48000;
const SECONDS = 10;
const FRAMES = SAMPLE_RATE * SECONDS;
const REPEATS = Number(process.env.AMP_BENCH_REPEATS ?? 7);

// The older prototype's C API on this kind of machine (docs: shared/spec/reference-facts.md),
// block 512. It was not measured at block 128; its 512 figures are the reference for both.
const PROTOTYPE_FRAMES_PER_SECOND = { 1: 46e6, 32: 1.73e6 };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeOurs(count, blockFrames, threads) {
  const g = parallelSines(count);
  await render(g, { frames: FRAMES, blockFrames, threads });
  const times = [];
  for (let i = 0; i < REPEATS; i += 1) {
    const started = process.hrtime.bigint();
    await render(g, { frames: FRAMES, blockFrames, threads });
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return median(times);
}

function timeFaust(count, block) {
  faust.renderSines(count, FRAMES, SAMPLE_RATE, block);
  const times = [];
  for (let i = 0; i < REPEATS; i += 1) times.push(faust.renderSines(count, FRAMES, SAMPLE_RATE, block));
  return median(times);
}

async function timeWebAudio(count) {
  await renderSines(count, FRAMES, SAMPLE_RATE);
  const times = [];
  for (let i = 0; i < REPEATS; i += 1) times.push((await renderSines(count, FRAMES, SAMPLE_RATE)).seconds);
  return median(times);
}

// Faust is the near-limit reference (one fused loop); "vs Faust" above 1x means we are faster.
function faustColumns(count, block, seconds, missing) {
  if (missing !== undefined) return { "Faust ms": "n/a", "vs Faust": "n/a" };
  const faustSeconds = timeFaust(count, block);
  return { "Faust ms": format(faustSeconds * 1e3, 2), "vs Faust": `${format(faustSeconds / seconds, 2)}x` };
}

function format(number, digits = 1) {
  return number.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main() {
  console.log(`amp-kpn render benchmark: ${SECONDS} s at ${SAMPLE_RATE} Hz, batch 1, mono, median of ${REPEATS}`);
  console.log("(frames/s = output frames per wall-clock second; x realtime = audio seconds per second)");
  const faustMissing = faust.unavailable();
  const rows = [];
  for (const count of [1, 32]) {
    const webAudio = await timeWebAudio(count);
    const cases = [
      [128, 1],
      [512, 1],
    ];
    if (count > 1) cases.push([512, 2]); // independent sines: one level split across two threads
    for (const [block, threads] of cases) {
      const seconds = await timeOurs(count, block, threads);
      const framesPerSecond = FRAMES / seconds;
      rows.push({
        graph: count === 1 ? "1 sine" : `${count} sines + mix`,
        block,
        threads,
        "ms / 10 s": format(seconds * 1e3, 2),
        "M frames/s": format(framesPerSecond / 1e6, 2),
        "x realtime": format(SECONDS / seconds, 0),
        "vs prototype": `${format(framesPerSecond / PROTOTYPE_FRAMES_PER_SECOND[count], 1)}x`,
        "Web Audio ms": format(webAudio * 1e3, 2),
        "vs Web Audio": `${format(webAudio / seconds, 1)}x`,
        ...faustColumns(count, block, seconds, faustMissing),
      });
    }
  }
  console.table(rows);
  console.log("prototype: C API figures at block 512 (958x and 36x realtime); Web Audio: node-web-audio-api 1.0.9,");
  console.log("float32, 128-frame quantum, same oscillators at amplitude 0.5 summed at its destination.");
  console.log(
    faustMissing === undefined
      ? "Faust: os.osc sines summed, compiled with faust -double and g++ -O3 -march=native, same block size (one fused loop)."
      : `Faust peer not measured: ${faustMissing}.`,
  );
  await require("./analysis.js").runAnalysisBench(); // envelope, Welch, spectrogram (bench/analysis.js)
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
