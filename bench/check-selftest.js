// check-selftest.js (section "selftest"): shows that the output check every bench row goes
// through (bench/native/bench_signals.h) fails on broken renders, so a broken render cannot pass
// for a fast one. The broken signals are renders of our own nodes with a wrong parameter, or a
// correct render with samples overwritten; each must fail, the correct one must pass.
"use strict";
const { render, graph, sineOsc } = require("../dist/index.js");
const { parallelSines, sineFrequency } = require("./graphs.js");
const { checkSamples } = require("./native-programs.js");
const { printTable, sci } = require("./stats.js");

const FRAMES = 48000 * 3;
const OFFSET = 1; // our phase convention

async function sine(options) {
  const g = graph()
    .add("s", sineOsc({ frequency: sineFrequency(0), amplitude: 0.5, ...options }))
    .output("s");
  return (await render(g, { frames: FRAMES })).samples;
}

module.exports = async function selftest() {
  console.log("\n## Self-test of the output check: the exact renders must pass, every broken one must FAIL");
  const exact = await sine({});
  const withNaN = Float64Array.from(exact);
  withNaN[FRAMES - 7] = NaN;
  const withGap = Float64Array.from(exact);
  withGap.fill(0, 48000, 48000 + 128);
  const sum32 = (await render(parallelSines(32), { frames: FRAMES })).samples;
  const cases = [
    { name: "exact 1-sine render", samples: exact, signal: "sines:1", offset: OFFSET, pass: true },
    { name: "frequency 100.001 Hz instead of 100", samples: await sine({ frequency: 100.001 }), signal: "sines:1", offset: OFFSET },
    { name: "amplitude 0.498 instead of 0.5", samples: await sine({ amplitude: 0.498 }), signal: "sines:1", offset: OFFSET },
    { name: "phase one frame late", samples: exact, signal: "sines:1", offset: OFFSET + 1 },
    { name: "one NaN sample", samples: withNaN, signal: "sines:1", offset: OFFSET },
    { name: "one 128-frame block of zeros", samples: withGap, signal: "sines:1", offset: OFFSET },
    { name: "32 sines + mix checked as 31", samples: sum32, signal: "sines:31", offset: OFFSET },
    { name: "exact 32 sines + mix", samples: sum32, signal: "sines:32", offset: OFFSET, pass: true },
  ];
  let allAsExpected = true;
  const rows = cases.map((c) => {
    const check = checkSamples(c.samples, c.signal, c.offset);
    const expected = c.pass === true;
    if (check.ok !== expected) allAsExpected = false;
    return {
      case: c.name,
      "non-finite": check.nonfinite,
      "max |error|": sci(check.maxError),
      "component amplitude":
        check.amplitudeMin === null ? "n/a" : `${check.amplitudeMin.toPrecision(6)}–${check.amplitudeMax.toPrecision(6)}`,
      "max freq error (Hz)": sci(check.frequencyErrorHz),
      check: check.ok ? "pass" : "FAIL",
      "as expected": check.ok === expected ? "yes" : "NO",
    };
  });
  printTable(rows);
  if (!allAsExpected) console.log("The output check did not behave as expected: the bench's checks cannot be trusted.");
  return allAsExpected;
};
