// callgrind-progress.js: what progress events and live meters cost on the 32-sine graph of
// bench/long-work.js, counted in instructions (callgrind), which the machine's load does not
// change. Two node processes run under valgrind, each rendering the graph once through the
// library (`render(graph, { frames })`, then the same with `onProgress`), with the addon this
// checkout built (build/Release/amp_kpn.node); the script prints the inclusive instruction count
// of the native render (amp_graph_runtime_execute, on the worker thread) of both, their
// difference per frame and as a share of the plain render, the meters' and the progress
// bridge's own counts, and the events delivered.
//
// Under valgrind a render runs ~50x slower than natively, so the 100 ms coalescing lets through
// more events per frame than a native render does: the count overstates the per-event cost.
// The JavaScript side (the events' objects, the job's set-up and summary) is not counted: it
// is a fixed cost per render and per event, not per frame.
//
// Usage: node bench/callgrind-progress.js [seconds of audio, default 5]   (needs valgrind)
//    or: node bench/run.js progress_instructions   (5 s)
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

// The graph of bench/long-work.js, section 1.
function sines(lib) {
  let g = lib.graph();
  for (let i = 0; i < 32; i += 1) g = g.add(`s${i}`, lib.sineOsc({ frequency: 100 + 37 * i, amplitude: 0.02 }));
  g = g.add("m", lib.mix());
  for (let i = 0; i < 32; i += 1) g = g.connect(`s${i}`, "m");
  return g
    .output("m")
    .add("out", lib.gain({ gain: 1 }))
    .connect("m", "out")
    .output("out");
}

// Child: one render, plain or with onProgress; prints the events and the output's checksum.
async function child(mode, frames) {
  const lib = require("../dist/index.js");
  let events = 0;
  const options = mode === "plain" ? { frames } : { frames, onProgress: () => (events += 1) };
  const result = await lib.render(sines(lib), options);
  let sum = 0;
  for (const x of result.samples) sum += x;
  console.log(JSON.stringify({ events, sum }));
}

// The inclusive Ir of each symbol whose name contains one of `names` (summed over matches).
function inclusive(annotated, names) {
  const counts = Object.fromEntries(names.map((n) => [n, 0]));
  for (const line of annotated.split("\n")) {
    const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(?:\*\s+)?(.*)$/.exec(line);
    if (m === null) continue;
    const ir = Number(m[1].replace(/,/g, ""));
    for (const n of names) if (m[2].includes(n)) counts[n] = Math.max(counts[n], ir);
  }
  return counts;
}

function main(seconds) {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "pipe" });
  } catch {
    console.log("valgrind is not installed (Debian: apt-get install valgrind): not counted");
    return true;
  }
  const frames = Math.round(seconds * 48000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amp-cg-progress-"));
  const symbols = ["amp_graph_runtime_execute", "accumulate_meters", "ProgressBridge::OnReport", "graph_heat_total"];
  const runs = {};
  try {
    for (const mode of ["plain", "metered"]) {
      const out = path.join(dir, `${mode}.out`);
      const printed = execFileSync(
        "valgrind",
        ["--tool=callgrind", `--callgrind-out-file=${out}`, process.execPath, __filename, "--child", mode, String(frames)],
        { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 20 },
      );
      const annotated = execFileSync("callgrind_annotate", ["--inclusive=yes", "--auto=no", "--threshold=100", out], {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 256 << 20,
      });
      runs[mode] = {
        ...inclusive(annotated, symbols),
        ...JSON.parse(printed.trim().split("\n").pop()),
      };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const { plain, metered } = runs;
  const ex = "amp_graph_runtime_execute";
  const perFrame = (v) => (v / frames).toFixed(2);
  console.log(`32-sine graph, ${frames} frames (${seconds} s at 48 kHz), block 512, instructions (callgrind):`);
  console.log(`  native render, plain:         ${plain[ex]} Ir (${perFrame(plain[ex])} per frame)`);
  console.log(`  native render, onProgress:    ${metered[ex]} Ir (${perFrame(metered[ex])} per frame)`);
  const diff = metered[ex] - plain[ex];
  console.log(
    `  difference:                   ${diff} Ir (${perFrame(diff)} per frame, ${((100 * diff) / plain[ex]).toFixed(2)} % of the plain render)`,
  );
  console.log(
    `    of which accumulate_meters ${metered.accumulate_meters} Ir, ProgressBridge::OnReport ${metered["ProgressBridge::OnReport"]} Ir, graph_heat_total ${metered.graph_heat_total} Ir; ${metered.events} events`,
  );
  console.log(`  outputs: ${plain.sum === metered.sum ? "same sum" : `DIFFER (${plain.sum} vs ${metered.sum})`}`);
  return plain.sum === metered.sum;
}

if (require.main === module && process.argv[2] === "--child") {
  child(process.argv[3], Number(process.argv[4])).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else if (require.main === module) {
  main(Number(process.argv[2] ?? "5"));
}

// The bench/run.js section: false when the two renders' outputs differ.
module.exports = {
  run: async () => {
    console.log("\n## Progress and meters, instruction counts");
    return main(5);
  },
};
