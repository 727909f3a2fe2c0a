#!/usr/bin/env node
// run.js (`npm run bench`): the benchmark sections, each comparing amp-kpn with peers measured in
// the same run and checking every system's output. docs/performance.md quotes its tables.
//
//   node bench/run.js [section...] [--rounds N] [--markdown]
//     default: every section; AMP_BENCH_REPEATS=N also sets the rounds (default 5);
//     --markdown prints the tables as Markdown (as quoted in docs/performance.md)
//
// A section is a module exporting one async function({ rounds }) (the export itself, `run`, or
// its only function) that prints its tables; it may resolve with false when an output check
// failed (the run then exits with status 1).
"use strict";
const os = require("node:os");
const { roundsFromEnvironment } = require("./stats.js");

// name -> module; one line per section.
const SECTIONS = {
  selftest: "./check-selftest.js",

  native: "./throughput.js",

  calls: "./per-call.js",
  call_instructions: "./call-instructions.js",

  render: "./offline-render.js",

  fft: "./fft.js",

  analysis: "./analysis.js",

  gradients: "./gradients.js",
  long: "./long-work.js",
  progress_instructions: "./callgrind-progress.js",

  osc_cache: "./oscillator-cache.js",

  instrument: "./instrument.js",

  sawlp: "./saw-lowpass.js",
  divider: "./divider.js",
  sweep: "./sweep.js",
};

function requested(argv) {
  const names = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--rounds") i += 1;
    else if (argv[i] !== "--markdown") names.push(argv[i]);
  }
  for (const name of names) {
    if (!(name in SECTIONS)) throw new Error(`unknown bench section "${name}"; sections: ${Object.keys(SECTIONS).join(", ")}`);
  }
  return names.length > 0 ? names : Object.keys(SECTIONS);
}

async function main() {
  const argv = process.argv.slice(2);
  const rounds = roundsFromEnvironment(argv);
  const names = requested(argv);
  const cpus = os.cpus();
  console.log(`amp-kpn bench: sections ${names.join(", ")}; ${rounds} rounds; node ${process.version}; ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown CPU"}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} (1 / 5 / 15 min)`,
  );
  const started = process.hrtime.bigint();
  let allChecked = true;
  for (const name of names) {
    const section = require(SECTIONS[name]);
    const run = typeof section === "function" ? section : (section.run ?? Object.values(section).find((v) => typeof v === "function"));
    if ((await run({ rounds })) === false) allChecked = false;
  }
  console.log(`\nbench wall time: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s`);
  if (!allChecked) {
    console.error("An output check FAILED: the timings of a wrong render are not comparable.");
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
