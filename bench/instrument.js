// instrument.js (section "instrument"): the older prototype's default "17-node instrument" rebuilt
// from our nodes (3 oscillators, 6 LFOs, 3 envelopes, 2 controllers, a pitch quantiser, a
// subharmonic, a mixer; 42 modulation edges), rendered with render() for 10 s at 48 kHz, blocks
// 128 and 512, in interleaved rounds. The prototype's figures are quoted, not measured here
// (reference-facts.md: 24.8x realtime at block 512, 11x at 128, Python front end); the ratio is
// ours / theirs. Output check: finite, not silent, and bit-identical at both block sizes.
"use strict";
const { graph, render, oscillator, lfo, adsr, controller, pitchQuantizer, subharmonic, mix } = require("../dist/index.js");
const { printTable, interleave, median, fixed } = require("./stats.js");

const SAMPLE_RATE = 48000;
const SECONDS = 10;
const FRAMES = SAMPLE_RATE * SECONDS;
// The prototype's published realtime factors for this instrument (quoted, reference-facts.md).
const PROTOTYPE = { 512: 24.8, 128: 11 };

/** Control history of the two controllers: curves over the 10 s, in seconds. */
const HISTORY = {
  rate: [
    [0, 0.5],
    [10, 3],
  ],
  depth: [
    [0, 0.2],
    [5, 0.6],
    [10, 0.3],
  ],
  melody: {
    points: [
      [0, 0],
      [2.5, 0.25],
      [5, 0.583],
      [7.5, 0.333],
      [10, 0],
    ],
    interpolation: "step",
  },
  slow: [
    [0, 0.1],
    [10, 0.4],
  ],
  amount: [
    [0, 0.05],
    [10, 0.2],
  ],
};

/** The instrument: 17 nodes, 42 modulation edges (counted and checked below). */
function instrument() {
  let g = graph()
    .withSampleRate(SAMPLE_RATE)
    .add("ctl1", controller({ curves: ["rate", "depth"] }))
    .add("ctl2", controller({ curves: ["melody", "slow", "amount"] }))
    .add("pq", pitchQuantizer({ spanOct: 2, rootMidi: 45, glideMs: 20 }))
    .add("lfo1", lfo({ shape: "sine", rateHz: 5, depth: 2 }))
    .add("lfo2", lfo({ shape: "triangle", rateHz: 0.7, depth: 0.05 }))
    .add("lfo3", lfo({ shape: "saw", rateHz: 0.3, depth: 0.1, slewMs: 5 }))
    .add("lfo4", lfo({ shape: "square", rateHz: 2, depth: 1 }))
    .add("lfo5", lfo({ shape: "sine", rateHz: 0.11, depth: 0.5 }))
    .add("lfo6", lfo({ shape: "triangle", rateHz: 0.23, depth: 0.1 }))
    .add("osc1", oscillator({ waveform: "saw", frequency: 0, amplitude: 0.3 }))
    .add("osc2", oscillator({ waveform: "square", frequency: 0, amplitude: 0.2 }))
    .add("osc3", oscillator({ waveform: "triangle", frequency: 0, amplitude: 0.3 }))
    .add("env1", adsr({ attackMs: 5, decayMs: 80, sustain: 0.6, releaseMs: 150 }))
    .add("env2", adsr({ attackMs: 1, holdMs: 10, decayMs: 200, sustain: 0, releaseMs: 50 }))
    .add("env3", adsr({ attackMs: 30, decayMs: 300, sustain: 0.8, releaseMs: 400 }))
    .add("sub", subharmonic({ mix: 0.4 }))
    .add("out", mix())
    // Audio edges: the quantiser's input, the envelopes' gates and trigger, the voices.
    .connect("ctl2.melody", "pq")
    .connect("lfo4", "env1", { port: "gate" })
    .connect("lfo5", "env2", { port: "trigger" })
    .connect("lfo4", "env3", { port: "gate" })
    .connect("osc1", "sub")
    .connect("sub", "out")
    .connect("osc2", "out")
    .connect("osc3", "out");
  const add = { mode: "add" };
  const multiply = { mode: "multiply" };
  const edges = [];
  for (const osc of ["osc1", "osc2", "osc3"]) {
    edges.push(["pq", `${osc}.frequency`, add], ["lfo1", `${osc}.frequency`, add], ["lfo5", `${osc}.frequency`, add]);
    edges.push(["lfo2", `${osc}.amplitude`, add], ["lfo3", `${osc}.phase_offset`, add], ["lfo6", `${osc}.phase_offset`, add]);
  }
  edges.push(["env1", "osc1.amplitude", multiply], ["env2", "osc2.amplitude", multiply], ["env3", "osc3.amplitude", multiply]);
  edges.push(["lfo6", "osc2.pulse_width", add]);
  for (const l of ["lfo1", "lfo2", "lfo3", "lfo4"]) {
    edges.push(["ctl1.rate", `${l}.rate_hz`, add], ["ctl1.depth", `${l}.depth`, add]);
    edges.push(["lfo5", `${l}.rate_hz`, add], ["lfo6", `${l}.depth`, add]);
  }
  for (const l of ["lfo5", "lfo6"]) edges.push(["ctl2.slow", `${l}.rate_hz`, add], ["ctl2.amount", `${l}.depth`, add]);
  for (const [from, to, options] of edges) g = g.modulate(from, to, options);
  const out = g.output("out");
  const json = out.toJSON();
  return { graph: out, modulations: json.modulations.length, nodes: json.nodes.length };
}

async function timeRender(g, blockFrames) {
  const started = process.hrtime.bigint();
  const result = await render(g, { frames: FRAMES, blockFrames, history: HISTORY });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, samples: result.samples };
}

/** Finite and not silent; the peak. */
function checkOutput(samples) {
  let peak = 0;
  let finite = true;
  for (const x of samples) {
    if (!Number.isFinite(x)) finite = false;
    else peak = Math.max(peak, Math.abs(x));
  }
  return { finite, peak };
}

module.exports = async function instrumentBench({ rounds }) {
  const { graph: g, modulations, nodes } = instrument();
  console.log("\n## The 17-node instrument (3 oscillators, 6 LFOs, 3 envelopes, 2 controllers, pitch quantiser, subharmonic, mixer)");
  console.log(
    `render() of ${SECONDS} s at 48 kHz, batch 1, mono; ${nodes} nodes, ${modulations} modulation edges; ${rounds} interleaved rounds; median (min–max).`,
  );
  if (nodes !== 17 || modulations !== 42)
    throw new Error(`instrument has ${nodes} nodes and ${modulations} modulation edges, not 17 and 42`);
  const blocks = [128, 512];
  const systems = blocks.map((block) => ({ name: `block ${block}`, run: () => timeRender(g, block) }));
  const results = await interleave(systems, rounds);
  const rows = [];
  for (const block of blocks) {
    const runs = results.get(`block ${block}`);
    const realtime = runs.map((run) => SECONDS / run.seconds);
    const ratios = realtime.map((x) => x / PROTOTYPE[block]);
    rows.push({
      block,
      "ours ms": fixed(median(runs.map((run) => run.seconds)) * 1e3, 1),
      "ours x realtime": `${fixed(median(realtime), 1)} (${fixed(Math.min(...realtime), 1)}–${fixed(Math.max(...realtime), 1)})`,
      "ours M frames/s": fixed((median(realtime) * SAMPLE_RATE) / 1e6, 2),
      "prototype x realtime (quoted)": PROTOTYPE[block],
      "ratio ours/prototype": `${fixed(median(ratios), 1)} (${fixed(Math.min(...ratios), 1)}–${fixed(Math.max(...ratios), 1)})`,
    });
  }
  printTable(rows);
  const first = results.get("block 128")[0].samples;
  const identical = [...results.values()].every((runs) =>
    runs.every((run) => Buffer.compare(Buffer.from(run.samples.buffer), Buffer.from(first.buffer)) === 0),
  );
  const { finite, peak } = checkOutput(first);
  const ok = finite && peak > 0.01 && identical;
  console.log(
    `Output check: ${finite ? "finite" : "NON-FINITE"}, peak ${fixed(peak, 3)}, every run at both blocks bit-identical: ${identical ? "yes" : "NO"} -> ${ok ? "ok" : "FAILED"}.`,
  );
  console.log(
    "Prototype figures are quoted from its own measurement (Python front end, same kind of 2-core machine), not re-measured here.",
  );
  return ok;
};

// For bench/callgrind-graph.js (the same graph and curves, rendered natively).
module.exports.instrument = instrument;
module.exports.HISTORY = HISTORY;
module.exports.SAMPLE_RATE = SAMPLE_RATE;
