// graphs.js: the benchmark signals as amp-kpn graphs (public API, dist build) and their shared
// constants; bench/native/bench_signals.h holds the same definitions for the native programs.
"use strict";
const { graph, sineOsc, mix } = require("../dist/index.js");

/** Frequency of sine i in Hz: 100 + 37 i (100 Hz .. 1247 Hz for 32 sines), the same in every peer. */
function sineFrequency(i) {
  return 100 + 37 * i;
}

/** The per-call chain: sine (100 Hz, 0.5) -> gain CHAIN_GAIN -> safety (DC blocker pole CHAIN_DC_ALPHA). */
const CHAIN_GAIN = 0.5;
const CHAIN_DC_ALPHA = 0.995;

/** `count` sines at amplitude 0.5; one is the output itself, several are summed by a mix. */
function parallelSines(count) {
  let g = graph();
  for (let i = 0; i < count; i += 1) g = g.add(`s${i}`, sineOsc({ frequency: sineFrequency(i), amplitude: 0.5 }));
  if (count === 1) return g.output("s0");
  g = g.add("sum", mix());
  for (let i = 0; i < count; i += 1) g = g.connect(`s${i}`, "sum");
  return g.output("sum");
}

module.exports = { parallelSines, sineFrequency, CHAIN_GAIN, CHAIN_DC_ALPHA };
