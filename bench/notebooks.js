#!/usr/bin/env node
// notebooks.js (`node bench/notebooks.js`, not part of `npm run bench`): wall time of the tour
// notebook run headless (`amp-kpn run`), of its `--check` re-run, and of Jupyter's
// `nbconvert --execute` of the same notebook through the installed kernelspec (the peer, measured
// in the same run when `jupyter` is on PATH). REPEATS runs each, alternating; medians, ranges and
// the ratio to nbconvert are printed with the load average.
"use strict";
const { execFileSync } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { loadavg, tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const TOUR = join(ROOT, "notebooks", "tour.ipynb");
const REPEATS = Number(process.env.AMP_BENCH_REPEATS ?? 3);

function seconds(run) {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

const dir = mkdtempSync(join(tmpdir(), "amp-bench-nb-"));
let jupyter = true;
try {
  execFileSync("jupyter", ["nbconvert", "--version"], { stdio: "pipe" });
  execFileSync(process.execPath, [CLI, "kernel", "install", "--prefix", join(dir, "prefix")], { stdio: "pipe" });
} catch {
  jupyter = false;
}
const wav = `wavFile=${join(dir, "tour.wav")}`;
const times = { run: [], check: [], nbconvert: [] };
try {
  for (let i = 0; i < REPEATS; i += 1) {
    times.run.push(seconds(() => execFileSync(process.execPath, [CLI, "run", TOUR, "--out", dir, "--param", wav], { stdio: "pipe" })));
    times.check.push(seconds(() => execFileSync(process.execPath, [CLI, "run", join(dir, "tour.ipynb"), "--check"], { stdio: "pipe" })));
    if (jupyter)
      times.nbconvert.push(
        seconds(() =>
          execFileSync("jupyter", ["nbconvert", "--execute", "--to", "notebook", "--output-dir", join(dir, "nbconvert"), TOUR], {
            stdio: "pipe",
            cwd: dir,
            env: { ...process.env, JUPYTER_PATH: join(dir, "prefix", "share", "jupyter") },
          }),
        ),
      );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const peer = jupyter ? stats(times.nbconvert).median : undefined;
console.log(
  `tour notebook, ${REPEATS} runs each, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}, Node ${process.version}`,
);
console.log("| what | median s | range s | / nbconvert |");
console.log("| --- | --- | --- | --- |");
for (const [name, label] of [
  ["run", "amp-kpn run (headless)"],
  ["check", "amp-kpn run --check"],
  ["nbconvert", "jupyter nbconvert --execute"],
]) {
  if (times[name].length === 0) {
    console.log(`| ${label} | not measured (jupyter not installed) | | |`);
    continue;
  }
  const s = stats(times[name]);
  const ratio = peer === undefined ? "n/a" : (s.median / peer).toFixed(2);
  console.log(`| ${label} | ${s.median.toFixed(1)} | ${s.min.toFixed(1)}-${s.max.toFixed(1)} | ${ratio} |`);
}
