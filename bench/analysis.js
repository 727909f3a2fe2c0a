#!/usr/bin/env node
// analysis.js (`node bench/analysis.js`, also part of `npm run bench`): the analysis functions
// figures draw from, on the workloads, against the same computation written in plain
// JavaScript with fft.js (the peer, measured in this run; it is bench code, not library code):
//   envelope   60 s stereo at 48 kHz to 2000 columns (min, max, RMS per column)
//   welch      60 s mono, 4096-point hann frames, 50 % overlap (power spectrum)
//   spectrogram 10 s mono, 2048-point hann frames, 75 % overlap, all frames as columns
// Each case runs once to warm up, then REPEATS times alternating with the peer: wall-clock median
// and range (min - max) in ms, the median process CPU time, and the peer's medians over ours
// ("x faster" > 1 means we are faster). The machine's load average is printed with the table.
"use strict";
const FFT = require("fft.js");
const { envelope, spectrum, spectrogram } = require("../dist/index.js");

const RATE = 48000;
const REPEATS = Number(process.env.AMP_BENCH_REPEATS ?? 15);

function noise(frames, seed) {
  let state = seed >>> 0;
  const x = new Float64Array(frames);
  for (let i = 0; i < frames; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    x[i] = state / 2 ** 31 - 1;
  }
  return x;
}

// Times ours and the peer alternately (so both see the same machine load): wall-clock and
// process CPU time (user + system; robust when other processes compete for the cores), in ms.
function measurePair(ours, peer) {
  ours();
  peer();
  const samples = { ours: { wall: [], cpu: [] }, peer: { wall: [], cpu: [] } };
  for (let i = 0; i < REPEATS; i += 1) {
    for (const [name, fn] of [
      ["ours", ours],
      ["peer", peer],
    ]) {
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      fn();
      samples[name].wall.push(Number(process.hrtime.bigint() - started) / 1e6);
      const used = process.cpuUsage(cpu);
      samples[name].cpu.push((used.user + used.system) / 1e3);
    }
  }
  const stats = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
  };
  return {
    ours: { wall: stats(samples.ours.wall), cpu: stats(samples.ours.cpu) },
    peer: { wall: stats(samples.peer.wall), cpu: stats(samples.peer.cpu) },
  };
}

// The peer computations (plain JavaScript, same outputs as ours up to rounding).
function jsEnvelope(samples, lanes, frames, columns) {
  const out = new Float64Array(3 * lanes * columns);
  for (let lane = 0; lane < lanes; lane += 1) {
    for (let c = 0; c < columns; c += 1) {
      const first = lane * frames + Math.floor((frames * c) / columns);
      const last = lane * frames + Math.floor((frames * (c + 1)) / columns);
      let min = Infinity;
      let max = -Infinity;
      let sq = 0;
      for (let f = first; f < last; f += 1) {
        const v = samples[f];
        if (v < min) min = v;
        if (v > max) max = v;
        sq += v * v;
      }
      out[3 * (lane * columns + c)] = min;
      out[3 * (lane * columns + c) + 1] = max;
      out[3 * (lane * columns + c) + 2] = Math.sqrt(sq / (last - first));
    }
  }
  return out;
}

function hann(size) {
  return Float64Array.from({ length: size }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / size));
}

function jsFramePowers(x, size, hop, onFrame) {
  const fft = new FFT(size);
  const w = hann(size);
  const frame = new Float64Array(size);
  const spectrumOut = fft.createComplexArray();
  const power = new Float64Array(size / 2 + 1);
  const frames = 1 + Math.floor((x.length - size) / hop);
  for (let m = 0; m < frames; m += 1) {
    for (let j = 0; j < size; j += 1) frame[j] = x[m * hop + j] * w[j];
    fft.realTransform(spectrumOut, frame);
    for (let k = 0; k <= size / 2; k += 1) power[k] = spectrumOut[2 * k] ** 2 + spectrumOut[2 * k + 1] ** 2;
    onFrame(power, m);
  }
  return frames;
}

function jsWelch(x, size, hop) {
  const acc = new Float64Array(size / 2 + 1);
  const frames = jsFramePowers(x, size, hop, (power) => {
    for (let k = 0; k < acc.length; k += 1) acc[k] += power[k];
  });
  for (let k = 0; k < acc.length; k += 1) acc[k] = 10 * Math.log10(acc[k] / frames);
  return acc;
}

function jsSpectrogram(x, size, hop) {
  const bins = size / 2 + 1;
  const frames = 1 + Math.floor((x.length - size) / hop);
  const db = new Float64Array(frames * bins);
  jsFramePowers(x, size, hop, (power, m) => {
    for (let k = 0; k < bins; k += 1) db[m * bins + k] = 10 * Math.log10(power[k] + 1e-30);
  });
  return db;
}

function format(number, digits = 2) {
  return number.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function runAnalysisBench() {
  console.log(`amp-kpn analysis benchmark: median of ${REPEATS} (range), ms; peer: plain JavaScript with fft.js 4.0.4`);
  const stereoFrames = 60 * RATE;
  const stereo = { samples: noise(2 * stereoFrames, 1), shape: { batches: 1, channels: 2, frames: stereoFrames }, sampleRate: RATE };
  const mono60 = { samples: noise(60 * RATE, 2), shape: { batches: 1, channels: 1, frames: 60 * RATE }, sampleRate: RATE };
  const mono10 = { samples: noise(10 * RATE, 3), shape: { batches: 1, channels: 1, frames: 10 * RATE }, sampleRate: RATE };
  const cases = [
    {
      name: "envelope 60 s stereo -> 2000 columns",
      target: 5,
      ours: () => envelope(stereo, 2000),
      peer: () => jsEnvelope(stereo.samples, 2, stereoFrames, 2000),
    },
    {
      name: "welch 60 s mono, 4096 / 50 %",
      target: 20,
      ours: () => spectrum(mono60, { size: 4096, overlap: 0.5 }),
      peer: () => jsWelch(mono60.samples, 4096, 2048),
    },
    {
      name: "spectrogram 10 s mono, 2048 / 75 %",
      target: undefined,
      ours: () => spectrogram(mono10, { size: 2048, overlap: 0.75, maxColumns: 1000000 }),
      peer: () => jsSpectrogram(mono10.samples, 2048, 512),
    },
  ];
  const rows = [];
  for (const c of cases) {
    const { ours, peer } = measurePair(c.ours, c.peer);
    rows.push({
      case: c.name,
      "ours ms": format(ours.wall.median),
      "ours range": `${format(ours.wall.min)} - ${format(ours.wall.max)}`,
      "ours CPU ms": format(ours.cpu.median),
      "JS+fft.js ms": format(peer.wall.median),
      "JS CPU ms": format(peer.cpu.median),
      "x faster": `${format(peer.wall.median / ours.wall.median, 1)}x`,
      "x (CPU)": `${format(peer.cpu.median / ours.cpu.median, 1)}x`,
      target:
        c.target === undefined ? "-" : `< ${c.target} ms: ${ours.wall.median < c.target ? "met" : "missed"} (min ${format(ours.wall.min)})`,
    });
  }
  console.table(rows);
  console.log(
    `load average (1, 5, 15 min): ${require("node:os")
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(", ")} on ${require("node:os").cpus().length} CPUs`,
  );
  return rows;
}

module.exports = { runAnalysisBench };

if (require.main === module) {
  runAnalysisBench().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
