// The control nodes of issue 9 through the public TypeScript API, each against a reference
// computed here: subharmonic (energy at half the input frequency, measured with the package's
// own spectrum), pitch_quantizer (the output does not depend on the block size), oscillator_pitch
// (the slew starts from the first target, never from 0 Hz), lfo (shapes and per-batch phase),
// integrator (no_impingement = the running sum; the slew limit holds frame by frame), controller
// (several named curves, one named output each).
import { describe, expect, it } from "vitest";

import { graph, render, spectrum } from "../src/index";
import { NodeRunner } from "../src/node-call/node-runner";
import { constant, controller, gain, integrator, lfo, oscillatorPitch, pitchQuantizer, sineOsc, subharmonic } from "../src/nodes/generated";

const RATE = 48000;

/** Power (dBFS) of the spectrum bin nearest to `hz`. */
function levelAt(spec: ReturnType<typeof spectrum>, hz: number): number {
  return spec.powerDb[Math.round(hz / spec.binHz)] ?? NaN;
}

describe("subharmonic", () => {
  it("puts clear energy at half the input frequency (package spectrum)", async () => {
    const frames = RATE * 2;
    const build = (mix: number) =>
      graph()
        .add("src", sineOsc({ frequency: 220, amplitude: 0.8 }))
        .add("sub", subharmonic({ mix }))
        .chain("src", "sub")
        .output("sub");
    const wet = await render(build(0.5), { frames });
    const dry = await render(build(0), { frames });
    const options = { size: 16384, window: "hann" as const };
    const wetSpectrum = spectrum(wet, options);
    const drySpectrum = spectrum(dry, options);
    const half = levelAt(wetSpectrum, 110);
    // Clearly present: within 20 dB of full scale, and 60 dB above the dry path's level there.
    expect(half).toBeGreaterThan(-20);
    expect(half - levelAt(drySpectrum, 110)).toBeGreaterThan(60);
    // The fundamental is still there (mixed at 1 - mix).
    expect(levelAt(wetSpectrum, 220)).toBeGreaterThan(-15);
  });
});

describe("pitch_quantizer", () => {
  it("gives the same output whatever the block size", async () => {
    const g = graph()
      .add("ctl", sineOsc({ frequency: 0.9, amplitude: 1, channels: 2 }))
      .add("q", pitchQuantizer({ glideMs: 8, spanOct: 2, rootMidi: 57 }))
      .chain("ctl", "q")
      .output("q");
    const reference = Array.from((await render(g, { frames: 24000, blockFrames: 512 })).samples);
    for (const blockFrames of [1, 37, 128]) {
      expect(Array.from((await render(g, { frames: 24000, blockFrames })).samples)).toEqual(reference);
    }
    // Without glide every value is a 12-TET pitch around A3 (root 57 = 220 Hz).
    const steps = await render(
      g
        .add("plain", pitchQuantizer({ spanOct: 2, rootMidi: 57 }))
        .connect("ctl", "plain")
        .output("plain"),
      {
        frames: 4800,
      },
    );
    for (const hz of steps.samples) {
      const semitones = 12 * Math.log2(hz / 220);
      expect(Math.abs(semitones - Math.round(semitones))).toBeLessThan(1e-9);
    }
  });
});

describe("oscillator_pitch", () => {
  it("slews from the first target, never from 0 Hz", async () => {
    // A step from 300 Hz to 600 Hz at frame 100, slew 4800 Hz/s = 0.1 Hz per frame.
    const runner = NodeRunner.create("op", oscillatorPitch({ slewHzPerS: 4800 }));
    try {
      const pitch = new Float64Array(400).fill(300);
      pitch.fill(600, 100);
      const tensor = { samples: pitch, shape: { batches: 1, channels: 1, frames: 400 } };
      const { samples } = runner.forward([], { frames: 400, sampleRate: RATE, params: { pitchHz: tensor } });
      expect(samples[0]).toBe(300);
      let y = 300;
      for (let f = 0; f < 400; f += 1) {
        if (f > 0) y += Math.max(-0.1, Math.min(0.1, (pitch[f] ?? 0) - y));
        expect(Math.abs((samples[f] ?? NaN) - y)).toBeLessThan(1e-9);
      }
    } finally {
      runner.dispose();
    }
    // Formula mode: root 220 Hz up 1200 cents = 440 Hz on the first frame, with a slow slew.
    const g = graph()
      .add("op", oscillatorPitch({ rootHz: 220, offsetCents: 1200, slewHzPerS: 1 }))
      .output("op");
    const first = (await render(g, { frames: 3 })).samples;
    expect(Math.abs((first[0] ?? 0) - 440)).toBeLessThan(1e-12);
  });
});

describe("lfo", () => {
  it("draws each shape with its own phase per batch", async () => {
    const shapes = ["sine", "square", "saw", "triangle"] as const;
    for (const shape of shapes) {
      const g = graph()
        .add("l", lfo({ shape, rateHz: 3.3, depth: 0.75 }))
        .output("l");
      const result = await render(g, { frames: 2000 });
      for (let f = 0; f < 2000; f += 7) {
        const phi = ((f + 1) * 3.3) / RATE;
        const wave =
          shape === "sine"
            ? Math.sin(2 * Math.PI * phi)
            : shape === "square"
              ? phi % 1 < 0.5
                ? 1
                : -1
              : shape === "saw"
                ? 2 * (phi % 1) - 1
                : 2 * Math.abs(2 * (phi % 1) - 1) - 1;
        expect(Math.abs((result.samples[f] ?? NaN) - 0.75 * wave)).toBeLessThan(1e-12);
      }
    }
  });
});

describe("integrator", () => {
  it("no_impingement is the running sum; the slew limit holds at every frame", () => {
    const frames = 3000;
    const x = Float64Array.from({ length: frames }, (_, f) => 900 * Math.sin(f / 13) + 400 * Math.cos(f / 3.1));
    const input = { samples: x, shape: { batches: 1, channels: 1, frames } };
    const ideal = NodeRunner.create("i", integrator({ mode: "no_impingement" }));
    const limited = NodeRunner.create("l", integrator({ slewRate: 120, clampMin: -0.5, clampMax: 0.5 }));
    try {
      const y = ideal.forward([input], { sampleRate: RATE }).samples;
      let sum = 0;
      for (let f = 0; f < frames; f += 1) {
        sum += (x[f] ?? 0) / RATE;
        expect(y[f]).toBe(sum);
      }
      const z = limited.forward([input], { sampleRate: RATE }).samples;
      let previous = 0;
      for (const value of z) {
        expect(Math.abs(value - previous)).toBeLessThanOrEqual(120 / RATE + 1e-15);
        expect(value).toBeGreaterThanOrEqual(-0.5);
        expect(value).toBeLessThanOrEqual(0.5);
        previous = value;
      }
    } finally {
      ideal.dispose();
      limited.dispose();
    }
  });

  it("refuses limits in no_impingement mode, naming the key", () => {
    const g = graph()
      .add("c", constant({ value: 1 }))
      .add("i", integrator({ mode: "no_impingement", slewRate: 3 }))
      .chain("c", "i")
      .output("i");
    return expect(render(g, { frames: 4 })).rejects.toThrow('parameter "slew_rate" does not apply in mode "no_impingement"');
  });
});

describe("controller with several curves", () => {
  const history = {
    cutoff: {
      points: [
        [0, 200],
        [40, 1200],
      ] as const,
      unit: "frames" as const,
    },
    res: {
      points: [
        [10, 0.1],
        [90, 0.9],
      ] as const,
      unit: "frames" as const,
    },
  };
  /** The curves of `history`, linear between points and held at both ends, at frame `f`. */
  function expected(name: "cutoff" | "res", f: number): number {
    const [[t0, v0], [t1, v1]] = history[name].points;
    if (f <= t0) return v0;
    if (f >= t1) return v1;
    return v0 + ((v1 - v0) * (f - t0)) / (t1 - t0);
  }

  it("routes each curve to its own named output", async () => {
    const g = graph()
      .add("ctl", controller({ curves: ["cutoff", "res"], channels: 2 }))
      .add("r", gain())
      .add("one", constant({ value: 1 }))
      .add("c", gain({ gain: 0 }))
      .connect("ctl.res", "r")
      .connect("one", "c")
      .modulate("ctl.cutoff", "c.gain")
      .output("r");
    const res = await render(g, { frames: 100, history });
    expect(res.shape.channels).toBe(2);
    for (let f = 0; f < 100; f += 1) expect(Math.abs((res.samples[f] ?? NaN) - expected("res", f))).toBeLessThan(1e-12);
    const cutoff = await render(g.output("c"), { frames: 100, history, blockFrames: 7 });
    for (let f = 0; f < 100; f += 1) expect(Math.abs((cutoff.samples[f] ?? NaN) - expected("cutoff", f))).toBeLessThan(1e-9);
    const all = await render(g.output("ctl"), { frames: 50, history });
    expect(all.shape.channels).toBe(4);
    expect(all.samples[2 * 50 + 30]).toBeCloseTo(expected("res", 30), 12);
  });

  it("refuses unknown outputs, dotted names and curve together with curves", () => {
    const base = graph()
      .add("ctl", controller({ curves: ["cutoff", "res"] }))
      .add("g", gain());
    expect(() => base.connect("ctl.q", "g")).toThrow('has no output "q" (edge source); outputs: "cutoff", "res"');
    expect(() => graph().add("k", controller({ curves: ["a.b"] }))).toThrow('parameter "curves[0]" expects a name without "."');
    expect(() => graph().add("k", controller({ curve: "a", curves: ["b"] }))).toThrow(
      'parameter "curve" excludes "curves"; give one of them',
    );
  });
});
