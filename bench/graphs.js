// graphs.js: the benchmark graphs, built with the public API (amp-kpn's dist build).
"use strict";
const { graph, sineOsc, mix } = require("../dist/index.js");

/** Frequency of sine i: spread over 100 Hz .. 1283 Hz, the same in every peer. */
function sineFrequency(i) {
  return 100 + 37 * i;
}

/** `count` sines at amplitude 0.5; one is the output itself, several are summed by a mix. */
function parallelSines(count) {
  let g = graph();
  for (let i = 0; i < count; i += 1) g = g.add(`s${i}`, sineOsc({ frequency: sineFrequency(i), amplitude: 0.5 }));
  if (count === 1) return g.output("s0");
  g = g.add("sum", mix());
  for (let i = 0; i < count; i += 1) g = g.connect(`s${i}`, "sum");
  return g.output("sum");
}

module.exports = { parallelSines, sineFrequency };
