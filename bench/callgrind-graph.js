// callgrind-graph.js: instruction counts (callgrind, so not disturbed by machine load) of a
// bench graph rendered natively by graph_file_run, per node type's process() (inclusive Ir) and
// in total: the 17-node instrument of bench/instrument.js (with its control curves), or the
// saw -> lowpass -> gain graph of bench/saw-lowpass.js (polyblep or naive driver).
//
// Usage: node bench/callgrind-graph.js <build-dir> [block] [seconds] [instrument|sawlp|sawlp-naive]
//   <build-dir>: a CMake build of this repository, e.g. made with
//     cmake -S . -B /tmp/build-cg -G Ninja -DCMAKE_BUILD_TYPE=Release -DAMP_NATIVE_ARCH=OFF \
//       -DCMAKE_CXX_FLAGS="-march=x86-64-v3 -g"
//   (the script builds its graph_file_run target). Needs valgrind (apt-get install valgrind).
// Prints a Markdown table and the output's sum and peak (to compare builds bit for bit).
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

function main() {
  const [buildDir, block = "512", seconds = "2", name = "instrument"] = process.argv.slice(2);
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
  // Run outside the repository: there callgrind_annotate 3.19 printed exclusive counts.
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
    const name = m[2];
    if (/PROGRAM TOTALS/.test(name)) total = ir;
    // A function's own line ends with its binary; lines without it are inlined code by file.
    const node = /amp::\(anonymous namespace\)::(\w+)::process\(.*\[.*graph_file_run\]$/.exec(name);
    if (node !== null) rows.push({ fn: `${node[1]}::process`, ir });
  }
  if (total === 0) total = Number((/([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS/.exec(annotated)?.[1] ?? "0").replace(/,/g, ""));
  console.log(`${name}, block ${block}, ${seconds} s (${frames} frames); output ${printed.trim()}`);
  console.log("| function | Ir (inclusive) | Ir per frame |");
  console.log("| --- | --- | --- |");
  for (const row of rows.sort((a, b) => b.ir - a.ir)) console.log(`| ${row.fn} | ${row.ir} | ${(row.ir / Number(frames)).toFixed(1)} |`);
  console.log(`| program total | ${total} | ${(total / Number(frames)).toFixed(1)} |`);
}

main();
