// call-instructions.js (section "call_instructions"): the per-call cost at one frame counted in
// instructions, which the machine's load does not change (the "calls" section's times do).
// Valgrind's callgrind counts the instructions executed inside our C ABI calls (amp_run_node_v2
// plus the amp_free of its output, or amp_graph_runtime_execute) and inside Faust's compute(1),
// both driven by the same harness as the "calls" section (bench/native/block_timing.h: a checked
// warm-up pass and a timed pass, one call per frame), and divides by the number of calls.
//
// Valgrind does not run AVX-512 code, so both sides are compiled here for x86-64-v3 (AVX2) with
// debug information, in a temporary build folder: our runtime through CMake
// (-DAMP_NATIVE_ARCH=OFF), the Faust programs with the "calls" section's flags otherwise. Needs
// `valgrind` (Debian package valgrind) and, for the peer rows, `faust`.
//
//   node bench/run.js call_instructions [--markdown]   (AMP_BENCH_CALLGRIND_DIR: build folder)
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const { mkdirSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const faust = require("./faust-peer.js");
const { CALL_PEERS } = require("./call-peers.js");
const { printTable, fixed } = require("./stats.js");

const ROOT = join(__dirname, "..");
// The build folder (kept between runs, so a second run only rebuilds what changed).
const BUILD_DIR = process.env.AMP_BENCH_CALLGRIND_DIR ?? join(tmpdir(), "amp-kpn-bench-callgrind");
const ARCH_FLAGS = "-march=x86-64-v3 -g";
// Calls per pass; the harness makes two passes (warm-up and timed), both counted.
const FRAMES = 96000; // 2 s at 48 kHz, as the "calls" section: the output check needs 2 s

const OURS = [
  { name: "amp_run_node_v2 sine_osc, metrics NULL", mode: "node-nometrics", signal: "sines:1", peer: "sine exact" },
  { name: "amp_run_node_v2 gain, metrics NULL", mode: "node-nometrics", signal: "gain", peer: "*(0.5)" },
  { name: "amp_run_node_v2 sine_osc, with metrics", mode: "node", signal: "sines:1", peer: "sine exact" },
  { name: "graph execute sine->gain->safety", mode: "execute", signal: "chain", peer: "chain exact" },
];
const PEERS = CALL_PEERS;

function unavailable() {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "pipe" });
  } catch {
    return "valgrind is not installed (Debian: apt-get install valgrind)";
  }
  return undefined;
}

function buildOurs() {
  execFileSync(
    "cmake",
    ["-S", ROOT, "-B", BUILD_DIR, "-DCMAKE_BUILD_TYPE=Release", "-DAMP_NATIVE_ARCH=OFF", `-DCMAKE_CXX_FLAGS=${ARCH_FLAGS}`],
    { stdio: "pipe" },
  );
  execFileSync("cmake", ["--build", BUILD_DIR, "--target", "amp_bench"], { stdio: "pipe" });
  return join(BUILD_DIR, "bench", "native", "amp_bench");
}

function buildPeer(signal, flavour) {
  const dir = join(BUILD_DIR, "faust", `${signal.replace(":", "")}-${flavour}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "program.dsp"), faust.source(signal, flavour));
  execFileSync("faust", ["-double", "-lang", "cpp", "-cn", "FaustDsp", "-i", "program.dsp", "-o", "faust_dsp.h"], {
    cwd: dir,
    stdio: "pipe",
  });
  const flags = faust.CXX_FLAGS.filter((flag) => !flag.startsWith("-march")).concat(ARCH_FLAGS.split(" "));
  const driver = join(dir, "driver");
  execFileSync("g++", [...flags, "-I", dir, "-I", join(__dirname, "native"), join(__dirname, "native", "faust_driver.cpp"), "-o", driver], {
    stdio: "pipe",
  });
  return driver;
}

/** Instructions inside the toggled functions, per call; the run's output check must pass. */
function count(program, args, functions) {
  const toggles = functions.map((name) => `--toggle-collect=${name}`);
  const result = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", ...toggles, program, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 22,
  });
  const collected = /Collected : (\d+)/.exec(result.stderr ?? "");
  const text = (result.stdout ?? "").trim();
  if (result.status !== 0 || collected === null || !text.startsWith("{")) {
    throw new Error(`${program} ${args.join(" ")} failed under valgrind (status ${result.status}): ${result.stderr}`);
  }
  const run = JSON.parse(text);
  if (!run.ok || !run.repeatIdentical) throw new Error(`${program} ${args.join(" ")}: output check failed`);
  return Number(collected[1]) / (2 * run.calls);
}

module.exports = async function callInstructions() {
  console.log(`\n## Per-call cost at one frame, in instructions (callgrind; ${2 * FRAMES} calls per system, warm-up and timed pass)`);
  const missing = unavailable();
  if (missing !== undefined) {
    console.log(`absent: ${missing}`);
    return true;
  }
  const amp = buildOurs();
  const peerMissing = faust.unavailable();
  const peers = new Map();
  if (peerMissing === undefined) {
    for (const p of PEERS) {
      peers.set(p.name, count(buildPeer(p.signal, p.flavour), [p.signal, "1", String(FRAMES), "1"], ["FaustDsp::compute*"]));
    }
  }
  const rows = [];
  for (const o of OURS) {
    const functions = o.mode === "execute" ? ["amp_graph_runtime_execute"] : ["amp_run_node_v2", "amp_free"];
    const ours = count(amp, [o.mode, o.signal, "1", String(FRAMES)], functions);
    const names = [o.peer, ...(o.peer.endsWith("exact") ? [o.peer.replace("exact", "os.osc")] : [])];
    for (const name of names) {
      const theirs = peers.get(name);
      rows.push({
        ours: o.name,
        "ours instructions/call": fixed(ours, 0),
        peer: `Faust ${name} compute(1)`,
        "peer instructions/call": theirs === undefined ? "absent" : fixed(theirs, 0),
        "ratio ours/peer": theirs === undefined ? "n/a" : fixed(ours / theirs, 1),
      });
    }
  }
  printTable(rows);
  if (peerMissing !== undefined) console.log(`Faust peer absent: ${peerMissing}; its rows say so.`);
  console.log(`Built for x86-64-v3 in ${BUILD_DIR}; outputs checked as in the "calls" section.`);
  return true;
};
