// throughput.js (section "native"): our native execute loop against Faust's compute() loop, both
// timed by the same harness (bench/native/block_timing.h) after a checked warm-up pass, into a
// reused block buffer: 10 s at 48 kHz, 1 sine and 32 sines + mix, blocks 128 and 512.
"use strict";
const faust = require("./faust-peer.js");
const { runOurs } = require("./native-programs.js");
const { printTable, interleave, ratioText, medianSeconds, fixed, sci, printChecks } = require("./stats.js");

const FRAMES = 48000 * 10;
const GRAPHS = [
  { signal: "sines:1", label: "1 sine" },
  { signal: "sines:32", label: "32 sines + mix" },
];
const BLOCKS = [128, 512];
// The older prototype's published rate for 32 sines + mix, C API, block 512 (reference-facts.md).
const PROTOTYPE_32_SINES = 1.73e6;

module.exports = async function throughput({ rounds }) {
  const missing = faust.unavailable();
  console.log(`\n## Native throughput: amp_graph_runtime_execute loop vs Faust compute() loop`);
  console.log(`10 s at 48 kHz, batch 1, mono; ${rounds} interleaved rounds (one run of each system per round, order rotated).`);
  console.log("time ratio = our time / peer time in the same round (below 1: ours is faster); median (min–max).");
  const rows = [];
  const checks = [];
  let oursAt512;
  for (const { signal, label } of GRAPHS) {
    for (const block of BLOCKS) {
      const threaded = signal === "sines:32" && block === 512;
      const systems = [{ name: "ours", run: () => runOurs("execute", signal, block, FRAMES) }];
      if (threaded) systems.push({ name: "ours, 2 threads", run: () => runOurs("execute", signal, block, FRAMES, 2) });
      if (missing === undefined) {
        systems.push({ name: "Faust exact sin", run: () => faust.run(signal, "exact", block, FRAMES) });
        systems.push({ name: "Faust os.osc table", run: () => faust.run(signal, "table", block, FRAMES) });
      }
      const results = await interleave(systems, rounds);
      if (threaded) oursAt512 = results.get("ours");
      for (const [name, runs] of results) checks.push([`${label}, block ${block}: ${name}`, runs]);
      const peers = missing === undefined ? ["Faust exact sin", "Faust os.osc table"] : ["Faust"];
      for (const ours of threaded ? ["ours", "ours, 2 threads"] : ["ours"]) {
        for (const peer of peers) {
          const mine = results.get(ours);
          const theirs = results.get(peer);
          rows.push({
            graph: label,
            block,
            ours: ours === "ours" ? "1 thread" : "2 threads vs 1-thread peer",
            "ours ms": fixed(medianSeconds(mine) * 1e3, 2),
            "ours max err": sci(Math.max(...mine.map((r) => r.check.maxError))),
            peer,
            "peer ms": theirs ? fixed(medianSeconds(theirs) * 1e3, 2) : "absent",
            "peer max err": theirs ? sci(Math.max(...theirs.map((r) => r.check.maxError))) : "absent",
            "time ratio ours/peer": theirs ? ratioText(mine, theirs) : "n/a",
          });
        }
      }
    }
  }
  printTable(rows);
  const ours32 = medianSeconds(oursAt512);
  console.log(
    `32 sines + mix, block 512, 1 thread: ours ${fixed(FRAMES / ours32 / 1e6, 1)} M frames/s; the older prototype published ` +
      `${PROTOTYPE_32_SINES / 1e6} M frames/s on this graph (C API, block 512; a quoted figure, not measured here): ` +
      `${fixed(FRAMES / ours32 / PROTOTYPE_32_SINES, 1)}x.`,
  );
  console.log("saw -> lowpass -> gain (peers.md): section sawlp.");
  if (missing === undefined) {
    console.log(`Faust: ${faust.version()}, faust -double -lang cpp, g++ ${faust.CXX_FLAGS.join(" ")} (our runtime's flags).`);
    console.log("Faust exact sin: sin(2*ma.PI*os.lf_sawpos(f)), equal accuracy; Faust os.osc table: speed-only reference.");
  } else {
    console.log(`Faust peer absent: ${missing}; its rows say so.`);
  }
  return printChecks("Output checks against the exact signal (worst over all rounds):", checks);
};
