// saw-lowpass.js (section "sawlp"): the peer graph of peers.md, saw 220 Hz -> lowpass biquad 1 kHz
// (Q 1/sqrt 2) -> gain 0.5, 10 s at 48 kHz, mono. Native rows: our execute loop (oscillator with
// the naive driver, the same maths as the exact Faust program, and with polyblep) against
// Faust-compiled C++ (exact: naive saw from lf_sawpos; fast: os.sawtooth), same harness
// (bench/native/block_timing.h), blocks 128 and 512. JavaScript rows: render() against Web
// Audio's whole offline render (OscillatorNode sawtooth -> BiquadFilterNode -> GainNode).
// Every output is checked against the reference of bench/native/bench_signals.h ("sawlp": the
// naive saw's output within 1e-6; band-limited saws within 0.15).
"use strict";
const faust = require("./faust-peer.js");
const { runOurs, checkSamples } = require("./native-programs.js");
const { renderSawLowpass } = require("./web-audio-peer.js");
const { graph, render, oscillator, biquad, gain } = require("../dist/index.js");
const { printTable, interleave, ratioText, medianSeconds, fixed, sci, printChecks } = require("./stats.js");

const SAMPLE_RATE = 48000;
const FRAMES = SAMPLE_RATE * 10;
const BLOCKS = [128, 512];
// Target of issue 9: our time within 1.5x of Faust's.
const TARGET = 1.5;

function sawLowpassGraph(driver) {
  return graph()
    .withSampleRate(SAMPLE_RATE)
    .add("osc", oscillator({ waveform: "saw", driver, frequency: 220, amplitude: 1 }))
    .add("lp", biquad({ filter: "lowpass", frequency: 1000, q: Math.SQRT1_2 }))
    .add("out", gain({ gain: 0.5 }))
    .chain("osc", "lp", "out")
    .output("out");
}

async function timeRender(g, blockFrames, signal) {
  const started = process.hrtime.bigint();
  const result = await render(g, { frames: FRAMES, blockFrames });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, check: checkSamples(result.samples, signal, 1) };
}

async function timeWebAudio() {
  const { seconds, samples } = await renderSawLowpass(FRAMES, SAMPLE_RATE);
  return { seconds, check: checkSamples(samples, "sawlp-wa", 0) };
}

module.exports = async function sawLowpass({ rounds }) {
  const missing = faust.unavailable();
  console.log("\n## saw 220 Hz -> lowpass biquad 1 kHz (Q 0.707) -> gain 0.5: execute loop vs Faust, render() vs Web Audio");
  console.log(
    `10 s at 48 kHz, batch 1, mono; ${rounds} interleaved rounds; time ratio = our time / peer time per round, median (min–max).`,
  );
  const rows = [];
  const checks = [];
  for (const block of BLOCKS) {
    const systems = [
      { name: "ours naive", run: () => runOurs("execute", "sawlp", block, FRAMES) },
      { name: "ours polyblep", run: () => runOurs("execute", "sawlp-bl", block, FRAMES) },
    ];
    if (missing === undefined) {
      systems.push({ name: "Faust exact (naive saw)", run: () => faust.runSawLowpass("exact", block, FRAMES) });
      systems.push({ name: "Faust fast (os.sawtooth)", run: () => faust.runSawLowpass("fast", block, FRAMES) });
    }
    const results = await interleave(systems, rounds);
    for (const [name, runs] of results) checks.push([`native, block ${block}: ${name}`, runs]);
    const pairs = [
      ["ours naive", "Faust exact (naive saw)"],
      ["ours polyblep", "Faust fast (os.sawtooth)"],
    ];
    for (const [ours, peer] of pairs) {
      const mine = results.get(ours);
      const theirs = results.get(peer);
      rows.push({
        block,
        ours,
        "ours ms": fixed(medianSeconds(mine) * 1e3, 2),
        peer: theirs ? peer : "Faust absent",
        "peer ms": theirs ? fixed(medianSeconds(theirs) * 1e3, 2) : "absent",
        "time ratio ours/peer": theirs ? ratioText(mine, theirs) : "n/a",
        target: `<= ${TARGET}`,
      });
    }
  }
  printTable(rows);
  if (missing === undefined) console.log(`Faust: ${faust.version()}, faust -double -lang cpp, g++ ${faust.CXX_FLAGS.join(" ")}.`);
  else console.log(`Faust peer absent: ${missing}; its rows say so.`);

  const jsSystems = BLOCKS.map((block) => ({
    name: `render() naive, block ${block}`,
    run: () => timeRender(sawLowpassGraph("naive"), block, "sawlp"),
  }));
  jsSystems.push({ name: "render() polyblep, block 128", run: () => timeRender(sawLowpassGraph("polyblep"), 128, "sawlp-bl") });
  jsSystems.push({ name: "Web Audio", run: timeWebAudio });
  const js = await interleave(jsSystems, rounds);
  const web = js.get("Web Audio");
  const jsRows = [];
  for (const [name, runs] of js) {
    checks.push([`JavaScript: ${name}`, runs]);
    if (name === "Web Audio") continue;
    jsRows.push({
      ours: name,
      "ours ms": fixed(medianSeconds(runs) * 1e3, 2),
      "Web Audio ms": fixed(medianSeconds(web) * 1e3, 2),
      "time ratio ours/Web Audio": ratioText(runs, web),
    });
  }
  printTable(jsRows);
  console.log("Web Audio: node-web-audio-api 1.0.9 (Rust), float32, band-limited sawtooth; its check is the loose one.");
  return printChecks("Output checks against the reference (worst over all rounds; max |error| vs the naive-saw graph):", checks);
};

// For bench/callgrind-graph.js (the same graph, rendered natively).
module.exports.sawLowpassGraph = sawLowpassGraph;
