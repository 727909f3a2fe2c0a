// divider.js (section "divider"): the FFT divider rendered over 10 s of stereo at 48 kHz, at
// W = 512 / H = 128 and W = 2048 / H = 512, in times real time, with the FFT's share estimated by
// a peer measured in the same rounds: the STFT and inverse STFT of the same two lanes through the
// analysis functions (the same FFT plans, windowing and overlap-add, without the division and
// the band metrics). The source alone is timed too (its cost is part of the divider's render).
// Every divider render is checked: in identity settings the output is the source delayed by
// W - 1 frames (to 1e-9).
"use strict";
const { render, graph, sineOsc, fftDivider, stft, istft } = require("../dist/index.js");
const { printTable, interleave, medianSeconds, fixed, median } = require("./stats.js");

const SAMPLE_RATE = 48000;
const SECONDS = 10;
const FRAMES = SAMPLE_RATE * SECONDS;

function source() {
  return graph()
    .add("src", sineOsc({ frequency: 441, amplitude: 0.5, channels: 2 }))
    .output("src");
}

function divided(windowSize, hop) {
  return graph()
    .add("src", sineOsc({ frequency: 441, amplitude: 0.5, channels: 2 }))
    .add("div", fftDivider({ windowSize, hop }))
    .connect("src", "div")
    .output("div");
}

function seconds(started) {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

module.exports = async function divider({ rounds }) {
  console.log("\n## FFT divider: 10 s of stereo at 48 kHz");
  console.log(
    `${rounds} interleaved rounds (wall time, the machine may be shared); x real time = 10 s / median render time; ` +
      "FFT share = median STFT + inverse STFT time of the same lanes / median divider render time.",
  );
  const reference = (await render(source(), { frames: FRAMES })).samples;
  const lanes = [reference.subarray(0, FRAMES), reference.subarray(FRAMES, 2 * FRAMES)];
  const rows = [];
  let allOk = true;
  for (const [windowSize, hop] of [
    [512, 128],
    [2048, 512],
  ]) {
    const latency = windowSize - 1;
    const systems = [
      {
        name: "divider",
        run: async () => {
          const started = process.hrtime.bigint();
          const result = await render(divided(windowSize, hop), { frames: FRAMES });
          const time = seconds(started);
          let worst = 0;
          for (let lane = 0; lane < 2; lane += 1)
            for (let t = latency; t < FRAMES; t += 97) {
              worst = Math.max(worst, Math.abs(result.samples[lane * FRAMES + t] - reference[lane * FRAMES + t - latency]));
            }
          return { seconds: time, ok: worst <= 1e-9, worst };
        },
      },
      {
        name: "stft + istft",
        run: async () => {
          const started = process.hrtime.bigint();
          for (const lane of lanes) istft(stft(lane, { size: windowSize, hop, window: "hann" }), FRAMES);
          return { seconds: seconds(started), ok: true };
        },
      },
      {
        name: "source",
        run: async () => {
          const started = process.hrtime.bigint();
          await render(source(), { frames: FRAMES });
          return { seconds: seconds(started), ok: true };
        },
      },
    ];
    const results = await interleave(systems, rounds);
    const div = results.get("divider");
    const transforms = results.get("stft + istft");
    const src = results.get("source");
    const ok = div.every((run) => run.ok);
    allOk = allOk && ok;
    const realtime = div.map((run) => SECONDS / run.seconds);
    const shares = div.map((run, i) => transforms[i].seconds / run.seconds);
    rows.push({
      "W / H": `${windowSize} / ${hop}`,
      "render (s)": fixed(medianSeconds(div), 3),
      "x real time": `${fixed(median(realtime), 1)} (${fixed(Math.min(...realtime), 1)}–${fixed(Math.max(...realtime), 1)})`,
      "stft + istft (s)": fixed(medianSeconds(transforms), 3),
      "FFT share": `${fixed(median(shares), 2)} (${fixed(Math.min(...shares), 2)}–${fixed(Math.max(...shares), 2)})`,
      "source alone (s)": fixed(medianSeconds(src), 3),
      check: ok ? `ok (${div.length} runs, max |error| ${Math.max(...div.map((r) => r.worst)).toExponential(1)})` : "FAILED",
    });
  }
  printTable(rows);
  return allOk;
};
