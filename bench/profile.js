#!/usr/bin/env node
// profile.js: where one call's time goes, function by function, for the per-call cases of the
// bench (bench/native/amp_bench.cpp): amp_run_node_v2 with frames = 1 (sine_osc, with and
// without metrics; gain) and a graph execute at block 1 (sine -> gain -> safety); and the
// throughput case of 32 sines + mix at block 512.
//
//   node bench/profile.js [--markdown]   (Linux perf required: apt-get install linux-perf)
//
// Each case runs under `perf record -e cpu-clock --call-graph dwarf`; only samples whose call
// chain contains the ABI entry point count. "self" attributes a sample to its innermost
// user-space function (a system call counts in the function that made it); "inclusive" counts
// every function on the chain below the entry point. Shares are of the entry point's samples.
"use strict";
const { execFileSync } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { ensureBuilt } = require("./native-programs.js");
const { printTable } = require("./stats.js");

const PROGRAM = join(__dirname, "..", "build", "bench", "native", "amp_bench");
const CASES = [
  { label: "amp_run_node_v2 sine_osc, frames 1, metrics", args: ["node", "sines:1", "1", "192000"], entry: "amp_run_node_v2" },
  {
    label: "amp_run_node_v2 sine_osc, frames 1, metrics NULL",
    args: ["node-nometrics", "sines:1", "1", "192000"],
    entry: "amp_run_node_v2",
  },
  { label: "amp_run_node_v2 gain, frames 1, metrics NULL", args: ["node-nometrics", "gain", "1", "192000"], entry: "amp_run_node_v2" },
  {
    label: "graph execute, block 1, sine -> gain -> safety",
    args: ["execute", "chain", "1", "960000"],
    entry: "amp_graph_runtime_execute",
  },
  {
    label: "graph execute, block 512, 32 sines + mix",
    args: ["execute", "sines:32", "512", "2400000"],
    entry: "amp_graph_runtime_execute",
  },
];
const ROWS = 14;

function frameName(line) {
  const match = /^\s*[0-9a-f]+\s+(.*?)(\+0x[0-9a-f]+)?\s+\((.*)\)$/.exec(line);
  if (!match) return undefined;
  return { name: match[1], kernel: match[3].includes("kernel") };
}

/** Parses `perf script` output into call chains (innermost first). */
function chains(text) {
  return text
    .split("\n\n")
    .map((sample) => sample.split("\n").slice(1).map(frameName).filter(Boolean))
    .filter((chain) => chain.length > 0);
}

function profile(entry, samples) {
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const chain of samples) {
    const top = chain.findIndex((frame) => frame.name === entry);
    if (top < 0) continue;
    total += 1;
    const below = chain.slice(0, top).filter((frame) => !frame.kernel);
    const owner = below.length > 0 ? below[0].name : `${entry} (itself)`;
    self.set(owner, (self.get(owner) ?? 0) + 1);
    for (const name of new Set(below.map((frame) => frame.name))) inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
  }
  return { total, self, inclusive };
}

function short(full) {
  const name = full.replaceAll("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string");
  return name.length > 70 ? `${name.slice(0, 67)}...` : name;
}

function main() {
  try {
    execFileSync("perf", ["--version"], { stdio: "pipe" });
  } catch {
    console.log("perf is not installed (Debian: apt-get install linux-perf); no profile.");
    return;
  }
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "amp-kpn-profile-"));
  try {
    for (const c of CASES) {
      const data = join(dir, "perf.data");
      execFileSync(
        "perf",
        ["record", "-q", "-e", "cpu-clock", "-F", "4000", "--call-graph", "dwarf,16384", "-o", data, PROGRAM, ...c.args],
        {
          stdio: "pipe",
        },
      );
      const text = execFileSync("perf", ["script", "-i", data, "-F", "ip,sym,dso"], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
        stdio: ["ignore", "pipe", "ignore"],
      });
      const { total, self, inclusive } = profile(c.entry, chains(text));
      console.log(`\n${c.label}: ${total} samples inside ${c.entry}`);
      const names = [...new Set([...self.keys(), ...inclusive.keys()])]
        .map((name) => ({ name, self: self.get(name) ?? 0, inclusive: inclusive.get(name) ?? 0 }))
        .sort((a, b) => b.self - a.self || b.inclusive - a.inclusive)
        .slice(0, ROWS);
      printTable(
        names.map((row) => ({
          function: short(row.name),
          "self %": ((100 * row.self) / total).toFixed(1),
          "inclusive %": ((100 * row.inclusive) / total).toFixed(1),
        })),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
