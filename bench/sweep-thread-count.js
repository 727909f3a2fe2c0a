#!/usr/bin/env node
// sweep-thread-count.js: instructions per point of a pool sweep, by thread role, counted by
// callgrind (not disturbed by the machine's load). Runs the benchmark's sweep (the 32-sine graph
// over s0.frequency, 1 s at 48 kHz, levels, heat, latency and centroid, no packing) on a pool of
// `--workers` threads twice, with P1 and P2 points, each under
// `valgrind --tool=callgrind --separate-threads=yes`, and prints (I(P2) - I(P1)) / (P2 - P1) per
// role: the calling thread, the pool threads' JavaScript threads (compiling, overrides,
// measuring, messages, and the native renders, which a pool thread runs itself: see
// src/sweep/render-here.ts), the render threads (the native renders on libuv's thread pool, with
// `--workers 0`) and the other threads (V8's garbage collector and compiler helpers). The difference leaves out
// start-up and each sweep's fixed costs.
//
// Valgrind 3.19 does not decode AVX-512, so count with an addon built without -march=native:
//   npx cmake-js configure --out build-cg --CDAMP_NATIVE_ARCH=OFF
//   cmake --build build-cg --target amp_kpn
//   node bench/sweep-thread-count.js --addon build-cg/Release/amp_kpn.node [--points 8,40] [--workers 1] [--pack] [--dist DIR]
// (`--workers 0` renders in the calling thread; `--pack` packs the points, 32 per render).
// The script copies package.json and dist/ (or the compiled library in DIR, e.g. another
// commit's) with that addon into a temporary package root (the library loads
// build/Release/amp_kpn.node under its root). Needs dist/ (npm run build:ts).
// The other threads' count is mostly V8's optimising compiler, whose work depends on timing: it
// varies between runs by a few million instructions per point.
"use strict";
const { execFileSync } = require("node:child_process");
const { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, copyFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The sweep itself, run by the child process under callgrind. */
async function child(root, points, workers, pack) {
  const { sweep } = require(join(root, "dist", "index.js"));
  const { parallelSines } = require(join(root, "bench", "graphs.js"));
  const grid = { "s0.frequency": Array.from({ length: points }, (_, i) => 100 + i) };
  const table = await sweep(parallelSines(32), { grid, seconds: 1, measure: { centroid: true }, pack, workers });
  if (table.rows.length !== points || table.failed.length !== 0) throw new Error("the sweep did not measure every point");
}

/** What a pool thread's instructions go to, by the function's library (callgrind_annotate's list). */
const KINDS = [
  ["native analysis (FFT, window, levels)", (fn) => fn.includes("amp_kpn.node") && /fft|analysis::|window|Stft|Plan/.test(fn)],
  ["native runtime (render, compile, overrides)", (fn) => fn.includes("amp_kpn.node")],
  ["libm (sin, cos, fmax)", (fn) => /libm|s_sin|fenv|fmax/.test(fn)],
  ["libc (memset, malloc)", (fn) => /libc|string\/|malloc/.test(fn)],
  ["V8 and compiled JavaScript", () => true],
];

function kindsOf(file) {
  const text = execFileSync("callgrind_annotate", ["--threshold=100", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const kinds = Object.fromEntries(KINDS.map(([name]) => [name, 0]));
  for (const line of text.split("\n")) {
    const m = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (m === null || line.includes("PROGRAM TOTALS")) continue;
    const [name] = KINDS.find(([, test]) => test(m[2]));
    kinds[name] += Number(m[1].replaceAll(",", ""));
  }
  return kinds;
}

/** Instructions per thread role of one callgrind run (one file per thread). */
function countRun(root, points, workers, pack) {
  const dir = mkdtempSync(join(tmpdir(), "amp-cg-"));
  try {
    execFileSync(
      "valgrind",
      [
        "--tool=callgrind",
        "--separate-threads=yes",
        "--smc-check=all-non-file",
        `--callgrind-out-file=${join(dir, "cg.out")}`,
        process.execPath,
        __filename,
        "--child",
        root,
        String(points),
        String(workers),
        String(pack),
      ],
      { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 },
    );
    const roles = { "calling thread": 0, "pool threads (JavaScript)": 0, "render threads": 0, "other threads (V8 helpers)": 0 };
    const pool = Object.fromEntries(KINDS.map(([name]) => [name, 0]));
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      const total = Number(/^totals:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      const thread = Number(/^thread:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      let role = "other threads (V8 helpers)";
      if (thread === 1) role = "calling thread";
      else if (text.includes("node::worker::Worker::Run")) {
        role = "pool threads (JavaScript)";
        for (const [name, count] of Object.entries(kindsOf(join(dir, file)))) pool[name] += count;
      } else if (text.includes("amp::GraphRuntime::run_block")) role = "render threads";
      roles[role] += total;
    }
    return { roles, pool };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const here = resolve(__dirname, "..");
  const addon = resolve(flag("addon", join(here, "build-cg", "Release", "amp_kpn.node")));
  const [p1, p2] = flag("points", "8,40").split(",").map(Number);
  const dist = resolve(flag("dist", join(here, "dist")));
  const workers = Number(flag("workers", "1"));
  const pack = process.argv.includes("--pack");
  const root = mkdtempSync(join(tmpdir(), "amp-cg-root-"));
  try {
    copyFileSync(join(here, "package.json"), join(root, "package.json"));
    cpSync(dist, join(root, "dist"), { recursive: true });
    mkdirSync(join(root, "bench"));
    copyFileSync(join(here, "bench", "graphs.js"), join(root, "bench", "graphs.js"));
    mkdirSync(join(root, "build", "Release"), { recursive: true });
    copyFileSync(addon, join(root, "build", "Release", "amp_kpn.node"));
    symlinkSync(join(here, "node_modules"), join(root, "node_modules"));
    const a = countRun(root, p1, workers, pack);
    const b = countRun(root, p2, workers, pack);
    const how = `${workers === 0 ? "in the calling thread" : `pool of ${workers}`}${pack ? ", packed" : ""}`;
    console.log(`instructions per point (callgrind, (I(${p2}) - I(${p1})) / ${p2 - p1}), ${how}:`);
    const perPoint = (x, y) => Math.round((y - x) / (p2 - p1));
    const print = (name, count) => console.log(`  ${name.padEnd(40)} ${count.toLocaleString("en-US").padStart(14)}`);
    let sum = 0;
    for (const role of Object.keys(a.roles)) {
      const count = perPoint(a.roles[role], b.roles[role]);
      sum += count;
      print(role, count);
    }
    print("all threads", sum);
    console.log("the pool threads' instructions per point by library (callgrind_annotate):");
    for (const name of Object.keys(a.pool)) print(name, perPoint(a.pool[name], b.pool[name]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), process.argv[6] === "true").catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main();
}
