#!/usr/bin/env node
// sweep-pool-waits.js: how much a sweep's pool threads wait. Runs the benchmark's sweep (the
// 32-sine graph over 256 values of s0.frequency, 1 s at 48 kHz, levels, heat, latency and
// centroid, no packing) on pools of 1 and 2 threads, alternately, three rounds after a warm-up,
// and prints per sweep the points per second and the process's CPU time, minor page faults and
// context switches (`process.resourceUsage()`): a thread that sleeps until another thread
// finishes something (a render on libuv's pool, a message) counts one voluntary switch.
// Wall-clock numbers depend on the machine's load; the switch counts much less.
//   node bench/sweep-pool-waits.js [--dist DIR] [--packed]
//     DIR: the compiled library, default dist/; --packed: the sequential sweep (this thread, one
//     render per point) against the packed one (32 points per render) instead of the two pools
"use strict";
const { join, resolve } = require("node:path");
const { loadavg } = require("node:os");

const at = process.argv.indexOf("--dist");
const dist = resolve(at >= 0 ? process.argv[at + 1] : join(__dirname, "..", "dist"));
const { sweep, graph, sineOsc, mix } = require(join(dist, "index.js"));

/** The 32 sines of bench/graphs.js, built with the library under test. */
function parallelSines(count) {
  let g = graph();
  for (let i = 0; i < count; i += 1) g = g.add(`s${i}`, sineOsc({ frequency: 100 + 37 * i, amplitude: 0.5 }));
  g = g.add("sum", mix());
  for (let i = 0; i < count; i += 1) g = g.connect(`s${i}`, "sum");
  return g.output("sum");
}

async function main() {
  const g = parallelSines(32);
  const grid = { "s0.frequency": Array.from({ length: 256 }, (_, i) => 100 + i) };
  const common = { grid, seconds: 1, measure: { centroid: true } };
  const systems = process.argv.includes("--packed")
    ? [
        { name: "sequential", options: { pack: false, workers: 0 } },
        { name: "packed", options: { pack: true, packSize: 32, workers: 0 } },
      ]
    : [
        { name: "workers 1", options: { pack: false, workers: 1 } },
        { name: "workers 2", options: { pack: false, workers: 2 } },
      ];
  await sweep(g, { ...common, grid: { "s0.frequency": [100, 101] }, workers: 2 });
  console.log(
    `dist ${dist}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  for (let round = 0; round < 3; round += 1)
    for (const { name, options } of systems) {
      const before = process.resourceUsage();
      const t0 = process.hrtime.bigint();
      await sweep(g, { ...common, ...options });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const after = process.resourceUsage();
      const delta = (key) => after[key] - before[key];
      console.log(
        `${name}: ${(256 / seconds).toFixed(1)} points/s, CPU user ${(delta("userCPUTime") / 1e6).toFixed(2)} s sys ${(delta("systemCPUTime") / 1e6).toFixed(2)} s, ` +
          `minor faults ${delta("minorPageFault")}, voluntary switches ${delta("voluntaryContextSwitches")}, involuntary ${delta("involuntaryContextSwitches")}`,
      );
    }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
