#!/usr/bin/env node
// sweep.js (`node bench/sweep.js [--rounds N] [--points P] [--markdown]`, section "sweep" of
// `npm run bench`): a sweep of the 32-sine graph (one signal parameter, s0.frequency, over P
// values; 1 s at 48 kHz per point) run sequentially (one render per point, this thread), batch
// packed (32 points per render, this thread), on pools of 1 and 2 worker threads (started by a
// warm-up sweep: sweeps keep their threads), and through
// BullMQ on a local redis-server with two `amp-kpn worker` processes. A second table sweeps a
// lowpass after the same 32 sines (lp.frequency over P values): the common research case, where
// packing with lane sharing renders the sines once per pack (docs/sweeps.md). Rounds interleave
// the systems (order rotated); it prints points per second (median and range) and per-round
// ratios against the peers of the same round, and checks that every system's measurements equal
// the sequential sweep's bit for bit. Needs dist/ (npm run build); BullMQ rows need redis-server.
"use strict";
const { spawn, execFileSync } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { createServer } = require("node:net");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { sweep, biquad } = require("../dist/index.js");
const { parallelSines } = require("./graphs.js");
const { fixed, median, printTable, roundsFromEnvironment, rotated } = require("./stats.js");

function pointsFromArgs(argv) {
  const i = argv.indexOf("--points");
  return i >= 0 ? Number(argv[i + 1]) : 256;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function startProcess(command, args, ready, cwd, children) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (ready.test(out)) resolve(child);
    });
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
  });
}

function hasRedis() {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs every system `rounds` times (order rotated), prints the table; returns seconds per system and whether all measurements agreed. */
async function measure(systems, common, g, rounds, count) {
  const seconds = new Map(systems.map((s) => [s.name, []]));
  let reference;
  let identical = true;
  for (let round = 0; round < rounds; round += 1) {
    for (const system of rotated(systems, round)) {
      const started = process.hrtime.bigint();
      const table = await sweep(g, { ...common, ...system.options });
      seconds.get(system.name).push(Number(process.hrtime.bigint() - started) / 1e9);
      const measured = JSON.stringify(table.rows.map((r) => r.measurements));
      if (reference === undefined) reference = measured;
      else if (measured !== reference) identical = false;
    }
  }
  const base = seconds.get("sequential");
  const pool1 = seconds.get("pool of 1");
  const ratio = (runs, peer) => {
    const r = runs.map((s, i) => peer[i] / s);
    return `${fixed(median(r), 2)} (${fixed(Math.min(...r), 2)}–${fixed(Math.max(...r), 2)})`;
  };
  const rows = systems.map((system) => {
    const runs = seconds.get(system.name);
    const rates = runs.map((s) => count / s);
    return {
      system: system.name,
      "points/s median": fixed(median(rates), 1),
      "points/s range": `${fixed(Math.min(...rates), 1)}–${fixed(Math.max(...rates), 1)}`,
      "speed-up vs sequential": ratio(runs, base),
      ...(pool1 === undefined ? {} : { "speed-up vs pool of 1": ratio(runs, pool1) }),
    };
  });
  printTable(rows);
  return { seconds, identical };
}

async function run({ rounds } = { rounds: roundsFromEnvironment() }) {
  const count = pointsFromArgs(process.argv);
  const g = parallelSines(32);
  const grid = { "s0.frequency": Array.from({ length: count }, (_, i) => 100 + i) };
  const common = { grid, seconds: 1, measure: { centroid: true } };
  const children = [];
  const dir = mkdtempSync(join(tmpdir(), "amp-bench-sweep-"));
  // Ctrl-C still stops redis-server and the workers.
  const stop = () => {
    for (const child of children) child.kill("SIGKILL");
    process.exit(130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const systems = [
    { name: "sequential", options: { pack: false, workers: 0 } },
    { name: "packed (32 per render)", options: { pack: true, packSize: 32, workers: 0 } },
    { name: "pool of 1", options: { pack: false, workers: 1 } },
    { name: "pool of 2", options: { pack: false, workers: 2 } },
  ];
  try {
    if (hasRedis()) {
      const port = await freePort();
      await startProcess(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        /Ready to accept/,
        dir,
        children,
      );
      const url = `redis://127.0.0.1:${port}`;
      const cli = join(__dirname, "..", "dist", "cli", "main.js");
      for (let i = 0; i < 2; i += 1)
        await startProcess(process.execPath, [cli, "worker", "--redis", url, "--queue", "bench"], /ready/, dir, children);
      systems.push({ name: "BullMQ, 2 local workers", options: { pack: false, redis: url, queue: "bench" } });
    }
    console.log(
      `sweep: ${count} points of the 32-sine graph (s0.frequency), 1 s at 48 kHz each, measure levels, heat, latency and centroid; ${rounds} rounds, order rotated${hasRedis() ? "" : "; BullMQ absent (no redis-server)"}`,
    );
    // Warm-up: this thread, and the pool's two threads (kept between sweeps, as in a session).
    await sweep(g, { ...common, grid: { "s0.frequency": [100, 101] }, workers: 0 });
    await sweep(g, { ...common, grid: { "s0.frequency": [100, 101] }, pack: false, workers: 2 });
    const first = await measure(systems, common, g, rounds, count);
    if (first.seconds.has("BullMQ, 2 local workers")) {
      const bull = first.seconds.get("BullMQ, 2 local workers");
      const pool2 = first.seconds.get("pool of 2");
      // Two workers share the jobs: extra time per job = 2 x (extra wall time) / jobs.
      const overhead = bull.map((s, i) => ((s - pool2[i]) * 2 * 1000) / count);
      console.log(
        `BullMQ overhead per job over the pool of 2 (ms): median ${fixed(median(overhead), 2)} (${fixed(Math.min(...overhead), 2)}–${fixed(Math.max(...overhead), 2)})`,
      );
    }
    // The representative case: the swept parameter is downstream of the source bank.
    const lowpass = g
      .add("lp", biquad({ frequency: 1000 }))
      .connect("sum", "lp")
      .output("lp");
    const lpGrid = { "lp.frequency": Array.from({ length: count }, (_, i) => 200 * Math.pow(40, i / Math.max(1, count - 1))) };
    console.log(
      `\nsweep: ${count} points of a lowpass after the 32 sines (lp.frequency, 200 Hz to 8 kHz, log), 1 s at 48 kHz each, same measurements; ${rounds} rounds, order rotated`,
    );
    const second = await measure(systems.slice(0, 2), { ...common, grid: lpGrid }, lowpass, rounds, count);
    const identical = first.identical && second.identical;
    console.log(`measurements identical across systems and rounds: ${identical ? "yes" : "NO"}`);
    return identical;
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    for (const child of children) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = run;

if (require.main === module) {
  run({ rounds: roundsFromEnvironment() }).then(
    (ok) => {
      process.exitCode = ok ? 0 : 1;
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
