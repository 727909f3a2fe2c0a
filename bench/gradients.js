// gradients.js (`node bench/run.js gradients`): the cost of a backward pass against the forward
// render it differentiates. Per graph and round (order rotated): a plain render, a recorded
// render, and the backward pass over the recorded one (every signal parameter listed, summed).
// Prints the median and min-max of the per-round ratios recorded / plain and backward / plain.
// Check: the recorded render's samples equal the plain render's bit for bit, and every gradient
// is finite (a wrong pass cannot be fast).
"use strict";
const { Runtime, graph, sineOsc, biquad, gain, safety, mix, delay } = require("../dist/index.js");
const { median, fixed } = require("./stats.js");

const FRAMES = 96000; // 2 s at 48 kHz

// sine -> biquad (cutoff modulated by an lfo) -> gain -> safety
function filterChain() {
  return {
    name: "sine -> biquad -> gain -> safety",
    graph: graph()
      .add("osc", sineOsc({ frequency: 220, amplitude: 0.5 }))
      .add("lfo", sineOsc({ frequency: 2, amplitude: 300 }))
      .add("lp", biquad({ filter: "lowpass", frequency: 1200, q: 2 }))
      .add("g", gain({ gain: 0.8 }))
      .add("out", safety())
      .chain("osc", "lp", "g", "out")
      .modulate("lfo", "lp.frequency", { mode: "add" })
      .output("out"),
    wrt: ["osc.frequency", "osc.amplitude", "lp.frequency", "lp.q", "g.gain"],
  };
}

// sine -> gain -> a feedback comb (delay 64) -> safety
function feedbackComb() {
  return {
    name: "sine -> gain -> comb (loop 64) -> safety",
    graph: graph()
      .add("osc", sineOsc({ frequency: 330, amplitude: 0.5 }))
      .add("g", gain({ gain: 0.7 }))
      .add("sum", mix({ channels: 1 }))
      .add("d", delay({ frames: 64 }))
      .add("fb", gain({ gain: 0.5 }))
      .add("out", safety())
      .chain("osc", "g", "sum")
      .connect("fb", "sum")
      .chain("sum", "d", "fb")
      .connect("sum", "out")
      .output("out"),
    wrt: ["osc.frequency", "g.gain", "fb.gain"],
  };
}

async function seconds(work) {
  const started = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

async function run({ rounds }) {
  console.log(`\n## Backward pass against forward (${FRAMES} frames, block 512, one thread)\n`);
  console.log("| graph | recorded / plain render | backward / plain render | check |");
  console.log("| --- | --- | --- | --- |");
  let allOk = true;
  for (const make of [filterChain, feedbackComb]) {
    const { name, graph: g, wrt } = make();
    const runtime = Runtime.create(g);
    const dLdy = new Float64Array(FRAMES).fill(1e-3);
    const ratios = { record: [], backward: [] };
    let ok = true;
    await runtime.render(4800); // warm-up
    for (let round = 0; round < rounds; round += 1) {
      const steps = [
        async () => {
          runtime.reset();
          return seconds(() => runtime.render(FRAMES));
        },
        async () => {
          runtime.reset();
          const recorded = await seconds(() => runtime.render(FRAMES, { record: true }));
          const backward = await seconds(() => recorded.value.backward(dLdy, { wrt, summed: true }));
          return { recorded, backward };
        },
      ];
      const order = round % 2 === 0 ? steps : [...steps].reverse();
      const results = [];
      for (const step of order) results.push(await step());
      const [plain, both] = round % 2 === 0 ? results : [...results].reverse();
      ratios.record.push(both.recorded.seconds / plain.seconds);
      ratios.backward.push(both.backward.seconds / plain.seconds);
      const same = plain.value.samples.every((v, i) => Object.is(v, both.recorded.value.samples[i]));
      const finite = Object.values(both.backward.value).every((gr) => gr.data.every((v) => Number.isFinite(v)));
      ok = ok && same && finite;
    }
    runtime.dispose();
    const text = (values) => `${fixed(median(values), 2)} (${fixed(Math.min(...values), 2)}–${fixed(Math.max(...values), 2)})`;
    console.log(`| ${name} | ${text(ratios.record)} | ${text(ratios.backward)} | ${ok ? "ok" : "FAILED"} |`);
    allOk = allOk && ok;
  }
  return allOk;
}

module.exports = { run };
