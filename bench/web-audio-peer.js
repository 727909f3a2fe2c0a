// web-audio-peer.js: the same sine graphs rendered by Web Audio's OfflineAudioContext
// (npm node-web-audio-api, Rust, float32, fixed 128-frame render quantum).
"use strict";
const { sineFrequency } = require("./graphs.js");

function loadWebAudio() {
  try {
    return require("node-web-audio-api");
  } catch (error) {
    throw new Error(`the Web Audio peer needs the devDependency node-web-audio-api (npm install): ${error.message}`);
  }
}

/**
 * Renders `count` summed oscillators (amplitude 0.5) for `frames` frames, timing the whole offline
 * render (context, nodes, startRendering); resolves with the seconds taken and the samples.
 */
async function renderSines(count, frames, sampleRate) {
  const { OfflineAudioContext } = loadWebAudio();
  const started = process.hrtime.bigint();
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: frames, sampleRate });
  for (let i = 0; i < count; i += 1) {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = sineFrequency(i);
    const level = context.createGain();
    level.gain.value = 0.5;
    oscillator.connect(level).connect(context.destination);
    oscillator.start();
  }
  const buffer = await context.startRendering();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, samples: buffer.getChannelData(0) };
}

/**
 * saw 220 Hz -> lowpass 1 kHz (Q 1/sqrt 2) -> gain 0.5 for `frames` frames (the BiquadFilterNode's
 * lowpass Q is in dB: 20 log10(1/sqrt 2)); resolves with the seconds taken and the samples.
 */
async function renderSawLowpass(frames, sampleRate) {
  const { OfflineAudioContext } = loadWebAudio();
  const started = process.hrtime.bigint();
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: frames, sampleRate });
  const oscillator = context.createOscillator();
  oscillator.type = "sawtooth";
  oscillator.frequency.value = 220;
  const filter = context.createBiquadFilter();
  filter.type = "lowpass";
  filter.frequency.value = 1000;
  filter.Q.value = 20 * Math.log10(Math.SQRT1_2);
  const level = context.createGain();
  level.gain.value = 0.5;
  oscillator.connect(filter).connect(level).connect(context.destination);
  oscillator.start();
  const buffer = await context.startRendering();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, samples: buffer.getChannelData(0) };
}

module.exports = { renderSines, renderSawLowpass };
