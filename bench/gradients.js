// gradients.js (`node bench/run.js gradients`): the cost of a backward pass against the forward
// render it differentiates. Per graph and round (order rotated): a plain render, a recorded
// render, and the backward pass over the recorded one (every signal parameter listed, summed).
// Each is timed alone, as one awaited call of the same API level (Runtime.render,
// RenderResult.backward: the native work on a worker thread plus its binding), so the ratios
// have the same scope on both sides: recorded / plain is the forward render with recording,
// backward / plain the backward pass only (not the recorded render before it; a checkpointed
// recording's backward pass includes its segments' re-renders, its only way to run), and
// (recorded + backward) / plain the whole gradient computation. Prints the median and min-max
// of the per-round ratios.
// Check: the recorded render's samples equal the plain render's bit for bit, and every gradient
// is finite (a wrong pass cannot be fast). The 17-node instrument (bench/instrument.js) and
// saw 220 Hz -> lowpass biquad 1 kHz -> gain 0.5 (bench/saw-lowpass.js) are measured the same
// way (issue 13's target: backward within 3x of forward), and a row per graph is printed as
// "not differentiable yet: <node>" while a node on its path has no adjoint. The last rows time
// a checkpointed recording (a snapshot every 4800 frames) of the first two graphs: its render
// and its backward pass (which re-renders each segment) against the plain render.
"use strict";
const { Runtime, graph, sineOsc, biquad, gain, safety, mix, delay, AmpError } = require("../dist/index.js");
const { median, fixed } = require("./stats.js");
const { instrument, HISTORY } = require("./instrument.js");
const { sawLowpassGraph } = require("./saw-lowpass.js");

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

// The 17-node instrument with its control history: gradients of its voices and modulators.
function instrumentGraph() {
  return {
    name: "17-node instrument",
    graph: instrument().graph,
    history: HISTORY,
    wrt: ["osc1.amplitude", "osc2.amplitude", "osc3.amplitude", "osc1.frequency", "lfo1.depth", "lfo2.rate_hz"],
  };
}

// saw 220 Hz -> lowpass biquad 1 kHz -> gain 0.5
function sawLowpass() {
  return {
    name: "saw 220 Hz -> lowpass biquad 1 kHz -> gain 0.5",
    graph: sawLowpassGraph("polyblep"),
    wrt: ["osc.frequency", "osc.amplitude", "lp.frequency", "lp.q", "out.gain"],
  };
}

async function seconds(work) {
  const started = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

// Interleaved rounds of a plain render and a recorded render + backward pass of one graph.
// Returns the printed row's cells, or the node a backward pass refused (no adjoint yet).
async function measure(make, rounds, record) {
  const { graph: g, wrt, history } = make();
  const runtime = Runtime.create(g);
  const dLdy = new Float64Array(FRAMES).fill(1e-3);
  const ratios = { record: [], backward: [], total: [] };
  let ok = true;
  const options = history === undefined ? {} : { history };
  try {
    await runtime.render(4800, options); // warm-up
    runtime.reset();
    // A first pass tells whether every node on the path has an adjoint.
    try {
      await (await runtime.render(4800, { ...options, record })).backward(new Float64Array(4800), { wrt, summed: true });
    } catch (error) {
      if (error instanceof AmpError && error.code === "AMP_ERR_UNSUPPORTED") return { missing: error.node || error.message };
      throw error;
    }
    for (let round = 0; round < rounds; round += 1) {
      const steps = [
        async () => {
          runtime.reset();
          return seconds(() => runtime.render(FRAMES, options));
        },
        async () => {
          runtime.reset();
          const recorded = await seconds(() => runtime.render(FRAMES, { ...options, record }));
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
      ratios.total.push((both.recorded.seconds + both.backward.seconds) / plain.seconds);
      const same = plain.value.samples.every((v, i) => Object.is(v, both.recorded.value.samples[i]));
      const finite = Object.values(both.backward.value).every((gr) => gr.data.every((v) => Number.isFinite(v)));
      ok = ok && same && finite;
    }
  } finally {
    runtime.dispose();
  }
  return { ratios, ok };
}

async function run({ rounds }) {
  console.log(`\n## Backward pass against forward (${FRAMES} frames, block 512, one thread)\n`);
  console.log(
    `Per round, interleaved (order alternating): a plain render, a recorded render, the backward pass over it; ${rounds} rounds, median (min–max) of the per-round ratios to the plain render. ` +
      "Backward = the backward pass alone (the recorded render is the column before); issue 13's target: backward <= 3x the forward for the 17-node instrument and the saw graph.\n",
  );
  console.log("| graph | recording | recorded render / plain | backward pass / plain | (recorded + backward) / plain | check |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  const text = (values) => `${fixed(median(values), 2)} (${fixed(Math.min(...values), 2)}–${fixed(Math.max(...values), 2)})`;
  let allOk = true;
  const rows = [
    [filterChain, true],
    [feedbackComb, true],
    [instrumentGraph, true],
    [sawLowpass, true],
    [filterChain, { checkpointFrames: 4800 }],
    [feedbackComb, { checkpointFrames: 4800 }],
  ];
  for (const [make, record] of rows) {
    const kind = record === true ? "full" : `checkpoints every ${record.checkpointFrames}`;
    const result = await measure(make, rounds, record);
    if (result.missing !== undefined) {
      console.log(`| ${make().name} | ${kind} | not differentiable yet: ${result.missing} | | | |`);
      continue;
    }
    console.log(
      `| ${make().name} | ${kind} | ${text(result.ratios.record)} | ${text(result.ratios.backward)} | ${text(result.ratios.total)} | ${result.ok ? "ok" : "FAILED"} |`,
    );
    allOk = allOk && result.ok;
  }
  return allOk;
}

module.exports = { run };
