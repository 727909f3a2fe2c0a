// Exercises every part of the addon through the library (dist/), successes and failures, for a
// leak check under valgrind memcheck (scripts/leak-check.sh): graph runtimes (create, configure,
// render with heat, taps, history and overrides, snapshot/restore, cancel, destroy during a
// render, failed creates), single-node states (run, snapshot, release, finalizer), the FFT and
// the analysis functions, and the error paths of each. Prints "exercised N rounds".
"use strict";
const Module = require("node:module");
// AMP_LEAK_ADDON: an addon built for valgrind (scripts/leak-check.sh), put in the module cache
// under the path the library loads, so the library uses it.
if (process.env.AMP_LEAK_ADDON) {
  const { addonPath } = require("../../dist/native/load-addon.js");
  const stand = new Module(addonPath());
  stand.filename = addonPath();
  stand.exports = require(process.env.AMP_LEAK_ADDON);
  stand.loaded = true;
  require.cache[addonPath()] = stand;
}
const amp = require("../../dist/index.js");
const { loadAddon } = require("../../dist/native/load-addon.js");

const rounds = Number(process.argv[2] ?? 2);

function expectFailure(run) {
  try {
    run();
  } catch (error) {
    if (!(error instanceof amp.AmpError)) throw error;
    return;
  }
  throw new Error("expected an AmpError");
}

async function expectRejection(promise) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof amp.AmpError)) throw error;
    return;
  }
  throw new Error("expected a rejection");
}

async function round() {
  const { graph, sineOsc, gain, mix, delay, controller, safety } = amp;
  const g = graph()
    .add("o", sineOsc({ frequency: 220, channels: 2 }))
    .add("c", controller({ curve: "level" }))
    .add("g", gain({ gain: 0.5 }))
    .add("d", delay({ frames: 3 }))
    .add("s", safety())
    .add("m", mix())
    .chain("o", "g")
    .chain("g", "d")
    .chain("d", "s")
    .chain("s", "m")
    .chain("c", "m")
    .output("m");
  const history = { level: [[0, 0.1], [0.01, 0.9]] };
  const result = await amp.render(g, { frames: 2000, batches: 2, recordHeat: true, history });
  amp.summarizeRender(result);
  amp.plot.waveform(result);
  amp.plot.spectrum(result);

  const runtime = amp.Runtime.create(g, { blockFrames: 128, batches: 2 });
  runtime.setParam("g", "gain", new Float64Array(2 * 128).fill(0.25), { batches: 2, channels: 1, frames: 128 });
  await runtime.render(500, { history, recordHeat: true });
  const snapshot = runtime.snapshot();
  await runtime.render(300, { history });
  runtime.restore(snapshot);
  expectFailure(() => runtime.restore(new Uint8Array(16)));
  expectFailure(() => runtime.setParam("g", "gain", new Float64Array(3), { batches: 1, channels: 1, frames: 3 }));
  await expectRejection(runtime.render(100)); // the curve is missing
  runtime.describe();
  runtime.readLog();
  const pending = runtime.render(200_000, { history });
  runtime.cancel();
  await expectRejection(pending);
  const abandoned = runtime.render(50_000, { history });
  runtime.dispose(); // destroyed while rendering: released when the render settles
  await abandoned.catch(() => undefined);

  expectFailure(() => amp.Graph.fromJSON({ nodes: [{ name: "x", type: "nope" }], output: "x" }));
  const addon = loadAddon();
  for (const bad of ["", "{", '{"nodes":[]}', '{"nodes":[{"name":"a","type":"gain"}],"output":"b"}']) expectFailure(() => addon.createRuntime(bad));

  const runner = amp.NodeRunner.create("sine", sineOsc({ frequency: 100 }));
  runner.forward([], { frames: 256 });
  const state = runner.snapshot();
  runner.forward([], { frames: 64 });
  runner.restore(state);
  runner.dispose();
  const x = { samples: new Float64Array(64).fill(0.5), shape: { batches: 1, channels: 1, frames: 64 } };
  amp.NodeRunner.create("g", gain({ gain: 2 })).forward([x]); // left to the finalizer
  const twice = amp.NodeRunner.create("g", gain({ gain: 2 }));
  twice.forward([x]);
  twice.backward(x);
  twice.dispose();
  expectFailure(() => amp.NodeRunner.create("g", gain({ gain: 2 })).forward([], { frames: 64 }));

  amp.spectrum(result, { size: 256 });
  amp.spectrogram(result, { size: 128, overlap: 0.5 });
  amp.peaks(result, { size: 512 });
  expectFailure(() => amp.spectrum(result, { size: 1 }));
  const fftIn = new Float64Array(2 * 100).map((_, i) => Math.sin(i));
  addon.fftComplexForward(fftIn, 100);
  expectFailure(() => addon.fftComplexForward(new Float64Array(4).fill(Number.NaN), 2));
}

(async () => {
  for (let i = 0; i < rounds; i += 1) await round();
  if (typeof global.gc === "function") {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    global.gc();
  }
  console.log(`exercised ${rounds} rounds; live node states: ${loadAddon().liveStateCount()}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
