// offline-render.js (section "render"): our TypeScript render() (creates, configures, renders and
// releases a runtime; returns a fresh Float64Array) against Web Audio's whole offline render
// (node-web-audio-api 1.0.9: context, nodes, startRendering()); 10 s at 48 kHz, mono. Both
// outputs are checked against the exact signal after each timed run.
"use strict";
const { render } = require("../dist/index.js");
const { parallelSines } = require("./graphs.js");
const { renderSines } = require("./web-audio-peer.js");
const { checkSamples } = require("./native-programs.js");
const { printTable, interleave, ratioText, medianSeconds, fixed, sci, printChecks } = require("./stats.js");

const SAMPLE_RATE = 48000;
const FRAMES = SAMPLE_RATE * 10;
const OUR_PHASE_OFFSET = 1; // our phase advances before the first sample
const WEB_AUDIO_PHASE_OFFSET = 0; // Web Audio's first sample is at phase 0

async function timeRender(graph, count, blockFrames, threads) {
  const started = process.hrtime.bigint();
  const result = await render(graph, { frames: FRAMES, blockFrames, threads });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, check: checkSamples(result.samples, `sines:${count}`, OUR_PHASE_OFFSET) };
}

async function timeWebAudio(count) {
  const { seconds, samples } = await renderSines(count, FRAMES, SAMPLE_RATE);
  return { seconds, check: checkSamples(samples, `sines:${count}`, WEB_AUDIO_PHASE_OFFSET) };
}

module.exports = async function offlineRender({ rounds }) {
  console.log("\n## Whole offline render from JavaScript: render() vs Web Audio's OfflineAudioContext");
  console.log(`10 s at 48 kHz, mono; ${rounds} interleaved rounds; time ratio = our time / Web Audio's per round, median (min–max).`);
  const rows = [];
  const checks = [];
  for (const count of [1, 32]) {
    const graph = parallelSines(count);
    const label = count === 1 ? "1 sine" : `${count} sines + mix`;
    const variants = [
      { name: "render() block 128", block: 128, threads: 1 },
      { name: "render() block 512", block: 512, threads: 1 },
    ];
    if (count > 1) variants.push({ name: "render() block 512, 2 threads", block: 512, threads: 2 });
    const systems = variants.map((v) => ({ name: v.name, run: () => timeRender(graph, count, v.block, v.threads) }));
    systems.push({ name: "Web Audio", run: () => timeWebAudio(count) });
    const results = await interleave(systems, rounds);
    for (const [name, runs] of results) checks.push([`${label}: ${name}`, runs]);
    const web = results.get("Web Audio");
    for (const v of variants) {
      const mine = results.get(v.name);
      rows.push({
        graph: label,
        ours: v.threads > 1 ? `${v.name} vs 1-thread peer` : v.name,
        "ours ms": fixed(medianSeconds(mine) * 1e3, 2),
        "ours max err": sci(Math.max(...mine.map((r) => r.check.maxError))),
        "Web Audio ms": fixed(medianSeconds(web) * 1e3, 2),
        "Web Audio max err": sci(Math.max(...web.map((r) => r.check.maxError))),
        "time ratio ours/Web Audio": ratioText(mine, web),
      });
    }
  }
  printTable(rows);
  console.log(
    "Web Audio: node-web-audio-api 1.0.9 (Rust), float32, 128-frame render quantum; OscillatorNode -> GainNode(0.5) -> destination.",
  );
  return printChecks("Output checks against the exact signal (worst over all rounds):", checks);
};
