// callgrind-graph.js: instruction counts (callgrind, so not disturbed by machine load) of a
// bench graph rendered natively by graph_file_run, per node type's process() and the runtime's
// evaluate_params and compute_heat (inclusive Ir), and in total: the 17-node instrument of
// bench/instrument.js (with its control curves), or the saw -> lowpass -> gain graph of
// bench/saw-lowpass.js (polyblep or naive driver).
//
// Usage: node bench/callgrind-graph.js <build-dir> [block] [seconds] [instrument|sawlp|sawlp-naive]
//   <build-dir>: a CMake build of this repository, e.g. made with
//     cmake -S . -B /tmp/build-cg -G Ninja -DCMAKE_BUILD_TYPE=Release -DAMP_NATIVE_ARCH=OFF \
//       -DCMAKE_CXX_FLAGS="-march=x86-64-v3 -g"
//   (the script builds its graph_file_run target). Needs valgrind (apt-get install valgrind).
// Prints a Markdown table and the output's sum and peak (to compare builds bit for bit).
//
// With --backward (saw -> lowpass graphs; no control curves): counts by graph_backward_run of a
// plain render, then of a recorded render and one backward pass over it (dL/dy = 1e-3, the
// gradients of bench/gradients.js's saw row, summed), and prints the inclusive counts of
// amp_graph_runtime_execute (plain and recorded) and amp_graph_runtime_backward, their ratios
// to the plain render, each node type's backward() and the pass's own functions; the printed
// gradients compare builds bit for bit.
//   node bench/callgrind-graph.js <build-dir> [block] [seconds] sawlp --backward
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { instrument, HISTORY, SAMPLE_RATE } = require("./instrument.js");
const { sawLowpassGraph } = require("./saw-lowpass.js");

// The graph JSON and control curves of each graph this script can count.
const GRAPHS = {
  instrument: () => ({ graph: instrument().graph, history: HISTORY }),
  sawlp: () => ({ graph: sawLowpassGraph("polyblep"), history: {} }),
  "sawlp-naive": () => ({ graph: sawLowpassGraph("naive"), history: {} }),
};

function historyText(history) {
  const lines = [];
  for (const [name, curve] of Object.entries(history)) {
    const points = Array.isArray(curve) ? curve : curve.points;
    const mode = Array.isArray(curve) ? "linear" : (curve.interpolation ?? "linear");
    lines.push([name, mode, ...points.flatMap(([t, v]) => [t * SAMPLE_RATE, v])].join(" "));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

// The gradients bench/gradients.js asks of the saw graph.
const SAW_WRT = ["osc.frequency", "osc.amplitude", "lp.frequency", "lp.q", "out.gain"];

// Inclusive counts per function name of a callgrind output file (annotated from `dir`, outside
// the repository: there callgrind_annotate 3.19 printed exclusive counts).
function inclusiveCounts(out, dir) {
  const annotated = execFileSync("callgrind_annotate", ["--inclusive=yes", "--auto=no", "--threshold=100", out], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const rows = [];
  let total = 0;
  for (const line of annotated.split("\n")) {
    const m = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const ir = Number(m[1].replace(/,/g, ""));
    if (/PROGRAM TOTALS/.test(m[2])) total = ir;
    else rows.push({ name: m[2], ir });
  }
  return { rows, total };
}

function backwardCounts(buildDir, block, seconds, name) {
  if (!name.startsWith("sawlp")) throw new Error("--backward counts the saw -> lowpass graphs (sawlp, sawlp-naive)");
  const { graph } = GRAPHS[name]();
  execFileSync("cmake", ["--build", buildDir, "--target", "graph_backward_run"], { stdio: "inherit" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amp-cg-"));
  const graphFile = path.join(dir, "graph.json");
  fs.writeFileSync(graphFile, JSON.stringify(graph.toJSON()));
  const frames = String(Math.round(Number(seconds) * SAMPLE_RATE));
  const program = path.join(buildDir, "bench", "native", "graph_backward_run");
  const run = (mode) => {
    const out = path.join(dir, `callgrind.${mode}.out`);
    const extra = mode === "backward" ? SAW_WRT : [];
    const printed = execFileSync(
      "valgrind",
      ["--tool=callgrind", `--callgrind-out-file=${out}`, program, graphFile, block, frames, mode, ...extra],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    return { printed: printed.trim(), ...inclusiveCounts(out, dir) };
  };
  // Lines read "file:function [binary]" (a function's own line ends with its binary).
  const own = (rows, fn) => rows.find((row) => new RegExp(`:${fn} \\[.*graph_backward_run\\]$`).test(row.name))?.ir ?? 0;
  const plain = run("plain");
  const recorded = run("backward");
  const plainIr = own(plain.rows, "amp_graph_runtime_execute");
  const recordIr = own(recorded.rows, "amp_graph_runtime_execute");
  const backwardIr = own(recorded.rows, "amp_graph_runtime_backward");
  const perFrame = (ir) => (ir / Number(frames)).toFixed(1);
  console.log(`${name}, block ${block}, ${seconds} s (${frames} frames); gradients of ${SAW_WRT.join(", ")} (summed)`);
  console.log(`plain: ${plain.printed}`);
  console.log(`recorded + backward: ${recorded.printed}`);
  console.log("| part | Ir (inclusive) | Ir per frame | / plain render |");
  console.log("| --- | --- | --- | --- |");
  const ratio = (ir) => (plainIr > 0 ? (ir / plainIr).toFixed(2) : "n/a");
  console.log(`| plain render (amp_graph_runtime_execute) | ${plainIr} | ${perFrame(plainIr)} | 1.00 |`);
  console.log(`| recorded render (amp_graph_runtime_execute) | ${recordIr} | ${perFrame(recordIr)} | ${ratio(recordIr)} |`);
  console.log(`| backward pass (amp_graph_runtime_backward) | ${backwardIr} | ${perFrame(backwardIr)} | ${ratio(backwardIr)} |`);
  console.log(
    `| recorded render + backward pass | ${recordIr + backwardIr} | ${perFrame(recordIr + backwardIr)} | ${ratio(recordIr + backwardIr)} |`,
  );
  console.log("\nInside the backward pass and the recorded render (inclusive):\n");
  console.log("| function | Ir (inclusive) | Ir per frame |");
  console.log("| --- | --- | --- |");
  const parts = recorded.rows
    .map((row) => {
      const node = /amp::\(anonymous namespace\)::(\w+)::(backward|process)\(.*\[.*graph_backward_run\]$/.exec(row.name);
      if (node !== null) return { fn: `${node[1]}::${node[2]}`, ir: row.ir };
      const pass =
        /:amp::GraphRuntime::(backward_step|scatter_ports|scatter_params|plan_backward|record_step|backward_windows)\(.*\[.*graph_backward_run\]$/.exec(
          row.name,
        );
      return pass === null ? null : { fn: `GraphRuntime::${pass[1]}`, ir: row.ir };
    })
    .filter((row) => row !== null);
  for (const row of parts.sort((a, b) => b.ir - a.ir)) console.log(`| ${row.fn} | ${row.ir} | ${perFrame(row.ir)} |`);
}

function main() {
  const args = process.argv.slice(2).filter((arg) => arg !== "--backward");
  const [buildDir, block = "512", seconds = "2", name = "instrument"] = args;
  if (process.argv.includes("--backward")) {
    if (buildDir === undefined || !(name in GRAPHS))
      throw new Error("usage: node bench/callgrind-graph.js <build-dir> [block] [seconds] sawlp --backward");
    backwardCounts(buildDir, block, seconds, name);
    return;
  }
  const usage = "usage: node bench/callgrind-graph.js <build-dir> [block] [seconds] [instrument|sawlp|sawlp-naive]";
  if (buildDir === undefined || !(name in GRAPHS)) throw new Error(usage);
  const { graph, history } = GRAPHS[name]();
  execFileSync("cmake", ["--build", buildDir, "--target", "graph_file_run"], { stdio: "inherit" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amp-cg-"));
  const graphFile = path.join(dir, "graph.json");
  const historyFile = path.join(dir, "history.txt");
  fs.writeFileSync(graphFile, JSON.stringify(graph.toJSON()));
  fs.writeFileSync(historyFile, historyText(history));
  const out = path.join(dir, "callgrind.out");
  const frames = String(Math.round(Number(seconds) * SAMPLE_RATE));
  const program = path.join(buildDir, "bench", "native", "graph_file_run");
  const printed = execFileSync(
    "valgrind",
    ["--tool=callgrind", `--callgrind-out-file=${out}`, program, graphFile, historyFile, block, frames],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const counted = inclusiveCounts(out, dir);
  const rows = [];
  const total = counted.total;
  for (const { name: fn, ir } of counted.rows) {
    // A function's own line ends with its binary; lines without it are inlined code by file.
    const node = /amp::\(anonymous namespace\)::(\w+)::process\(.*\[.*graph_file_run\]$/.exec(fn);
    if (node !== null) rows.push({ fn: `${node[1]}::process`, ir });
    // The runtime's per-block work around the nodes: parameter evaluation and the heat model.
    const runtime = /amp::GraphRuntime::(evaluate_params|compute_heat)\(.*\[.*graph_file_run\]$/.exec(fn);
    if (runtime !== null) rows.push({ fn: `runtime ${runtime[1]}`, ir });
  }
  console.log(`${name}, block ${block}, ${seconds} s (${frames} frames); output ${printed.trim()}`);
  console.log("| function | Ir (inclusive) | Ir per frame |");
  console.log("| --- | --- | --- |");
  for (const row of rows.sort((a, b) => b.ir - a.ir)) console.log(`| ${row.fn} | ${row.ir} | ${(row.ir / Number(frames)).toFixed(1)} |`);
  console.log(`| program total | ${total} | ${(total / Number(frames)).toFixed(1)} |`);
}

main();
