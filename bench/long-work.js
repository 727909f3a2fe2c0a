// long-work.js (`node bench/run.js long`): what long work costs beyond the render itself, each
// peer measured in the same rounds (order rotated), medians with [min, max]:
//   1. progress events and live meters on the 32-sine graph (60 s of audio, block 512):
//      render() with onProgress against render() without, 6 interleaved pairs per round, in
//      wall time and in the process's CPU time, per round and pooled over every round
//      (instruction counts of the same: node bench/callgrind-progress.js);
//   2. 10 minutes of stereo 32-bit float WAV: render streamed to a WavWriter against the same
//      stream with no writer (the difference is the WAV cost), and readWav of the file;
//   3. per-call cost of 128 frames of a one-node graph (a constant: the call overhead): renderInto
//      (synchronous, reused buffer) against Runtime.render (worker thread, new arrays, summaries);
//   4. progress of long analysis calls and backward passes: spectrogramAsync with onProgress
//      against the synchronous spectrogram (2 min of stereo), and backward() with onProgress
//      against backward() without (6 modulated biquads, 5 s recorded).
// Outputs are checked: the progress render equals the plain one bit for bit, the WAV reads back
// with the frames written.
"use strict";
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");
const {
  biquad,
  graph,
  gain,
  mix,
  sineOsc,
  constant,
  render,
  Runtime,
  WavWriter,
  readWav,
  spectrogram,
  spectrogramAsync,
} = require("../dist/index.js");

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const m = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

function summary(values, scale, unit) {
  const text = (v) => (v * scale).toFixed(scale === 1 ? 3 : 1);
  return `${text(median(values))} ${unit} [${text(Math.min(...values))}, ${text(Math.max(...values))}]`;
}

function sines() {
  let g = graph();
  for (let i = 0; i < 32; i += 1) g = g.add(`s${i}`, sineOsc({ frequency: 100 + 37 * i, amplitude: 0.02 }));
  g = g.add("m", mix());
  for (let i = 0; i < 32; i += 1) g = g.connect(`s${i}`, "m");
  return g
    .output("m")
    .add("out", gain({ gain: 1 }))
    .connect("m", "out")
    .output("out");
}

// Wall seconds of `run`, and the CPU seconds the process spent meanwhile (every thread: the
// render's worker and the JS thread; less disturbed by other processes than the wall time).
async function seconds(run) {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const value = await run();
  const cpu = process.cpuUsage(cpuStart);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, value };
}

// Linux: CPU nanoseconds run by each thread of this process so far (/proc/self/task/*/schedstat),
// or undefined elsewhere. A render call runs on one worker thread, so the thread that ran most
// during a render is its render thread; the JS thread is the one whose id is the process id.
function threadClocks() {
  if (!existsSync("/proc/self/task")) return undefined;
  const clocks = new Map();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      clocks.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return clocks;
}

// CPU ms of the render thread, the JS thread and every other thread between two threadClocks().
function threadSplit(before, after) {
  if (before === undefined || after === undefined) return undefined;
  const deltas = [...after].map(([tid, ns]) => [tid, ns - (before.get(tid) ?? 0)]);
  const js = deltas.find(([tid]) => tid === String(process.pid))?.[1] ?? 0;
  const rest = deltas
    .filter(([tid]) => tid !== String(process.pid))
    .map(([, ns]) => ns)
    .sort((a, b) => b - a);
  return { render: (rest[0] ?? 0) / 1e6, js: js / 1e6, other: rest.slice(1).reduce((a, b) => a + b, 0) / 1e6 };
}

// A full garbage collection, so that collecting the previous renders' output arrays (tens of
// MB each, in both peers) does not land inside one peer's timed render: such collections run in
// bursts every few renders on the JS thread and V8's helper threads, and dwarf the 2 % to resolve.
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc");

function sameBits(a, b) {
  return (
    a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

async function run({ rounds }) {
  let ok = true;
  console.log("\n## Long work: progress and meters, streaming WAV, renderInto");

  // 1. Progress and meters. One render is ~0.2 s, and the machine's noise on one render is
  // several percent: each round renders PAIRS pairs, alternating which peer goes first (ABBA...),
  // and compares the two peers' total time in the round; the median over rounds is the figure,
  // and the pooled figure compares the totals over every round (the tightest estimate, since
  // the 2 % to resolve is below one render's noise). Both in wall time and in the process's CPU
  // time (the render's worker, the JS thread and V8's helper threads), and on Linux split by
  // thread: the render thread's own CPU time (the native meters, heat total and progress
  // bridge) and the JS thread's (the events' delivery and objects) per render. A full GC runs
  // before every timed render (outside the timing; see collect()).
  const g = sines();
  const frames = 48000 * 60;
  const PAIRS = 6;
  const plain = [];
  const metered = [];
  const overheads = [];
  const cpuOverheads = [];
  const pooled = { plain: 0, metered: 0, cpuPlain: 0, cpuMetered: 0 };
  const threads = { plain: { render: 0, js: 0, other: 0 }, metered: { render: 0, js: 0, other: 0 } };
  const renderThread = [];
  let events = 0;
  for (let round = 0; round < rounds; round += 1) {
    const totals = { plain: 0, metered: 0 };
    const cpu = { plain: 0, metered: 0 };
    const renderCpu = { plain: 0, metered: 0 };
    const outputs = {};
    for (let pair = 0; pair < PAIRS; pair += 1) {
      const order = (round + pair) % 2 === 0 ? ["plain", "metered"] : ["metered", "plain"];
      for (const which of order) {
        const options = which === "plain" ? { frames } : { frames, onProgress: () => (events += 1) };
        outputs[which] = undefined;
        collect();
        const clocks = threadClocks();
        const t = await seconds(() => render(g, options));
        const split = threadSplit(clocks, threadClocks());
        if (split !== undefined) {
          for (const key of Object.keys(split)) threads[which][key] += split[key];
          renderCpu[which] += split.render;
        }
        (which === "plain" ? plain : metered).push(t.seconds);
        totals[which] += t.seconds;
        cpu[which] += t.cpu;
        outputs[which] = t.value.samples;
      }
    }
    if (!sameBits(outputs.plain, outputs.metered)) ok = false;
    // Per round (both peers measured in the same seconds), so the machine's load drifts cancel out.
    overheads.push((100 * (totals.metered - totals.plain)) / totals.plain);
    cpuOverheads.push((100 * (cpu.metered - cpu.plain)) / cpu.plain);
    if (renderCpu.plain > 0) renderThread.push((100 * (renderCpu.metered - renderCpu.plain)) / renderCpu.plain);
    pooled.plain += totals.plain;
    pooled.metered += totals.metered;
    pooled.cpuPlain += cpu.plain;
    pooled.cpuMetered += cpu.metered;
  }
  const percent = (a, b) => `${((100 * (a - b)) / b).toFixed(2)} %`;
  console.log(
    `32-sine graph, 60 s of audio: render ${summary(plain, 1000, "ms")}; with onProgress (meters, events) ${summary(metered, 1000, "ms")}`,
  );
  console.log(
    `  progress and meters, wall time: ${summary(overheads, 1, "%")} per round of ${PAIRS} interleaved pairs, ${percent(pooled.metered, pooled.plain)} pooled over ${rounds} rounds (${events} events in all)`,
  );
  console.log(
    `  progress and meters, the process's CPU time: ${summary(cpuOverheads, 1, "%")} per round, ${percent(pooled.cpuMetered, pooled.cpuPlain)} pooled`,
  );
  if (renderThread.length > 0) {
    const perRender = (which, key) => (threads[which][key] / (rounds * PAIRS)).toFixed(2);
    console.log(
      `  by thread (CPU ms per render, plain / with onProgress): render thread ${perRender("plain", "render")} / ${perRender("metered", "render")} (${summary(renderThread, 1, "%")} per round, ${percent(threads.metered.render, threads.plain.render)} pooled); JS thread ${perRender("plain", "js")} / ${perRender("metered", "js")}; other threads ${perRender("plain", "other")} / ${perRender("metered", "other")}`,
    );
  }

  // 2. Streaming WAV, 10 minutes of stereo.
  const dir = mkdtempSync(join(tmpdir(), "amp-bench-long-"));
  const stereo = graph()
    .add("o", sineOsc({ frequency: 440, channels: 2 }))
    .output("o");
  const total = 600 * 48000;
  const streamOnly = [];
  const streamWav = [];
  const reads = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? ["stream", "wav"] : ["wav", "stream"];
      for (const which of order) {
        const path = join(dir, "ten.wav");
        const t = await seconds(async () => {
          const runtime = Runtime.create(stereo);
          const writer = which === "wav" ? await WavWriter.open(path, { channels: 2, sampleRate: 48000 }) : undefined;
          for await (const block of runtime.stream({ frames: total, blockFrames: 65536 })) if (writer) await writer.write(block.samples);
          runtime.dispose();
          return writer ? writer.close() : undefined;
        });
        (which === "wav" ? streamWav : streamOnly).push(t.seconds);
        if (which === "wav") {
          if (t.value.frames !== total) ok = false;
          const r = await seconds(() => readWav(path));
          reads.push(r.seconds);
          if (r.value.frames !== total || r.value.channels !== 2) ok = false;
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`10 min stereo: streamed render ${summary(streamOnly, 1, "s")}; streamed to a 32f WAV ${summary(streamWav, 1, "s")}`);
  const wavCosts = streamWav.map((t, i) => t - streamOnly[i]);
  console.log(`  writing the WAV: ${summary(wavCosts, 1, "s")} beyond the render (per round); readWav of it ${summary(reads, 1, "s")}`);

  // 3. Per call, 128 frames.
  const runtime = Runtime.create(
    graph()
      .add("c", constant({ value: 0.5 }))
      .output("c"),
  );
  const buffer = new Float64Array(128);
  const calls = 2000;
  const into = [];
  const renders = [];
  for (let round = 0; round < rounds; round += 1) {
    const a = await seconds(async () => {
      for (let i = 0; i < calls; i += 1) runtime.renderInto(buffer, 128);
    });
    const b = await seconds(async () => {
      for (let i = 0; i < calls; i += 1) await runtime.render(128);
    });
    into.push(a.seconds / calls);
    renders.push(b.seconds / calls);
  }
  runtime.dispose();
  console.log(
    `128 frames of a one-node graph per call (the call overhead): renderInto ${summary(into, 1e6, "µs")}; Runtime.render ${summary(renders, 1e6, "µs")}`,
  );

  // 4. Progress of analysis calls and backward passes.
  const frames2 = 120 * 48000;
  const tone = new Float64Array(2 * frames2);
  for (let i = 0; i < tone.length; i += 1) tone[i] = 0.5 * Math.sin(0.0577 * i) + 0.25 * Math.sin(0.31 * i);
  const signal = { samples: tone, shape: { batches: 1, channels: 2, frames: frames2 }, sampleRate: 48000 };
  let filters = graph()
    .add("lfo", sineOsc({ frequency: 3, amplitude: 300 }))
    .add("o", sineOsc({ frequency: 440 }));
  for (let i = 0; i < 6; i += 1)
    filters = filters
      .add(`f${i}`, biquad({ frequency: 1200 + 100 * i, q: 2 }))
      .chain(i === 0 ? "o" : `f${i - 1}`, `f${i}`)
      .modulate("lfo", `f${i}.frequency`, { mode: "add" });
  const recorded = await render(filters.output("f5"), { seconds: 5, record: true });
  const dLdy = new Float64Array(recorded.samples.length).fill(1e-3);
  const wrt = ["f0.frequency", "lfo.amplitude"];
  const timings = { sync: [], async: [], backward: [], watched: [] };
  let workEvents = 0;
  for (let round = 0; round < rounds; round += 1) {
    const peers = {
      sync: async () => spectrogram(signal),
      async: () => spectrogramAsync(signal, { onProgress: () => (workEvents += 1) }),
      backward: () => recorded.backward(dLdy, { wrt }),
      watched: () => recorded.backward(dLdy, { wrt, onProgress: () => (workEvents += 1) }),
    };
    const names = Object.keys(peers);
    const outputs = {};
    for (let k = 0; k < names.length; k += 1) {
      const name = names[(k + round) % names.length];
      const t = await seconds(peers[name]);
      timings[name].push(t.seconds);
      outputs[name] = t.value;
    }
    if (!sameBits(outputs.sync.db, outputs.async.db)) ok = false;
    for (const key of wrt) if (!sameBits(outputs.backward[key].data, outputs.watched[key].data)) ok = false;
  }
  recorded.release();
  const ratio = (a, b) => timings[a].map((v, i) => v / timings[b][i]);
  console.log(
    `spectrogram of 2 min stereo: synchronous ${summary(timings.sync, 1000, "ms")}; spectrogramAsync with onProgress ${summary(timings.async, 1000, "ms")}; ratio ${summary(ratio("async", "sync"), 1, "x")}`,
  );
  console.log(
    `backward over 5 s (6 biquads): ${summary(timings.backward, 1000, "ms")}; with onProgress ${summary(timings.watched, 1000, "ms")}; ratio ${summary(ratio("watched", "backward"), 1, "x")} (${workEvents} events in all)`,
  );
  console.log(
    `  outputs checked: ${ok ? "progress render equals plain render bit for bit; WAVs read back whole; async analysis and watched backward equal their peers bit for bit" : "MISMATCH"}`,
  );
  return ok;
}

module.exports = { run };
